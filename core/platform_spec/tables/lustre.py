"""FSx for Lustre PERSISTENT_2 SSD: the capacities and throughput tiers AWS accepts (a reviewed table)."""

from __future__ import annotations

THROUGHPUTS = (125, 250, 500, 1000)
"""PERSISTENT_2 SSD throughput tiers, MB/s per TiB of storage."""
FIRST_STEPS_GIB = (1200, 2400)
STEP_GIB = 2400
"""PERSISTENT_2 SSD storage: 1.2 TiB, 2.4 TiB, then multiples of 2.4 TiB (AWS counts 1.2 TiB as 1200 GiB)."""


def storage_gib(tib: float) -> int:
    return round(tib * 1000)


def storage_problem(tib: float) -> str | None:
    """Why a capacity in TiB is not one PERSISTENT_2 SSD accepts, or None."""
    gib = storage_gib(tib)
    if abs(gib - tib * 1000) > 1e-6 or gib <= 0 or (gib not in FIRST_STEPS_GIB and gib % STEP_GIB):
        return "PERSISTENT_2 SSD takes 1.2, 2.4 or a multiple of 2.4 TiB (4.8, 7.2, ...)"
    return None
