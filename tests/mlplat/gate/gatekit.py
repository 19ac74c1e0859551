"""Helpers of the gate tests: a pack process that remembers answers, and the gate over given stacks."""

from __future__ import annotations

import json
from pathlib import Path

from mlplat.gate.analyzer import Analysis, PolicyPackProcess
from mlplat.gate.check import GateResult, config_path, load_inventory, run_gate


class CachingPack(PolicyPackProcess):
    """The real pack over the real protocol; an Analyze whose request was already answered under the same
    configuration is answered from memory (the pack is deterministic), so a corpus of one-change
    mutations re-sends only what changed."""

    def __init__(self, pack_dir: Path):
        super().__init__(pack_dir)
        self.cache: dict[str, Analysis] = {}
        self.calls = 0

    def configure(self, config) -> None:
        key = json.dumps(config, sort_keys=True, default=str)
        if getattr(self, "_configured", None) != key:
            self.cache.clear()
            self._configured = key
        super().configure(config)

    def analyze(self, resource, provider) -> Analysis:
        key = json.dumps([resource, provider], sort_keys=True)
        if key not in self.cache:
            self.calls += 1
            self.cache[key] = super().analyze(resource, provider)
        return self.cache[key]


class Planned:
    """The session's plans (tests/conftest.py), read the way the gate reads an inventory."""

    def __init__(self, plans):
        self.plans = plans

    def inventory(self, environment: str) -> Path:
        return self.plans.inventory(environment)

    def stacks(self, environment: str) -> dict:
        return load_inventory(self.inventory(environment))[1]


def gate(pack, stacks: dict, environment: str, inventory: Path | None = None) -> GateResult:
    config = config_path(environment)
    return run_gate(
        pack,
        stacks,
        json.loads(config.read_text()),
        source=environment,
        inventory=inventory or Path("inventory.json"),
        config=config,
    )
