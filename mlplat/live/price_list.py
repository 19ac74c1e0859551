"""`mlplat prices refresh`: the price table's figures from the AWS Price List API (pricing:GetProducts).

A row the API answers with one price gets that figure, source `aws-price-list` and the term's
effective date; every other row keeps its researched figure. Tests run it against botocore's
Stubber.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from platform_cost.prices import PRICES, PriceFile, PriceTable, PriceTableError, Source, dump, load

# --- refresh from the AWS Price List API --------------------------------------------------------

PRICE_LIST_REGION = "us-east-1"
"""The Price List query API answers in us-east-1 (also eu-central-1 and ap-south-1)."""


@dataclass(frozen=True)
class Query:
    """How one item is asked of the Price List API: the service code and attribute filters, then which
    of the answered products' prices is the item's (usage type and unit)."""

    service: str
    filters: dict[str, str]
    usagetype: str
    """A regular expression the product's `usagetype` must match (`search`): the API's usage types carry a
    region prefix (`USW2-TimedStorage-ByteHrs`, `us-east-1-KMS-Keys`), so they cannot be a TERM_MATCH."""
    unit: str | None = None
    """The price dimension's unit (`Hrs`, `GB-Mo`) where the table's row is per that unit; None where
    the usage type alone pins the price."""


def query_for(item: str) -> Query | None:
    """The Price List query of an item, or None where the API has no single product for it.

    Items the API cannot answer with one product (tiered S3 storage, spot discounts, capacity
    blocks, retrieval and transition requests) keep their researched rows.
    """
    parts = item.split(".")
    if parts[:2] == ["ec2", "on_demand"]:
        instance_type = ".".join(parts[2:])
        return Query(
            "AmazonEC2",
            {
                "instanceType": instance_type,
                "operatingSystem": "Linux",
                "tenancy": "Shared",
                "preInstalledSw": "NA",
                "capacitystatus": "Used",
            },
            usagetype=rf"BoxUsage:{re.escape(instance_type)}$",
            unit="Hrs",
        )
    simple = {
        "nat.hour": Query(
            "AmazonEC2", {"productFamily": "NAT Gateway"}, usagetype=r"NatGateway-Hours$", unit="Hrs"
        ),
        "eks.cluster.STANDARD": Query(
            "AmazonEKS", {"operation": "CreateOperation"}, usagetype=r"AmazonEKS-Hours:perCluster$"
        ),
        "ecr.storage": Query(
            "AmazonECR",
            {"productFamily": "EC2 Container Registry"},
            usagetype=r"TimedStorage-ByteHrs$",
            unit="GB-Mo",
        ),
        "kms.key": Query("awskms", {"productFamily": "Encryption Key"}, usagetype=r"KMS-Keys$"),
    }
    return simple.get(item)


class _Refused(Exception):
    """A Price List answer the refresh does not take: one line naming the row and why."""


def _on_demand_prices(product: Any, query: Query) -> list[tuple[float, str]]:
    """(USD per unit, effective date) of every OnDemand price dimension of one GetProducts product that
    is the item's (its usage type, its unit); a product of another usage type gives none. A product
    whose shape is not the Price List's raises `_Refused`."""
    try:
        usagetype = str(product["product"]["attributes"].get("usagetype", ""))
        if not re.search(query.usagetype, usagetype):
            return []
        found = []
        for term in product["terms"].get("OnDemand", {}).values():
            for dimension in term["priceDimensions"].values():
                if query.unit is not None and dimension.get("unit") != query.unit:
                    continue
                usd = float(dimension["pricePerUnit"]["USD"])
                if usd > 0:
                    found.append((usd, str(term.get("effectiveDate", ""))[:10]))
        return found
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise _Refused(
            f"a product the Price List API answered is malformed ({type(error).__name__}: {error})"
        ) from None


def refresh(
    table: PriceTable, pricing_client: Any, *, today: Callable[[], date] = date.today
) -> tuple[PriceFile, list[str]]:
    """Ask the Price List API for every row it can answer; return the new file and a change log.

    A row the API answers with one price gets that figure, source `aws-price-list` and the term's
    effective date; every other row is kept as it was (still "not found" where the research found
    nothing). An answer with several distinct prices for one row, or a malformed answer, is refused:
    a `PriceTableError` with one line per refused row, and nothing is written.
    """
    log: list[str] = []
    problems: list[str] = []
    rows = []
    for row in table.document.prices:
        query = query_for(row.item)
        answer = None
        if query is not None:
            try:
                answer = _ask(pricing_client, query, row.region)
            except _Refused as refused:
                problems.append(f"mlplat prices refresh: {row.item} {row.region}: {refused}")
        if answer is None:
            rows.append(row)
            continue
        usd, effective = answer
        usd = round(usd, 10)
        if row.usd != usd:
            log.append(f"{row.item} {row.region}: {row.usd} -> {usd}")
        rows.append(
            row.model_copy(
                update={
                    "usd": usd,
                    "tiers": None,
                    "source": "aws-price-list",
                    "date": effective or today().isoformat(),
                    "note": "",
                }
            )
        )
    if problems:
        raise PriceTableError(problems)
    sources = dict(table.document.sources)
    sources["aws-price-list"] = Source(
        title=f"AWS Price List query API (pricing:GetProducts), read {today().isoformat()}", quality="A"
    )
    return PriceFile(currency="USD", regions=table.regions, sources=sources, prices=tuple(rows)), log


def _ask(client: Any, query: Query, region: str) -> tuple[float, str] | None:
    """The one price the API answers for the query in `region`, None when it answers none; several
    distinct prices (products the filters do not tell apart) are refused, never averaged or minimized."""
    filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}] + [
        {"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in query.filters.items()
    ]
    found: list[tuple[float, str]] = []
    token: str | None = None
    while True:  # every page: a second product further on would make the answer ambiguous
        answer = client.get_products(
            ServiceCode=query.service,
            Filters=filters,
            MaxResults=100,
            **({"NextToken": token} if token else {}),
        )
        for text in answer.get("PriceList", []):
            try:
                product = json.loads(text) if isinstance(text, str) else text
            except ValueError as error:
                raise _Refused(f"a product the Price List API answered is not JSON ({error})") from None
            found += _on_demand_prices(product, query)
        token = answer.get("NextToken")
        if not token:
            break
    distinct = sorted({usd for usd, _ in found})
    if len(distinct) > 1:
        raise _Refused(
            f"{len(distinct)} distinct prices answered ({', '.join(f'{usd:g}' for usd in distinct)} USD per "
            f"{query.unit or 'unit'}): the filters do not single out one product; refused, nothing written"
        )
    if not found:
        return None
    return distinct[0], max(effective for _, effective in found)


def refresh_file(
    out: Path | None = None,
    *,
    profile: str | None = None,
    client: Any = None,
    table: PriceTable | None = None,
) -> list[str]:
    """`mlplat prices refresh`: ask the Price List API, write the table (by default the project's), return
    what changed; a `PriceTableError`, and nothing written, when the API cannot be asked or an answer is
    refused."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    table = table or load()
    try:
        if client is None:
            client = boto3.Session(profile_name=profile).client("pricing", region_name=PRICE_LIST_REGION)
        document, log = refresh(table, client)
    except (BotoCoreError, ClientError) as error:  # no credentials, access denied, no network
        raise PriceTableError(
            [f"mlplat prices refresh: the Price List API did not answer: {error}"]
        ) from None
    target = out or PRICES
    target.write_text(dump(document), encoding="utf-8")
    return [*log, f"wrote {target}: {len(log)} price(s) changed"]
