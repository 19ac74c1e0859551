"""The price table: every row sourced and dated, every region of every item present, the environments'
instance types all there, gaps said out loud; `refresh` against botocore's Stubber."""

from __future__ import annotations

import pytest
import yaml

from platform_cost import prices
from platform_spec import available_environments, load_spec
from platform_spec.paths import project_root

ROOT = project_root()
TABLE = prices.load()


def test_every_row_names_a_source_and_a_date_and_every_item_has_every_region():
    assert TABLE.regions == ("us-east-1", "us-west-2", "eu-central-1", "eu-west-1")
    for row in TABLE.document.prices:
        assert row.source in TABLE.document.sources and row.date, row
    items = list(prices.items(TABLE))
    assert len(TABLE.rows) == len(items) * len(TABLE.regions)


def test_a_gap_in_the_research_is_a_missing_price_not_a_number():
    assert TABLE.quote("s3.storage.INTELLIGENT_TIERING.FREQUENT", "eu-central-1") == prices.Missing(
        "s3.storage.INTELLIGENT_TIERING.FREQUENT", "eu-central-1", "not found"
    )
    assert str(TABLE.quote("ec2.on_demand.p5.48xlarge", "eu-central-1")) == (
        "ec2.on_demand.p5.48xlarge in eu-central-1: not found (not offered in eu-central-1)"
    )
    assert TABLE.quote("ec2.on_demand.x9.huge", "us-east-1").reason == "no such item in the price table"
    assert TABLE.quote("ecr.storage", "us-west-2").reason == "not found"  # no source has an Oregon figure


@pytest.mark.parametrize(
    ("item", "region", "usd"),
    [  # spot checks against ../shared/research/prices-and-tool-speed.md, part B
        ("ec2.on_demand.p5.48xlarge", "us-east-1", 55.04),
        ("ec2.on_demand.dl2q.24xlarge", "us-west-2", 8.9194),
        ("ec2.on_demand.dl2q.24xlarge", "eu-central-1", 11.5952),
        ("ec2.on_demand.g6e.12xlarge", "eu-central-1", 13.12002),
        ("s3.storage.DEEP_ARCHIVE", "eu-central-1", 0.0018),
        ("s3.transition.DEEP_ARCHIVE", "us-east-1", 0.05),
        ("nat.hour", "eu-central-1", 0.052),
        ("eks.cluster.STANDARD", "us-east-1", 0.10),
        ("ec2.spot_discount.dl2q", "us-west-2", 0.68),
    ],
)
def test_researched_figures(item, region, usd):
    quote = TABLE.quote(item, region)
    assert isinstance(quote, prices.Quote) and quote.unit_price == usd


def test_tiers_price_each_gb_in_its_tier():
    standard = TABLE.quote("s3.storage.STANDARD", "us-east-1")
    assert standard.total(51200) == pytest.approx(51200 * 0.023)
    assert standard.total(600000) == pytest.approx(51200 * 0.023 + 460800 * 0.022 + 88000 * 0.021)


def test_every_instance_type_of_every_environment_has_a_row_in_every_region():
    wanted = set()
    for environment in available_environments():
        for cluster in load_spec(environment).env.compute.clusters.values():
            for group in cluster.node_groups.values():
                wanted.update(group.instance_types)
            for pool in cluster.karpenter.node_pools.values():
                wanted.update(pool.instance_types)
    missing = [
        t for t in sorted(wanted) for r in TABLE.regions if (f"ec2.on_demand.{t}", r) not in TABLE.rows
    ]
    assert missing == [], (
        "add rows (a figure with its source, or not found) to core/platform_cost/data/prices.yaml"
    )
    families = {t.split(".")[0] for t in wanted}
    assert [f for f in sorted(families) if ("ec2.spot_discount." + f, "us-east-1") not in TABLE.rows] == []


def test_a_bad_table_is_refused_with_each_problem(tmp_path):
    data = yaml.safe_load(prices.PRICES.read_text())
    data["prices"] = [
        r for r in data["prices"] if not (r["item"] == "nat.hour" and r["region"] == "eu-west-1")
    ]
    data["prices"][0]["source"] = "a-blog"
    path = tmp_path / "prices.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(prices.PriceTableError) as raised:
        prices.load(path)
    assert "unknown source 'a-blog'" in str(raised.value)
    assert "nat.hour: no row for eu-west-1 (write one saying not found)" in str(raised.value)


def test_the_table_survives_a_dump():
    assert prices.PriceFile.model_validate(yaml.safe_load(prices.dump(TABLE.document))) == TABLE.document
