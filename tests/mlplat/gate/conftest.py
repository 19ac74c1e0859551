"""One policy pack process for the whole session, and each environment planned once, in-process."""

from __future__ import annotations

import pytest

from gatekit import CachingPack, Planned
from mlplat.gate import PACK_DIR


@pytest.fixture(scope="session")
def pack():
    with CachingPack(PACK_DIR) as started:
        yield started


@pytest.fixture(scope="session")
def planned(plans) -> Planned:
    return Planned(plans)
