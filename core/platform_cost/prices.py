"""The price table (core/platform_cost/data/prices.yaml): typed, validated, and looked up by item and region.

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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from platform_spec.errors import PlatformError

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
    """core/platform_cost/data/prices.yaml."""

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


class PriceTableError(PlatformError):
    """The price table cannot be read or is not valid: one line per problem."""


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


def dump(document: PriceFile) -> str:
    """The table as YAML, one flow-style row per line, in the file's order."""
    lines = [
        "# The price table of the cost model (core/platform_cost/prices.py; docs/cost-model.md).",
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
