"""The price table (mlplat/data/prices.yaml): typed, validated, and looked up by item and region.

A row is one price item in one region: a flat price (`usd`), volume tiers (`tiers`, S3 Standard's
"first 50 TB / next 450 TB / over 500 TB"), or "not found". Every row names its source and the
date that source gives. `PriceTable.quote(item, region)` answers a `Quote` or, where the table has
no figure, a `Missing` that the cost model carries into its output as an unpriced line: nothing
is ever filled in by guessing.

`refresh` rewrites the figures from the AWS Price List API (the `pricing` client's GetProducts);
`mlplat prices refresh` runs it with real credentials, tests run it against botocore's Stubber.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PRICES = Path(__file__).resolve().parent / "data" / "prices.yaml"
NOT_FOUND = "not found"
HOURS_PER_MONTH = 730
"""AWS prices a month as 730 hours."""
DAYS_PER_MONTH = HOURS_PER_MONTH / 24


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class Tier(_Strict):
    """One volume tier: the price of each unit up to `up_to_gb` of the month's total (null: the rest)."""

    up_to_gb: float | None
    """Upper end of the tier in GB of the month's total; null for the last tier."""
    usd: float = Field(ge=0)
    """Price per unit inside the tier."""


class Source(_Strict):
    """Where figures were read."""

    title: str
    """What the source is, precise enough to find it again."""
    quality: Literal["A", "M", "S", "none"]
    """The research file's label: A AWS-authored or Price List data, S second-hand, none: no figure."""


class PriceRow(_Strict):
    """One price item in one region."""

    item: str
    """Price item, e.g. `s3.storage.GLACIER_IR` or `ec2.on_demand.p5.48xlarge`."""
    region: str
    """AWS region."""
    usd: float | Literal["not found"] | None = None
    """Flat price per unit, or "not found"."""
    tiers: tuple[Tier, ...] | None = None
    """Volume tiers instead of a flat price."""
    unit: str
    """What one unit is: GB-month, hour, instance-hour, 1,000 requests, fraction of on-demand."""
    source: str
    """Key of `sources`."""
    date: str
    """The date the source gives for the figure."""
    note: str = ""
    """What a reader must know about the figure (a range it was taken from, a known staleness)."""

    @model_validator(mode="after")
    def _one_price(self) -> PriceRow:
        if (self.usd is None) == (self.tiers is None):
            raise ValueError(f"{self.item} {self.region}: give exactly one of usd and tiers")
        if self.tiers is not None:
            ends = [t.up_to_gb for t in self.tiers]
            if not ends or ends[-1] is not None or None in ends[:-1] or ends[:-1] != sorted(ends[:-1]):
                raise ValueError(f"{self.item} {self.region}: tiers rise and the last has up_to_gb: null")
        if isinstance(self.usd, float) and self.usd < 0:
            raise ValueError(f"{self.item} {self.region}: a price is not negative")
        return self

    @property
    def found(self) -> bool:
        return self.usd != NOT_FOUND


