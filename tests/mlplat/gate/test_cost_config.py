"""The cost rules' config is generated from the specs (`python -m mlplat.gate.cost_config`): it must be current,
and the budget cap it carries must stop a plan whose worst case is over it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml

from mlplat.gate import cost_config
from mlplat.gate.pack import CONFIG_DIR, rule_name
from platform_spec import loader
from platform_spec.paths import project_root

ROOT = project_root()
RULES = tuple(rule_name(module) for module in cost_config.RULES.values())
BUDGET_RULE = rule_name(cost_config.RULES["budget"])


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_the_cost_rules_config_is_current(plans, environment):
    """After changing a spec's budget or usage, or anything a stack's worst case depends on:
    python -m mlplat.gate.cost_config"""
    config = json.loads((CONFIG_DIR / f"{environment}.json").read_text())
    current = {rule: {k: v for k, v in config[rule].items() if k != "enforcementLevel"} for rule in RULES}
    assert current == json.loads(
        json.dumps(cost_config.config_entries(environment, plans.inventory(environment)))
    )


def test_prods_worst_case_fits_its_cap(plans):
    entry = cost_config.config_entries("prod", plans.inventory("prod"))[BUDGET_RULE]
    assert 0 < sum(entry["stackWorstCaseUsd"].values()) < entry["capUsd"]


def test_lowering_prods_budget_cap_below_its_worst_case_fails_mlplat_check_prod(plans, tmp_path, monkeypatch):
    """prod.yaml's cap lowered below the worst case, the config regenerated from it: `mlplat check prod` blocks."""
    environments = tmp_path / "environments"
    shutil.copytree(ROOT / "environments", environments)
    prod = yaml.safe_load((environments / "prod.yaml").read_text())
    worst = sum(
        cost_config.config_entries("prod", plans.inventory("prod"))[BUDGET_RULE]["stackWorstCaseUsd"].values()
    )
    prod["cost"]["budget"]["monthly_cap_usd"] = worst - 1000
    for account in prod["cost"]["budget"]["accounts"].values():
        account["monthly_usd"] = min(account["monthly_usd"], worst - 1000)
    (environments / "prod.yaml").write_text(yaml.safe_dump(prod, sort_keys=False))
    monkeypatch.setattr(loader, "ENVIRONMENTS_DIR", environments)
    shutil.copytree(CONFIG_DIR, tmp_path / "config")
    assert cost_config.update_config("prod", plans.inventory("prod"), tmp_path / "config")

    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "check", "prod", "--no-checkov", "--out", str(tmp_path / "plan"),
         "--config", str(tmp_path / "config" / "prod.json")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    out = " ".join(result.stdout.split())
    assert f"over the budget cap of ${worst - 1000:,.0f}" in out
    blocked = [line for line in result.stdout.splitlines() if line.startswith("mandatory: ")]
    assert {line.split(": ")[1] for line in blocked} == {BUDGET_RULE}
