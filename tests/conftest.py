"""What many test modules share: each environment planned once per session (per xdist worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlplat.synth.plan import PlanResult, plan


class PlannedEnvironments:
    """`mlplat plan ENV` into a temporary directory, on first use; readers load their own copy."""

    def __init__(self, factory: pytest.TempPathFactory):
        self.factory = factory
        self.results: dict[str, PlanResult] = {}

    def result(self, environment: str) -> PlanResult:
        if environment not in self.results:
            self.results[environment] = plan(environment, self.factory.mktemp(environment))
        return self.results[environment]

    def inventory(self, environment: str) -> Path:
        return self.result(environment).inventory_path


@pytest.fixture(scope="session")
def plans(tmp_path_factory) -> PlannedEnvironments:
    return PlannedEnvironments(tmp_path_factory)
