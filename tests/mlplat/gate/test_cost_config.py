"""The cost rules' config is generated from the specs (`python -m mlplat.cost_policy`): it must be current,
and the budget cap it carries must stop a plan whose worst case is over it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlplat import cost_policy
from stacks import spec

ROOT = Path(__file__).resolve().parent.parent
RULES = (
    cost_policy.BUDGET_RULE,
    cost_policy.TEAM_RULE,
    cost_policy.TRANSITION_RULE,
    cost_policy.PRESENCE_RULE,
    cost_policy.UNPRICED_RULE,
)


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_the_cost_rules_config_is_current(plans, environment):
    """After changing a spec's budget or usage, or anything a stack's worst case depends on:
    python -m mlplat.cost_policy"""
    config = json.loads((cost_policy.CONFIG_DIR / f"{environment}.json").read_text())
    current = {rule: {k: v for k, v in config[rule].items() if k != "enforcementLevel"} for rule in RULES}
    assert current == json.loads(
        json.dumps(cost_policy.config_entries(environment, plans.inventory(environment)))
    )


def test_prods_worst_case_fits_its_cap(plans):
    entry = cost_policy.config_entries("prod", plans.inventory("prod"))[cost_policy.BUDGET_RULE]
    assert 0 < sum(entry["stackWorstCaseUsd"].values()) < entry["capUsd"]


def test_lowering_prods_budget_cap_below_its_worst_case_fails_mlplat_check_prod(plans, tmp_path, monkeypatch):
    """prod.yaml's cap lowered below the worst case, the config regenerated from it: `mlplat check prod` blocks."""
    environments = tmp_path / "environments"
    shutil.copytree(ROOT / "environments", environments)
    prod = yaml.safe_load((environments / "prod.yaml").read_text())
    worst = sum(
        cost_policy.config_entries("prod", plans.inventory("prod"))[cost_policy.BUDGET_RULE][
            "stackWorstCaseUsd"
        ].values()
    )
    prod["cost"]["budget"]["monthly_cap_usd"] = worst - 1000
    for account in prod["cost"]["budget"]["accounts"].values():
        account["monthly_usd"] = min(account["monthly_usd"], worst - 1000)
    (environments / "prod.yaml").write_text(yaml.safe_dump(prod, sort_keys=False))
    monkeypatch.setattr(spec, "ENVIRONMENTS_DIR", environments)
    shutil.copytree(cost_policy.CONFIG_DIR, tmp_path / "config")
    assert cost_policy.update_config("prod", plans.inventory("prod"), tmp_path / "config")

    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "check", "prod", "--no-checkov", "--out", str(tmp_path / "plan"),
         "--config", str(tmp_path / "config" / "prod.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    out = " ".join(result.stdout.split())
    assert f"over the budget cap of ${worst - 1000:,.0f}" in out
    blocked = [line for line in result.stdout.splitlines() if line.startswith("mandatory: ")]
    assert {line.split(": ")[1] for line in blocked} == {cost_policy.BUDGET_RULE}
