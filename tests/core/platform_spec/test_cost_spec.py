"""The spec's cost section: budgets for exactly the environment's accounts, usage of real pools and VPCs,
one line per problem; and the usage assumptions the model reads from it, defaults included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from platform_cost.usage import PROFILE_ACCESS, usage_from_spec
from platform_spec import loader
from platform_spec.paths import project_root

ROOT = project_root()
PROD = "environments/prod.yaml"


@pytest.fixture
def environments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "environments"
    shutil.copytree(ROOT / "environments", directory)
    monkeypatch.setattr(loader, "ENVIRONMENTS_DIR", directory)
    monkeypatch.chdir(tmp_path)
    return directory


def problems_after(directory: Path, change) -> list[str]:
    path = directory / "prod.yaml"
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(loader.SpecError) as raised:
        loader.load_spec("prod")
    return [str(p) for p in raised.value.problems]


def test_every_account_needs_a_budget_and_only_the_environments(environments):
    def change(data):
        accounts = data["cost"]["budget"]["accounts"]
        del accounts["prod-registry"]
        accounts["dev-ml"] = {"monthly_usd": 10}
        accounts["prod-data"]["monthly_usd"] = 5_000_000

    assert problems_after(environments, change) == [
        f"{PROD}: cost.budget.accounts: {{dev-ml, log-archive, prod-data, prod-training}}: every account of the "
        "environment needs a budget; missing: prod-registry",
        f"{PROD}: cost.budget.accounts.prod-data.monthly_usd: 5000000.0: an account's budget fits in the "
        "environment's cap (2,000,000)",
        f"{PROD}: cost.budget.accounts.dev-ml: 'dev-ml': not an account of this environment; allowed: prod-data, "
        "prod-training, prod-registry, log-archive",
    ]


def test_usage_names_real_pools_vpcs_and_teams(environments):
    def change(data):
        data["cost"]["budget"]["teams"]["robotaxi"] = {"monthly_usd": 1}
        data["cost"]["usage"]["networks"]["training-apne1"] = {"nat_gb_per_month": 1}
        pools = data["cost"]["usage"]["pools"]
        pools["eu-central-1"]["train-h100"] = {"accelerator_hours_per_month": 1}
        pools["eu-central-1"]["system"] = {"accelerator_hours_per_month": 1}
        pools["eu-central-1"]["ai100"] = {"accelerator_hours_per_month": 10**6}
        pools["us-east-1"] = {}

    assert problems_after(environments, change) == [
        f"{PROD}: cost.budget.teams.robotaxi: 'robotaxi': unknown team; allowed: perception, behavior, mapping, "
        "simulation, validation, data-engineering, ml-platform",
        f"{PROD}: cost.usage.networks.training-apne1: 'training-apne1': not a VPC of network.vpcs; allowed: "
        "training-euc1, training-usw2, registry-euc1, data-euc1",
        f"{PROD}: cost.usage.pools.eu-central-1.ai100.accelerator_hours_per_month: 1000000.0: at most 23360: "
        "4 nodes x 8 accelerators x 730 h",
        f"{PROD}: cost.usage.pools.eu-central-1.train-h100: 'train-h100': not a node group of the cluster; "
        "allowed: system, train-a100, batch-l40s, eval-l4, ai100",
        f"{PROD}: cost.usage.pools.eu-central-1.system.accelerator_hours_per_month: 1.0: the pool has no "
        "accelerators: give node_hours_per_month",
        f"{PROD}: cost.usage.pools.us-east-1: 'us-east-1': no cluster in that region; allowed: eu-central-1, us-west-2",
    ]


def test_usage_defaults_come_from_the_zones_and_their_profiles():
    usage = usage_from_spec(loader.load_spec("prod"))
    raw = usage.zones["drive-recordings/raw"]
    assert (raw.volume_gb, raw.age_days) == (3000 * 1024, 1825)  # retention_days
    assert (raw.read_until_days, raw.late_read_fraction) == PROFILE_ACCESS["ingest-then-archive"]
    hot = usage.zones["vehicle-signals/curated"]
    assert (hot.age_days, hot.read_until_days, hot.late_read_fraction) == (730, *PROFILE_ACCESS["hot"])
    assert usage.pools["us-west-2/train-h100"].accelerator_hours == 40000
    assert usage.networks["training-euc1"].cross_az_gb == 200000
