"""`mlplat plan`: synthesize every layer of an environment in dependency order, offline."""

from __future__ import annotations

import json
import runpy
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml

from mlplat.synth.engine import (
    ORGANIZATION,
    DuplicateUrn,
    Registration,
    StackRun,
    UnsupportedInvoke,
    synthesize,
)
from mlplat.synth.inventory import inventory_document, write_inventory
from platform_spec import loader
from platform_spec.errors import PlatformError
from platform_spec.layers import LAYERS
from platform_spec.paths import project_root

PROJECT_ROOT = project_root()
"""The directory of Pulumi.yaml; its __main__.py is the program `pulumi up` runs."""
PROJECT = yaml.safe_load((PROJECT_ROOT / "Pulumi.yaml").read_text(encoding="utf-8"))["name"]


def run_program() -> None:
    """Run the project the way Pulumi's Python language host does: the project directory
    through runpy, as __main__, inside the stack (see docs/adr/0002)."""
    runpy.run_path(str(PROJECT_ROOT), run_name="__main__")


class PlanError(PlatformError):
    """The program refused its input (exit 2) or has a defect the offline run exposed (exit 1)."""


@dataclass(frozen=True)
class StackPlan:
    name: str
    layer: str
    config: dict[str, str]


@dataclass
class PlanResult:
    environment: str
    inventory_path: Path
    runs: list[StackRun]
    seconds: dict[str, float]
    """Wall time of each stack's synthesis (not part of the inventory, which stays byte-identical)."""

    def summary(self) -> dict[str, Any]:
        stacks = []
        for run in self.runs:
            types = Counter(
                r.type for r in run.registrations if r.custom and not r.type.startswith("pulumi:pulumi:")
            )
            stacks.append(
                {
                    "stack": run.stack,
                    "resources": sum(types.values()),
                    "components": sum(
                        1 for r in run.registrations if not r.custom and r.type != "pulumi:pulumi:Stack"
                    ),
                    "types": dict(sorted(types.items())),
                    "warnings": run.warnings,
                    "seconds": round(self.seconds[run.stack], 3),
                }
            )
        return {
            "environment": self.environment,
            "inventory": str(self.inventory_path),
            "stacks": stacks,
            "total_resources": sum(s["resources"] for s in stacks),
        }


def stack_plans(environment: str) -> list[StackPlan]:
    """`org` and every `<environment>-<layer>` stack with a config file, in layer order."""
    directory = loader.ENVIRONMENTS_DIR
    plans = []
    for layer in LAYERS:
        name = "org" if layer == "org" else f"{environment}-{layer}"
        path = directory / f"Pulumi.{name}.yaml"
        if path.exists():
            config = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("config") or {}
            plans.append(
                StackPlan(
                    name, layer, {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
                )
            )
    return plans


def plan(
    environment: str,
    out_dir: Path,
    *,
    on_stack: Callable[[StackPlan], None] = lambda _: None,
    on_register: Callable[[Registration], None] = lambda _: None,
) -> PlanResult:
    """Validate the spec, run every stack of the environment under mocks, write inventory.json.

    Raises `platform_spec.SpecError` for an invalid spec, and `PlanError` when a component
    rejects its arguments or the run exposes a program defect (an invoke, a duplicate URN).
    """
    loader.load_spec(environment)  # report spec problems before anything runs
    runs: list[StackRun] = []
    seconds: dict[str, float] = {}
    exports: dict[str, dict[str, Any]] = {}
    for stack in stack_plans(environment):
        on_stack(stack)
        started = time.perf_counter()
        try:
            run = synthesize(
                project=PROJECT,
                stack=stack.name,
                config=stack.config,
                program=run_program,
                references=exports,
                on_register=on_register,
            )
        except pulumi.InputPropertiesError as error:
            details = error.errors or [{"property_path": "", "reason": error.message}]
            raise PlanError(
                [f"{stack.name}: {error.message}: {d['property_path']}: {d['reason']}" for d in details]
            ) from None
        except pulumi.RunError as error:
            raise PlanError([f"{stack.name}: {line}" for line in str(error).splitlines()]) from None
        except (DuplicateUrn, UnsupportedInvoke) as error:
            raise PlanError([f"{stack.name}: {error}"], exit_code=1) from None
        seconds[stack.name] = time.perf_counter() - started
        runs.append(run)
        exports[f"{ORGANIZATION}/{PROJECT}/{stack.name}"] = run.exports
    inventory_path = out_dir / "inventory.json"
    write_inventory(inventory_path, inventory_document(PROJECT, environment, runs))
    return PlanResult(environment, inventory_path, runs, seconds)
