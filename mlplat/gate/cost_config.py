"""The config of the pack's cost rules, generated from the specs and the last plan.

A real `pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json`
analyzes one stack: a rule prices that stack's resources live (`platform_cost.stack`), and what it
cannot see comes from the config written here: the budget cap, the usage assumptions, the worst
case of each of the environment's stacks as last planned, and the team budgets. A test
regenerates them and fails when the files are stale (docs/adr/0010-cost-model.md).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mlplat.gate.pack import CONFIG_DIR, rule_name
from platform_cost import model as cost
from platform_cost import prices

RULES = {
    "budget": "budgets_environment_worst_case_under_cap",
    "team": "eks_nodegroup_team_gpu_worst_case_under_budget",
    "transition": "s3_bucket_lifecycle_transition_pays_off",
    "presence": "budgets_budget_every_account",
    "unpriced": "eks_nodegroup_worst_case_priced",
}
"""The pack's rules whose config comes from the spec, by the module that defines each."""
LEVELS = {
    "budget": {"dev": "mandatory", "staging": "mandatory", "prod": "mandatory"},
    "team": {"dev": "mandatory", "staging": "mandatory", "prod": "mandatory"},
    "transition": {"dev": "advisory", "staging": "mandatory", "prod": "mandatory"},
    "presence": {"dev": "mandatory", "staging": "mandatory", "prod": "mandatory"},
    "unpriced": {"dev": "advisory", "staging": "advisory", "prod": "advisory"},
}
"""Enforcement levels of new entries; an existing entry keeps its level."""


# --- config generated from the specs ---------------------------------------------------------------


def config_entries(environment: str, inventory: Path) -> dict[str, dict[str, Any]]:
    """The config (without enforcement levels) of the five cost rules for an environment and its plan."""
    from mlplat.synth.inventory import load_stacks
    from platform_cost.usage import usage_from_spec
    from platform_spec import load_spec

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
    entries = {
        "budget": {
            "capUsd": budget.monthly_cap_usd,
            "stackWorstCaseUsd": worst,
            "usage": usage.to_config(),
        },
        "team": {"teamBudgetsUsd": {team: b.monthly_usd for team, b in budget.teams.items()}},
        "transition": {"zones": usage.to_config()["zones"]},
        "presence": {"layers": ["foundation"]},
        "unpriced": {},  # advisory: the unpriced part of the two budget rules' verdicts
    }
    return {rule_name(RULES[key]): values for key, values in entries.items()}


def update_config(environment: str, inventory: Path, directory: Path = CONFIG_DIR) -> bool:
    """Rewrite the cost rules' entries of policies/config/<environment>.json; True when it changed."""
    path = directory / f"{environment}.json"
    text = path.read_text(encoding="utf-8")
    config = json.loads(text)
    levels = {rule_name(module): LEVELS[key] for key, module in RULES.items()}
    for rule, values in config_entries(environment, inventory).items():
        level = (config.get(rule) or {}).get("enforcementLevel") or levels[rule][environment]
        config[rule] = {"enforcementLevel": level, **values}
    updated = json.dumps(dict(sorted(config.items())), indent=2) + "\n"
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def main(environments: Iterable[str]) -> None:
    from mlplat.synth.plan import plan

    for environment in environments:
        inventory = plan(environment, Path("build") / environment).inventory_path
        changed = update_config(environment, inventory)
        print(f"policies/config/{environment}.json: {'updated' if changed else 'current'}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:] or ("dev", "staging", "prod"))
