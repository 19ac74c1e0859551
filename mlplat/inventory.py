"""The inventory: what an environment would deploy, in Pulumi's own deployment export format.

`inventory.json` holds one `pulumi stack export` document (version 3) per stack, keyed by
stack name in deployment order. Each resource carries urn, custom, id, type, inputs, outputs,
parent, provider, protect, retainOnDelete, dependencies, propertyDependencies and aliases; empty
fields are left out as Pulumi does. Secret values are replaced by Pulumi's secret object
with the ciphertext masked. Resources are ordered dependencies-first and ties by URN, so the
same code always gives byte-identical files. See docs/inventory.md.
"""

from __future__ import annotations

import heapq
import json
import math
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mlplat.synth import MASKED, SECRET_SIG, SECRET_VALUE, Registration, StackRun

FORMAT = "mlplat-inventory"
FORMAT_VERSION = 1
ZERO_TIME = "0001-01-01T00:00:00Z"  # no wall-clock time: identical code, identical bytes


def to_json(value: Any) -> Any:
    """A plain-JSON copy of a property value: secrets masked, integral floats as ints, and map
    keys sorted (as in Pulumi's own exports), so resolution order never shows in the file."""
    if isinstance(value, Mapping):
        if value.get(SECRET_SIG) == SECRET_VALUE:
            return {SECRET_SIG: SECRET_VALUE, "ciphertext": MASKED}
        return {str(k): to_json(v) for k, v in sorted(value.items(), key=lambda item: str(item[0]))}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def resource_document(registration: Registration) -> dict[str, Any]:
    doc: dict[str, Any] = {"urn": registration.urn, "custom": registration.custom}
    if registration.id:
        doc["id"] = registration.id
    doc["type"] = registration.type
    if registration.custom:
        doc["inputs"] = to_json(registration.inputs)
    if registration.outputs or registration.custom:
        doc["outputs"] = to_json(registration.outputs)
    for key, value in (
        ("parent", registration.parent),
        ("provider", registration.provider),
        ("protect", registration.protect),
        ("retainOnDelete", registration.retain_on_delete),
        ("dependencies", registration.dependencies),
        ("propertyDependencies", registration.property_dependencies),
        ("ignoreChanges", registration.ignore_changes),
        ("aliases", registration.aliases),
    ):
        if value:
            doc[key] = value
    return doc


def dependency_order(registrations: Iterable[Registration]) -> list[Registration]:
    """Parents, providers and dependencies before dependents; ties broken by URN."""
    by_urn = {r.urn: r for r in registrations}
    needs: dict[str, set[str]] = {}
    for r in by_urn.values():
        provider_urn = r.provider.rsplit("::", 1)[0] if r.provider else ""
        needs[r.urn] = {u for u in (r.parent, provider_urn, *r.dependencies) if u in by_urn and u != r.urn}
    dependents: dict[str, list[str]] = {urn: [] for urn in by_urn}
    for urn, required in needs.items():
        for u in required:
            dependents[u].append(urn)
    ready = [urn for urn, required in needs.items() if not required]
    heapq.heapify(ready)
    ordered: list[Registration] = []
    while ready:
        urn = heapq.heappop(ready)
        ordered.append(by_urn[urn])
        for dependent in dependents[urn]:
            needs[dependent].discard(urn)
            if not needs[dependent]:
                heapq.heappush(ready, dependent)
    if len(ordered) != len(by_urn):
        raise ValueError(f"dependency cycle among {sorted(set(by_urn) - {r.urn for r in ordered})}")
    return ordered


def stack_export(run: StackRun) -> dict[str, Any]:
    return {
        "version": 3,
        "deployment": {
            "manifest": {"time": ZERO_TIME, "magic": "", "version": f"v{version('pulumi')}"},
            "resources": [resource_document(r) for r in dependency_order(run.registrations)],
        },
    }


def inventory_document(project: str, environment: str, runs: Iterable[StackRun]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "project": project,
        "environment": environment,
        "stacks": {run.stack: stack_export(run) for run in runs},
    }


def write_inventory(path: Path, document: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def load_stacks(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Stack name -> resources, from an inventory or from one `pulumi stack export` file."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("format") == FORMAT:
        return {name: export["deployment"]["resources"] for name, export in document["stacks"].items()}
    if document.get("version") == 3 and "deployment" in document:
        resources = document["deployment"].get("resources") or []
        root = next((r for r in resources if r.get("type") == "pulumi:pulumi:Stack"), None)
        name = root["urn"].split("::")[0].removeprefix("urn:pulumi:") if root else path.stem
        return {name: resources}
    raise ValueError(f"{path}: neither an mlplat inventory nor a `pulumi stack export` (version 3) document")