class PriceFile(_Strict):
    """mlplat/data/prices.yaml."""

    currency: Literal["USD"]
    """Every figure is in US dollars."""
    regions: tuple[str, ...]
    """Regions every item has a row for (a figure or "not found")."""
    sources: dict[str, Source]
    """Sources by key."""
    prices: tuple[PriceRow, ...]
    """The rows."""

    @model_validator(mode="after")
    def _complete(self) -> PriceFile:
        problems = []
        seen: dict[tuple[str, str], int] = {}
        for row in self.prices:
            if row.source not in self.sources:
                problems.append(f"{row.item} {row.region}: unknown source {row.source!r}")
            key = (row.item, row.region)
            if key in seen:
                problems.append(f"{row.item} {row.region}: appears twice")
            seen[key] = 1
        for item in dict.fromkeys(row.item for row in self.prices):
            missing = [r for r in self.regions if (item, r) not in seen]
            if missing:
                problems.append(f"{item}: no row for {', '.join(missing)} (write one saying not found)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@dataclass(frozen=True)
class Missing:
    """A price the table does not have: the line that needs it is unpriced."""

    item: str
    region: str
    reason: str

    def __str__(self) -> str:
        return f"{self.item} in {self.region}: {self.reason}"


@dataclass(frozen=True)
class Quote:
    """A price the table has, with the row it came from."""

    row: PriceRow

    @property
    def unit_price(self) -> float:
        """The flat price, or the first tier's (the price of the first unit)."""
        if self.row.tiers is not None:
            return self.row.tiers[0].usd
        assert isinstance(self.row.usd, float | int)
        return float(self.row.usd)

    def total(self, quantity: float) -> float:
        """The price of `quantity` units in one month, through the tiers."""
        if self.row.tiers is None:
            return quantity * self.unit_price
        cost, start = 0.0, 0.0
        for tier in self.row.tiers:
            end = quantity if tier.up_to_gb is None else min(quantity, tier.up_to_gb)
            if end > start:
                cost += (end - start) * tier.usd
            if tier.up_to_gb is not None and quantity <= tier.up_to_gb:
                break
            start = end
        return cost


Price = Quote | Missing


class PriceTable:
    """The rows by (item, region)."""

    def __init__(self, document: PriceFile) -> None:
        self.document = document
        self.rows = {(row.item, row.region): row for row in document.prices}

    @property
    def regions(self) -> tuple[str, ...]:
        return self.document.regions

    def quote(self, item: str, region: str) -> Price:
        row = self.rows.get((item, region))
        if row is None:
            known = any(i == item for i, _ in self.rows)
            reason = "region not in the price table" if known else "no such item in the price table"
            return Missing(item, region, reason)
        if not row.found:
            return Missing(item, region, NOT_FOUND + (f" ({row.note})" if row.note else ""))
        return Quote(row)


class PriceTableError(Exception):
    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def load(path: Path = PRICES) -> PriceTable:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return PriceTable(PriceFile.model_validate(data))
    except OSError as error:
        raise PriceTableError([f"{path}: cannot be read: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PriceTableError([f"{path}: {where}not valid YAML: {problem}"]) from None
    except ValidationError as error:
        raise PriceTableError(
            [f"{path}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_url=False)]
        ) from None


_DEFAULT: PriceTable | None = None


def default() -> PriceTable:
    """The project's table, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load()
    return _DEFAULT


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


def dump(document: PriceFile) -> str:
    """The table as YAML, one flow-style row per line, in the file's order."""
    lines = [
        "# The price table of the cost model (mlplat/prices.py; docs/cost-model.md).",
        "# Rewritten by `mlplat prices refresh`: rows the AWS Price List API answered carry the source",
        '# aws-price-list; the others keep their researched source, or "not found".',
        "currency: USD",
        f"regions: [{', '.join(document.regions)}]",
        "sources:",
    ]
    for key, source in document.sources.items():
        lines += [
            f"  {key}:",
            f"    title: {json.dumps(source.title)}",
            f"    quality: {source.quality}",
        ]
    lines.append("prices:")
    for row in document.prices:
        fields = [f"item: {row.item}", f"region: {row.region}"]
        if row.tiers is not None:
            tiers = ", ".join(
                f"{{up_to_gb: {'null' if t.up_to_gb is None else _number(t.up_to_gb)}, usd: {_number(t.usd)}}}"
                for t in row.tiers
            )
            fields.append(f"tiers: [{tiers}]")
        else:
            fields.append(f"usd: {json.dumps(row.usd) if row.usd == NOT_FOUND else _number(row.usd)}")
        fields += [f"unit: {json.dumps(row.unit)}", f"source: {row.source}", f"date: {json.dumps(row.date)}"]
        if row.note:
            fields.append(f"note: {json.dumps(row.note)}")
        lines.append(f"  - {{{', '.join(fields)}}}")
    return "\n".join(lines) + "\n"


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) >= 1000 else repr(number)


def items(table: PriceTable) -> Iterable[str]:
    return dict.fromkeys(row.item for row in table.document.prices)


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
