"""The price table: every row sourced and dated, every region of every item present, the environments'
instance types all there, gaps said out loud; `refresh` against botocore's Stubber."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml
from botocore.stub import ANY, Stubber

from mlplat import prices
from stacks.spec import available_environments, load_spec

ROOT = Path(__file__).resolve().parent.parent
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
    assert missing == [], "add rows (a figure with its source, or not found) to mlplat/data/prices.yaml"
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


def small_table() -> prices.PriceTable:
    """Three rows of us-west-2: an EC2 price and an ECR price the table lacks, and S3 Standard (not queried)."""
    rows = [
        TABLE.rows[item, "us-west-2"]
        for item in ("ec2.on_demand.p5.48xlarge", "ecr.storage", "s3.storage.STANDARD")
    ]
    return prices.PriceTable(
        prices.PriceFile(
            currency="USD", regions=("us-west-2",), sources=TABLE.document.sources, prices=tuple(rows)
        )
    )


def product(usd: str, effective: str, usagetype: str = "USW2-BoxUsage:p5.48xlarge", unit: str = "Hrs") -> str:
    """One GetProducts answer as the Price List API writes it (a JSON document per product)."""
    return json.dumps(
        {
            "product": {"attributes": {"instanceType": "p5.48xlarge", "usagetype": usagetype}},
            "terms": {
                "OnDemand": {
                    "T1": {
                        "effectiveDate": f"{effective}T00:00:00Z",
                        "priceDimensions": {"D1": {"unit": unit, "pricePerUnit": {"USD": usd}}},
                    }
                }
            },
        }
    )


def pricing_client():
    return boto3.client("pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")


def asked(service: str) -> dict:
    return {"ServiceCode": service, "Filters": ANY, "MaxResults": 100}


def test_refresh_takes_what_the_price_list_answers_and_keeps_the_rest():
    client = pricing_client()
    with Stubber(client) as stub:
        stub.add_response(
            "get_products",
            {"PriceList": [product("55.0400000000", "2026-08-01")], "FormatVersion": "aws_v1"},
            asked("AmazonEC2"),
        )
        stub.add_response("get_products", {"PriceList": []}, asked("AmazonECR"))
        document, log = prices.refresh(small_table(), client, today=lambda: datetime.date(2026, 9, 1))
        stub.assert_no_pending_responses()
    p5, ecr, standard = document.prices
    assert (p5.usd, p5.source, p5.date) == (55.04, "aws-price-list", "2026-08-01")
    assert ecr == TABLE.rows["ecr.storage", "us-west-2"] and not ecr.found
    assert standard == TABLE.rows["s3.storage.STANDARD", "us-west-2"]
    assert log == ["ec2.on_demand.p5.48xlarge us-west-2: not found -> 55.04"]
    assert document.sources["aws-price-list"].title.endswith("read 2026-09-01")


def test_refresh_filters_on_the_region_and_the_instance_type():
    client = pricing_client()
    calls = []
    client.meta.events.register(
        "provide-client-params.pricing.GetProducts", lambda params, **_: calls.append(params)
    )
    with Stubber(client) as stub:
        stub.add_response("get_products", {"PriceList": []})
        stub.add_response("get_products", {"PriceList": []})
        prices.refresh(small_table(), client)
    filters = {f["Field"]: f["Value"] for f in calls[0]["Filters"]}
    assert filters == {"regionCode": "us-west-2", "instanceType": "p5.48xlarge", "operatingSystem": "Linux",
                       "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}  # fmt: skip


def test_refresh_takes_the_usage_type_and_unit_of_the_row_and_reads_every_page():
    """ECR answers storage (GB-Mo) and data transfer products under one family; only the storage is the row's."""
    client = pricing_client()
    storage = product("0.1", "2026-07-01", usagetype="USW2-TimedStorage-ByteHrs", unit="GB-Mo")
    transfer = product("0.09", "2026-07-01", usagetype="USW2-DataTransfer-Out-Bytes", unit="GB")
    with Stubber(client) as stub:
        stub.add_response("get_products", {"PriceList": []}, asked("AmazonEC2"))
        stub.add_response(
            "get_products", {"PriceList": [transfer], "NextToken": "page-2"}, asked("AmazonECR")
        )
        stub.add_response(
            "get_products", {"PriceList": [storage]}, {**asked("AmazonECR"), "NextToken": "page-2"}
        )
        document, log = prices.refresh(small_table(), client, today=lambda: datetime.date(2026, 9, 1))
        stub.assert_no_pending_responses()
    assert (document.prices[1].usd, document.prices[1].date) == (0.1, "2026-07-01")
    assert log == ["ecr.storage us-west-2: not found -> 0.1"]


def test_refresh_refuses_several_prices_for_one_row_and_malformed_products(tmp_path):
    client = pricing_client()
    with Stubber(client) as stub:
        stub.add_response(
            "get_products",
            {"PriceList": [product("55.04", "2026-08-01"), product("98.32", "2026-08-01")]},
            asked("AmazonEC2"),
        )
        stub.add_response(
            "get_products", {"PriceList": ['{"product": {"attributes": []}}']}, asked("AmazonECR")
        )
        with pytest.raises(prices.PriceTableError) as refused:
            prices.refresh_file(tmp_path / "p.yaml", client=client, table=small_table())
    assert refused.value.lines == [
        "mlplat prices refresh: ec2.on_demand.p5.48xlarge us-west-2: 2 distinct prices answered (55.04, 98.32 "
        "USD per Hrs): the filters do not single out one product; refused, nothing written",
        "mlplat prices refresh: ecr.storage us-west-2: a product the Price List API answered is malformed "
        "(AttributeError: 'list' object has no attribute 'get')",
    ]
    assert not (tmp_path / "p.yaml").exists()


def test_prices_refresh_without_credentials_exits_2_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "prices", "refresh", "--out", str(tmp_path / "p.yaml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr == (
        "mlplat prices refresh: the Price List API did not answer: Unable to locate credentials\n"
    )
    assert not (tmp_path / "p.yaml").exists()
