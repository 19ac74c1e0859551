"""The floor of `mlplat plan`: the same registrations, under the same mocks, with no project code.

Reads an inventory written by `mlplat plan` and, for each of its stacks in the same order, runs
`mlplat.synth.engine.synthesize` (the same `RecordingMonitor` and fake cloud the plan uses) on a
program that only constructs resources:

- one `pulumi.CustomResource(type, name, props)` per custom resource of the stack, same type token,
  no parent, no provider, no dependencies; `props` are only the resource's top-level string inputs
  from the inventory, plain values, because the fake cloud derives ids from names (a cluster's node
  group id is `<clusterName>:<nodeGroupName>`);
- one `pulumi.ProviderResource(package, name, {})` per provider (`pulumi:providers:<package>`);
- one `pulumi.StackReference(name, stack_name=...)` per stack reference, answered from the
  (empty) outputs of the floor's own earlier stacks, as the plan answers them;
- one `pulumi.ComponentResource(type, name)` per component, same type token, no children.

It imports only pulumi and mlplat.synth, checks that no project module (`components`, `stacks`,
`mlplat.synth.plan`) nor `pulumi_aws` got imported, and checks, per stack, that it registered exactly
as many resources of each type as the inventory holds; it exits non-zero otherwise.

Usage: python bench/floor.py INVENTORY.json   (prints one JSON line: counts and timings)
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pulumi

from mlplat.synth.engine import ORGANIZATION, Registration, synthesize

ROOT_TYPE = "pulumi:pulumi:Stack"
REFERENCE_TYPE = "pulumi:pulumi:StackReference"
PROVIDER_PREFIX = "pulumi:providers:"

FORBIDDEN_MODULES = ("components", "stacks", "mlplat.synth.plan", "mlplat.cli", "pulumi_aws")


def logical_name(urn: str) -> str:
    return urn.split("::", 3)[3]


def unique_names(resources: list[dict[str, Any]]) -> list[str]:
    """The URN's logical name, suffixed where flattening the parent chain would collide."""
    seen: set[tuple[str, str]] = set()
    names = []
    for resource in resources:
        name = base = logical_name(resource["urn"])
        n = 1
        while (resource["type"], name) in seen:
            n += 1
            name = f"{base}-{n}"
        seen.add((resource["type"], name))
        names.append(name)
    return names


def make_program(resources: list[dict[str, Any]]):
    """A program registering one bare resource per inventory entry, except the root stack."""
    entries = [r for r in resources if r["type"] != ROOT_TYPE]
    names = unique_names(entries)

    def program() -> None:
        for resource, name in zip(entries, names, strict=True):
            type_ = resource["type"]
            if not resource["custom"]:
                pulumi.ComponentResource(type_, name)
            elif type_ == REFERENCE_TYPE:
                pulumi.StackReference(name, stack_name=resource["inputs"]["name"])
            elif type_.startswith(PROVIDER_PREFIX):
                pulumi.ProviderResource(type_.removeprefix(PROVIDER_PREFIX), name, {})
            else:
                names_only = {k: v for k, v in (resource.get("inputs") or {}).items() if isinstance(v, str)}
                pulumi.CustomResource(type_, name, names_only)

    return program


def type_counts(items, *, custom: bool) -> Counter[str]:
    return Counter(
        item["type"] if isinstance(item, dict) else item.type
        for item in items
        if (item["custom"] if isinstance(item, dict) else item.custom) == custom
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    started = time.perf_counter()
    document = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    project = document["project"]
    stacks = {name: export["deployment"]["resources"] for name, export in document["stacks"].items()}
    loaded = time.perf_counter()

    exports: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    per_stack = []
    for stack, resources in stacks.items():
        registered: list[Registration] = []
        run = synthesize(
            project=project,
            stack=stack,
            config={},
            program=make_program(resources),
            references=exports,
            on_register=registered.append,
        )
        exports[f"{ORGANIZATION}/{project}/{stack}"] = run.exports
        for kind, custom in (("custom resources", True), ("components", False)):
            want, got = type_counts(resources, custom=custom), type_counts(registered, custom=custom)
            if want != got:
                diff = sorted(((want - got) + (got - want)).elements())
                problems.append(
                    f"{stack}: the plan has {want.total()} {kind}, the floor registered {got.total()}; "
                    f"differing types: {sorted(set(diff))}"
                )
        per_stack.append(
            {
                "stack": stack,
                "custom": type_counts(registered, custom=True).total(),
                "components": type_counts(registered, custom=False).total(),
            }
        )
    synthesized = time.perf_counter()

    leaked = sorted(m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_MODULES))
    if leaked:
        problems.append(f"the floor imported project code or provider SDKs: {leaked}")
    if problems:
        for line in problems:
            print(f"floor: {line}", file=sys.stderr)
        return 1
    print(
        json.dumps(
            {
                "stacks": per_stack,
                "load_inventory_s": loaded - started,
                "synthesize_s": synthesized - loaded,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
