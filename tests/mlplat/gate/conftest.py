"""One policy pack process for the whole session, and each environment planned once, in-process."""

from __future__ import annotations

import pytest

from mlplat.gate.check import PACK_DIR
from tests.mlplat.gate.gatekit import CachingPack, Planned


@pytest.fixture(scope="session")
def pack():
    with CachingPack(PACK_DIR) as started:
        yield started


@pytest.fixture(scope="session")
def planned(plans) -> Planned:
    return Planned(plans)
