"""The cost model as the policy pack's cost rules use it, and their config, generated from the specs.

A real `pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json`
analyzes one stack: a rule sees that stack's resources and the config file, nothing else. So:

- the stack's own worst case is computed live, by this project's cost model, from the resources
  the analyzer hands the rule (`stack_resources`), priced with mlplat/data/prices.yaml;
- what the stack cannot see comes from the config, generated from the specs by
  `python -m mlplat.cost_policy` (`config_entries`): the budget cap, the usage assumptions, the
  worst case of each of the environment's stacks as last planned, and the team budgets. A test
  regenerates them and fails when the files are stale (docs/adr/0010-cost-model.md).

The pack runs in the project's virtualenv (policies/PulumiPolicy.yaml), with the project installed,
so the rules import this module; the gate and `mlplat cost` share one model and one price table.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from components import node_pools
from mlplat import cost, cost_compute, prices
from mlplat.cost_usage import Usage

BUDGET_RULE = "budgets-environment-worst-case-under-cap"
TEAM_RULE = "eks-nodegroup-team-gpu-worst-case-under-budget"
TRANSITION_RULE = "s3-bucket-lifecycle-transition-pays-off"
PRESENCE_RULE = "budgets-budget-every-account"
UNPRICED_RULE = "eks-nodegroup-worst-case-priced"
CONFIG_DIR = Path(__file__).resolve().parent.parent / "policies" / "config"
LEVELS = {
    BUDGET_RULE: {"dev": "mandatory", "staging": "mandatory", "prod": "mandatory"},
    TEAM_RULE: {"dev": "mandatory", "staging": "mandatory", "prod": "mandatory"},
    TRANSITION_RULE: {"dev": "advisory", "staging": "mandatory", "prod": "mandatory"},
    PRESENCE_RULE: {"dev": "mandatory", "staging": "mandatory", "prod": "mandatory"},
    UNPRICED_RULE: {"dev": "advisory", "staging": "advisory", "prod": "advisory"},
}
"""Enforcement levels of new entries; an existing entry keeps its level."""


# --- the analyzer's resources as the model reads them ---------------------------------------------


def stack_name(resources: Sequence[Any]) -> str:
    """The stack of the analyzed resources: `urn:pulumi:<stack>::<project>::...`."""
    for resource in resources:
        return resource.urn.split("::", 1)[0].removeprefix("urn:pulumi:")
    return ""


def stack_resources(resources: Sequence[Any]) -> tuple[str, list[cost.Resource]]:
    """(stack name, resources) from pulumi_policy's PolicyResource objects of a stack rule.

    Reading a property the engine does not know yet (a preview) raises pulumi_policy's
    UnknownValueError, and the analyzer reports the rule as not run.
    """
    stack = stack_name(resources)
    found = []
    for resource in resources:
        provider = resource.provider
        region, account = cost.provider_place(provider.props) if provider is not None else (None, None)
        own = resource.props.get("region")
        if isinstance(own, str) and own:
            region = own
        found.append(
            cost.Resource(
                stack=stack,
                urn=resource.urn,
                type=resource.resource_type,
                props=resource.props,
                region=region,
                account=account,
                component=_component(resource, stack),
                dependencies={k: tuple(d.urn for d in v) for k, v in resource.property_dependencies.items()},
                custom=not resource.resource_type.startswith(("mlplatform:", "pulumi:pulumi:")),
            )
        )
    return stack, found


def _component(resource: Any, stack: str) -> str:
    parent = resource.parent
    while parent is not None:
        if parent.resource_type.startswith("mlplatform:"):
            return parent.urn.rsplit("::", 1)[-1]
        parent = parent.parent
    return stack


def stack_estimate(resources: Sequence[Any], usage: Mapping[str, Any]) -> tuple[str, cost.Estimate]:
    stack, found = stack_resources(resources)
    return stack, cost.estimate({stack: found}, Usage.model_validate(dict(usage)), prices.default())


# --- accelerator prices for team quotas -----------------------------------------------------------


def accelerator_prices(
    estimate_resources: Sequence[cost.Resource],
) -> dict[tuple[str, str], tuple[float | None, str]]:
    """(region, resource name) -> (dearest on-demand price per accelerator-hour, the type) over the node
    groups and Karpenter NodePools of a stack; None where no listed type is priced."""
    ctx = cost.Context({"s": estimate_resources}, Usage(), prices.default())
    views = [cost.node_group_view(ctx, r) for r in ctx.by_type.get(cost.NODE_GROUP, [])]
    views += [v for r in ctx.by_type.get(cost.KARPENTER_NODE_POOL, []) if (v := cost.karpenter_view(r))]
    dearest: dict[tuple[str, str], tuple[float | None, str]] = {}
    for view in views:
        for instance_type in view.instance_types:
            family = node_pools.family(instance_type)
            per_node = cost_compute.accelerators([instance_type])
            if not per_node:
                continue
            resource = (
                "qualcomm.com/qaic"
                if family in node_pools.KINDS["qualcomm-ai100"].families
                else "nvidia.com/gpu"
            )
            quote = prices.default().quote(f"ec2.on_demand.{instance_type}", view.region)
            key = (view.region, resource)
            price = quote.unit_price / per_node if isinstance(quote, prices.Quote) else None
            known = dearest.get(key)
            if known is None or (price is not None and (known[0] is None or price > known[0])):
                dearest[key] = (price, instance_type)
    return dearest


# --- config generated from the specs ---------------------------------------------------------------


def config_entries(environment: str, inventory: Path) -> dict[str, dict[str, Any]]:
    """The config (without enforcement levels) of the five cost rules for an environment and its plan."""
    from mlplat.cost_usage import usage_from_spec
    from mlplat.inventory import load_stacks
    from stacks.spec import load_spec

    spec = load_spec(environment)
    usage = usage_from_spec(spec)
    stacks = cost.from_inventory(load_stacks(inventory))
    worst = {}
    for name, resources in stacks.items():
        if name == "org":
            continue
        alone = cost.estimate({name: resources}, usage, prices.default())
        worst[name] = round(alone.worst())
    budget = spec.env.cost.budget
    return {
        BUDGET_RULE: {
            "capUsd": budget.monthly_cap_usd,
            "stackWorstCaseUsd": worst,
            "usage": usage.to_config(),
        },
        TEAM_RULE: {"teamBudgetsUsd": {team: b.monthly_usd for team, b in budget.teams.items()}},
        TRANSITION_RULE: {"zones": usage.to_config()["zones"]},
        PRESENCE_RULE: {"layers": ["foundation"]},
        UNPRICED_RULE: {},  # advisory: the unpriced part of the two budget rules' verdicts
    }


def update_config(environment: str, inventory: Path, directory: Path = CONFIG_DIR) -> bool:
    """Rewrite the cost rules' entries of policies/config/<environment>.json; True when it changed."""
    path = directory / f"{environment}.json"
    text = path.read_text(encoding="utf-8")
    config = json.loads(text)
    for rule, values in config_entries(environment, inventory).items():
        level = (config.get(rule) or {}).get("enforcementLevel") or LEVELS[rule][environment]
        config[rule] = {"enforcementLevel": level, **values}
    updated = json.dumps(dict(sorted(config.items())), indent=2) + "\n"
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def main(environments: Iterable[str]) -> None:
    from mlplat.plan import plan

    for environment in environments:
        inventory = plan(environment, Path("build") / environment).inventory_path
        changed = update_config(environment, inventory)
        print(f"policies/config/{environment}.json: {'updated' if changed else 'current'}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:] or ("dev", "staging", "prod"))
