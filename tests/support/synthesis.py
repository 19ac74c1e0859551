"""Run one component under the project's recording mocks (the same monitor `mlplat plan` uses)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pulumi
import pulumi_aws as aws

from mlplat.synth.engine import Registration, synthesize


class Recorded:
    def __init__(self, registrations: list[Registration]):
        self.registrations = registrations

    def of_type(self, type_: str) -> list[Registration]:
        return sorted((r for r in self.registrations if r.type == type_), key=lambda r: r.urn)

    def one(self, type_: str, name: str) -> Registration:
        matches = [r for r in self.of_type(type_) if r.urn.endswith(f"::{name}")]
        assert len(matches) == 1, (
            f"expected one {type_} named {name}, got {[r.urn for r in self.of_type(type_)]}"
        )
        return matches[0]

    def names(self, type_: str) -> list[str]:
        return [r.urn.rsplit("::", 1)[1] for r in self.of_type(type_)]

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.registrations:
            if r.custom and not r.type.startswith("pulumi:"):
                counts[r.type] = counts.get(r.type, 0) + 1
        return dict(sorted(counts.items()))


def run_component(build: Callable[[pulumi.ProviderResource], object], *, account: str = "123456789012",
                  region: str = "eu-central-1") -> Recorded:  # fmt: skip
    """Build a component (given an explicit provider) inside a throwaway stack; return what registered."""

    def program() -> None:
        provider = aws.Provider("test", region=region, allowed_account_ids=[account])
        build(provider)

    run = synthesize(project="test", stack="test", config={}, program=program, references={})
    return Recorded(run.registrations)


def policy(registration: Registration, key: str = "policy") -> dict:
    return json.loads(registration.inputs[key])
