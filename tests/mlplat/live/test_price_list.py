"""`mlplat prices refresh`: the Price List API's answers taken or refused, row by row, against botocore's Stubber."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

import boto3
import pytest
from botocore.stub import ANY, Stubber

from mlplat.live import price_list
from platform_cost import prices
from platform_spec.paths import project_root

ROOT = project_root()
TABLE = prices.default()


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
        document, log = price_list.refresh(small_table(), client, today=lambda: datetime.date(2026, 9, 1))
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
        price_list.refresh(small_table(), client)
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
        document, log = price_list.refresh(small_table(), client, today=lambda: datetime.date(2026, 9, 1))
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
            price_list.refresh_file(tmp_path / "p.yaml", client=client, table=small_table())
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
