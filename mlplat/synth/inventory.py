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
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mlplat.synth.engine import MASKED, SECRET_SIG, SECRET_VALUE, Registration, StackRun
from platform_spec.errors import PlatformError
from platform_spec.layers import ORG, environment_of

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


class InventoryError(PlatformError):
    """An inventory that cannot be read (exit 2): one line per problem, naming the file, the field,
    the value and what is allowed."""


@dataclass(frozen=True)
class Inventory:
    """One inventory file, read and checked once."""

    path: Path
    stacks: dict[str, list[dict[str, Any]]]
    """Stack name -> resources, in the file's order."""
    environment: str | None
    """The environment the file names (`environment` of an mlplat inventory), or the one its stacks'
    `<env>-<layer>` names agree on; None for the `org` stack alone or a stack name that names none."""
    export: str | None = None
    """The stack's name when the file is one `pulumi stack export` (from its root Stack resource's
    URN, else the file's name); None for an mlplat inventory."""
    named_by_file: bool = False
    """The export has no root Stack resource: its stack is named after the file."""

    @property
    def source(self) -> str:
        """What the file is of: its environment (an mlplat inventory) or its stack (one export)."""
        if self.export is not None:
            return self.export
        return self.environment or next(iter(self.stacks))


def read_json(path: Path, what: str) -> Any:
    """A JSON document, or one `InventoryError` line saying why not (missing, unreadable, not UTF-8,
    not JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InventoryError([f"{path}: (file): not found: {what}"]) from None
    except OSError as error:
        raise InventoryError([f"{path}: (file): cannot be read: {error.strerror}"]) from None
    except UnicodeDecodeError as error:
        raise InventoryError(
            [f"{path}: (file): byte 0x{error.object[error.start]:02x} at offset {error.start}: "
             f"not UTF-8 text; {what} is UTF-8 JSON"]
        ) from None  # fmt: skip
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InventoryError(
            [f"{path}: line {error.lineno} column {error.colno}: {error.msg}: valid JSON"]
        ) from None
    except RecursionError:
        raise InventoryError([f"{path}: (top level): nested too deeply: valid JSON"]) from None


WHAT = "an mlplat inventory or a `pulumi stack export` file"


def read_inventory(path: Path) -> Inventory:
    """An mlplat inventory or one `pulumi stack export` (version 3), checked: every problem of the
    file's shape is one line of the `InventoryError`, none is a traceback further on."""
    document = read_json(path, WHAT)
    if not isinstance(document, dict):
        raise InventoryError([f"{path}: (top level): {type(document).__name__}: a JSON object, {WHAT}"])
    problems: list[str] = []
    if document.get("format") == FORMAT:
        exports = document.get("stacks")
        if not isinstance(exports, dict) or not exports:
            raise InventoryError(
                [f"{path}: stacks: {_short(exports)}: a map of stack name to `pulumi stack export`"]
            )
        named = document.get("environment")
        if named is not None and (not isinstance(named, str) or not named):
            problems.append(f"{path}: environment: {_short(named)}: the environment's name, a string")
        for name, export in exports.items():
            problems += _export_problems(path, f"stacks.{name}", export)
        if problems:
            raise InventoryError(problems)
        stacks = {name: export["deployment"].get("resources") or [] for name, export in exports.items()}
        return Inventory(path, stacks, named or _implied_environment(stacks))
    if "deployment" in document or "version" in document:
        problems += _export_problems(path, "(top level)", document)
        if problems:
            raise InventoryError(problems)
        resources = document["deployment"].get("resources") or []
        root = next((r for r in resources if r["type"] == "pulumi:pulumi:Stack"), None)
        name = root["urn"].split("::")[0].removeprefix("urn:pulumi:") if root else path.stem
        return Inventory(
            path, {name: resources}, environment_of(name), export=name, named_by_file=root is None
        )
    raise InventoryError(
        [f"{path}: format: {_short(document.get('format'))}: neither an mlplat inventory nor a `pulumi stack "
         f"export`; one of them (format {FORMAT!r}, or version 3 with a deployment)"]
    )  # fmt: skip


def _implied_environment(stacks: Mapping[str, Any]) -> str | None:
    environments = {environment_of(name) for name in stacks if name != ORG}
    return environments.pop() if len(environments) == 1 else None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _export_problems(path: Path, where: str, export: Any) -> list[str]:
    if not isinstance(export, dict) or export.get("version") != 3:
        version = export.get("version") if isinstance(export, dict) else export
        return [f"{path}: {where}.version: {_short(version)}: 3 (`pulumi stack export` deployment version 3)"]
    deployment = export.get("deployment")
    if not isinstance(deployment, dict):
        return [f"{path}: {where}.deployment: {_short(deployment)}: an object with the stack's resources"]
    resources = deployment.get("resources")
    if resources is None:
        return []
    if not isinstance(resources, list):
        return [f"{path}: {where}.deployment.resources: {type(resources).__name__}: a list of resources"]
    problems = []
    for i, resource in enumerate(resources):
        at = f"{where}.deployment.resources[{i}]"
        if not isinstance(resource, dict):
            problems.append(f"{path}: {at}: {type(resource).__name__}: a resource object")
            continue
        for key in ("urn", "type"):
            if not isinstance(resource.get(key), str) or not resource.get(key):
                problems.append(f"{path}: {at}.{key}: {_short(resource.get(key))}: a non-empty string")
        for key in ("id", "parent", "provider"):
            if key in resource and not isinstance(resource[key], str):
                problems.append(f"{path}: {at}.{key}: {_short(resource[key])}: a string")
        for key in ("inputs", "outputs", "propertyDependencies"):
            if key in resource and not isinstance(resource[key], dict):
                problems.append(f"{path}: {at}.{key}: {type(resource[key]).__name__}: an object")
        for key in ("dependencies", "aliases"):
            if key in resource and not isinstance(resource[key], list):
                problems.append(f"{path}: {at}.{key}: {type(resource[key]).__name__}: a list")
        dependencies = resource.get("propertyDependencies")
        for name, urns in dependencies.items() if isinstance(dependencies, dict) else ():
            if not isinstance(urns, list) or not all(isinstance(u, str) for u in urns):
                problems.append(f"{path}: {at}.propertyDependencies.{name}: {_short(urns)}: a list of URNs")
    return problems


def load_stacks(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Stack name -> resources, from an inventory or from one `pulumi stack export` (checked by
    `read_inventory`; an `InventoryError`, a ValueError, says what is wrong)."""
    return read_inventory(path).stacks
