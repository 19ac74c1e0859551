"""How S3 bills a lake zone at scale: storage per class and tier, and what moving objects costs.

A zone in steady state: bytes arrive at a constant rate and their ages are spread evenly from 0
to the zone's horizon (its expiry, or the age of its oldest data), so a class an object spends
(b - a) days in holds (b - a) / horizon of the bytes. On top of the storage itself, S3 bills
(Amazon S3 pricing page and User Guide, "storage classes"; figures in core/platform_cost/data/prices.yaml):

- a lifecycle transition request per object and transition, priced by the target class;
- minimum storage durations (IA 30 days, Glacier IR and Flexible Retrieval 90, Deep Archive 180):
  an object that leaves earlier (transition or expiry) pays the remaining days;
- a minimum billable size of 128 KB in Standard-IA, One Zone-IA and Glacier IR;
- 40 KB per object archived to Glacier Flexible Retrieval or Deep Archive (also Intelligent-
  Tiering's Archive and Deep Archive Access tiers): 8 KB at the Standard rate, 32 KB at the
  archive rate;
- Intelligent-Tiering's monitoring fee per 1,000 objects a month; objects under 128 KB are not
  monitored, pay no fee and always sit in the Frequent Access tier;
- retrieval per GB (and restore requests) when objects in IA or Glacier classes are read;
- objects under 128 KB are not transitioned at all (`all_storage_classes_128K`, the default), or
  only to Glacier Flexible Retrieval and Deep Archive (`varies_by_storage_class`).

Nothing here knows a price: functions return quantities of price items (`Charge`), which the
estimate prices region by region; `transition_payoffs` compares what a transition's request costs
an object with what it saves the object, for the cost rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from platform_cost.prices import DAYS_PER_MONTH, Missing, PriceTable, Quote
from platform_cost.usage import ZoneUsage
from platform_spec.tables.tiering import MINIMUM_DAYS

KIB_PER_GB = 1024 * 1024
SMALL_OBJECT_KIB = 128
"""Below this: not transitioned by default, not monitored by Intelligent-Tiering."""
MIN_BILLABLE_KIB = {"STANDARD_IA": 128, "ONEZONE_IA": 128, "GLACIER_IR": 128}
ARCHIVE_INDEX_KIB = 32
"""Per archived object, billed at the archive rate."""
ARCHIVE_NAME_KIB = 8
"""Per archived object, billed at the Standard rate."""
ARCHIVED = {"GLACIER", "DEEP_ARCHIVE"}
IT = "INTELLIGENT_TIERING"
IT_ARCHIVED = {"ARCHIVE", "DEEP_ARCHIVE"}
RETRIEVAL = {"STANDARD_IA", "ONEZONE_IA", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE"}
RESTORED = {"GLACIER", "DEEP_ARCHIVE"}
DEFAULT_MIN_SIZE = "all_storage_classes_128K"


@dataclass(frozen=True)
class Lifecycle:
    """What a bucket's lifecycle and Intelligent-Tiering configurations do to its objects."""

    transitions: tuple[tuple[int, str], ...] = ()
    """(object age in days, storage class), in order."""
    expiration_days: int | None = None
    it_archive_days: int | None = None
    """Intelligent-Tiering Archive Access after this many days without access (None: off)."""
    it_deep_archive_days: int | None = None
    min_size: str = DEFAULT_MIN_SIZE
    """The lifecycle's transitionDefaultMinimumObjectSize."""


@dataclass(frozen=True)
class Charge:
    """A monthly quantity of one price item."""

    item: str
    quantity: float
    what: str


def storage_item(storage_class: str, tier: str | None = None) -> str:
    if storage_class == IT:
        return f"s3.storage.{IT}.{tier or 'FREQUENT'}"
    return f"s3.storage.{storage_class}"


# --- reading the configurations of a bucket ---------------------------------------------------


def lifecycle_from(
    lifecycles: Sequence[Mapping[str, Any]], tierings: Sequence[Mapping[str, Any]]
) -> Lifecycle:
    """A bucket's Lifecycle from its BucketLifecycleConfiguration(s) and enabled Intelligent-Tiering
    configuration(s), as Pulumi records their properties (camelCase)."""
    transitions: list[tuple[int, str]] = []
    expiration: int | None = None
    min_size = DEFAULT_MIN_SIZE
    for config in lifecycles:
        min_size = str(config.get("transitionDefaultMinimumObjectSize") or DEFAULT_MIN_SIZE)
        for rule in config.get("rules") or []:
            if rule.get("status") != "Enabled":
                continue
            for step in rule.get("transitions") or []:
                if step.get("days") is not None:
                    transitions.append((int(step["days"]), str(step.get("storageClass"))))
            days = (rule.get("expiration") or {}).get("days")
            if days is not None:
                expiration = int(days) if expiration is None else min(expiration, int(days))
    archive = deep = None
    for config in tierings:
        if config.get("status", "Enabled") != "Enabled":
            continue
        for tiering in config.get("tierings") or []:
            if tiering.get("accessTier") == "ARCHIVE_ACCESS":
                archive = int(tiering["days"])
            elif tiering.get("accessTier") == "DEEP_ARCHIVE_ACCESS":
                deep = int(tiering["days"])
    return Lifecycle(tuple(sorted(transitions)), expiration, archive, deep, min_size)


# --- an object's life ---------------------------------------------------------------------------


def moves(storage_class: str, size_kib: float, min_size: str) -> bool:
    """Whether lifecycle transitions an object of this size into the class."""
    if size_kib >= SMALL_OBJECT_KIB:
        return True
    return min_size == "varies_by_storage_class" and storage_class in ARCHIVED


def horizon(lifecycle: Lifecycle, usage: ZoneUsage) -> tuple[float, bool]:
    """The age of the oldest bytes, and whether objects are deleted there (expiry)."""
    if lifecycle.expiration_days is not None and lifecycle.expiration_days <= usage.age_days:
        return float(lifecycle.expiration_days), True
    return float(usage.age_days), False


def class_segments(lifecycle: Lifecycle, size_kib: float, end: float) -> list[tuple[float, float, str]]:
    """(from age, to age, storage class) of an object of this size until age `end`."""
    current, start = "STANDARD", 0.0
    segments = []
    for days, storage_class in effective_transitions(lifecycle, size_kib, end):
        if days > start:
            segments.append((start, float(days), current))
        current, start = storage_class, float(days)
    segments.append((start, end, current))
    return segments


def effective_transitions(lifecycle: Lifecycle, size_kib: float, end: float) -> list[tuple[int, str]]:
    """The transitions an object of this size actually makes before age `end`."""
    return [
        (days, storage_class)
        for days, storage_class in lifecycle.transitions
        if days < end and moves(storage_class, size_kib, lifecycle.min_size)
    ]


def it_tiers(
    lifecycle: Lifecycle, start: float, end: float, last_access: float | None, size_kib: float
) -> list[tuple[float, float, str]]:
    """Intelligent-Tiering tiers of an object in IT from `start` to `end`, last read at `last_access`
    (None: read every month, so it never leaves Frequent Access)."""
    if last_access is None or size_kib < SMALL_OBJECT_KIB:
        return [(start, end, "FREQUENT")]
    idle = max(last_access, start)  # entering IT starts the object in Frequent Access
    bounds = [(idle + 30, "INFREQUENT"), (idle + 90, "ARCHIVE_INSTANT")]
    if lifecycle.it_archive_days is not None:
        bounds.append((idle + lifecycle.it_archive_days, "ARCHIVE"))
    if lifecycle.it_deep_archive_days is not None:
        bounds.append((idle + lifecycle.it_deep_archive_days, "DEEP_ARCHIVE"))
    tiers, tier, at = [], "FREQUENT", start
    for boundary, next_tier in bounds:
        if boundary > at:
            tiers.append((at, min(boundary, end), tier))
            at = boundary
        tier = next_tier
        if at >= end:
            break
    if at < end:
        tiers.append((at, end, tier))
    return [(a, b, t) for a, b, t in tiers if b > a]


def _overlap(a: float, b: float, lo: float, hi: float) -> float:
    return max(0.0, min(b, hi) - max(a, lo))


def _storage(storage_class: str, tier: str | None, gb: float, size_kib: float, what: str) -> list[Charge]:
    """Storage of `gb` of objects of this size in a class (or IT tier), with billed sizes and overheads."""
    archived = storage_class in ARCHIVED or (storage_class == IT and tier in IT_ARCHIVED)
    billed = gb * max(size_kib, MIN_BILLABLE_KIB.get(storage_class, 0)) / size_kib
    charges = [Charge(storage_item(storage_class, tier), billed, what)]
    if archived:
        charges += [
            Charge(storage_item(storage_class, tier), gb * ARCHIVE_INDEX_KIB / size_kib, f"{what}: 32 KB index per object"),
            Charge("s3.storage.STANDARD", gb * ARCHIVE_NAME_KIB / size_kib, f"{what}: 8 KB name per object at the Standard rate"),
        ]  # fmt: skip
    return charges


# --- a zone in steady state ---------------------------------------------------------------------


def zone_charges(lifecycle: Lifecycle, usage: ZoneUsage) -> list[Charge]:
    """Every monthly charge of a zone's bucket: storage per class and tier, overheads, monitoring,
    transition requests, early-deletion fees and retrievals."""
    end, expires = horizon(lifecycle, usage)
    size = usage.mean_object_kib
    volume = usage.volume_gb
    if volume <= 0:
        return []
    per_day_gb = volume / end
    ingest_gb = per_day_gb * DAYS_PER_MONTH
    ingest_objects = ingest_gb * KIB_PER_GB / size
    charges: list[Charge] = []
    segments = class_segments(lifecycle, size, end)
    untouched = 1.0 - usage.late_read_fraction
    for i, (a, b, storage_class) in enumerate(segments):
        name = f"{storage_class} from day {a:g} to {b:g}"
        if storage_class == IT:
            for share, last in ((untouched, usage.read_until_days), (usage.late_read_fraction, None)):
                for ta, tb, tier in it_tiers(lifecycle, a, b, last, size):
                    gb = share * per_day_gb * (tb - ta)
                    if gb > 0:
                        charges += _storage(
                            IT, tier, gb, size, f"Intelligent-Tiering {tier} tier, days {ta:g}-{tb:g}"
                        )
            if size >= SMALL_OBJECT_KIB:
                objects = per_day_gb * (b - a) * KIB_PER_GB / size
                charges.append(
                    Charge(
                        "s3.intelligent_tiering.monitoring",
                        objects / 1000,
                        "monitoring of objects of 128 KB or more",
                    )
                )
        else:
            charges += _storage(storage_class, None, per_day_gb * (b - a), size, name)
        leaves = i < len(segments) - 1 or expires
        minimum = MINIMUM_DAYS.get(storage_class, 0)
        if leaves and b - a < minimum:
            early = ingest_gb * (minimum - (b - a)) / DAYS_PER_MONTH
            charges += _storage(
                storage_class,
                None,
                early,
                size,
                f"{storage_class} minimum duration of {minimum} days: {minimum - (b - a):g} days paid after leaving",
            )
        if storage_class in RETRIEVAL:
            read_days = _overlap(a, b, 0, usage.read_until_days) + usage.late_read_fraction * _overlap(
                a, b, usage.read_until_days, end
            )
            read_gb = per_day_gb * read_days
            if read_gb > 0:
                charges.append(
                    Charge(f"s3.retrieval.{storage_class}", read_gb, f"monthly reads of {storage_class} data")
                )
                if storage_class in RESTORED:
                    charges.append(
                        Charge(
                            f"s3.retrieval_requests.{storage_class}",
                            read_gb * KIB_PER_GB / size / 1000,
                            f"restore requests from {storage_class}",
                        )
                    )
    for days, storage_class in effective_transitions(lifecycle, size, end):
        charges.append(
            Charge(
                f"s3.transition.{storage_class}",
                ingest_objects / 1000,
                f"transition to {storage_class} at day {days}",
            )
        )
    return charges  # fmt: skip


def standard_baseline(usage: ZoneUsage) -> list[Charge]:
    """The same bytes kept in S3 Standard: what tiering is measured against."""
    return (
        [Charge("s3.storage.STANDARD", usage.volume_gb, "all bytes in S3 Standard")]
        if usage.volume_gb
        else []
    )


def monthly_ingest(lifecycle: Lifecycle, usage: ZoneUsage) -> tuple[float, float]:
    """GB and objects that arrive per month (what replication copies)."""
    end, _ = horizon(lifecycle, usage)
    gb = usage.volume_gb / end * DAYS_PER_MONTH
    return gb, gb * KIB_PER_GB / usage.mean_object_kib


# --- does a transition pay for itself? ----------------------------------------------------------


@dataclass(frozen=True)
class Payoff:
    """One transition of an object of the zone's mean size: its request against its storage saving."""

    days: int
    storage_class: str
    request_usd: float | None
    saving_usd: float | None
    """Storage (with overheads, minimum durations and monitoring) saved over the object's stay; None: unpriced."""
    stay_days: float
    missing: tuple[Missing, ...] = ()

    @property
    def pays_off(self) -> bool | None:
        if self.request_usd is None or self.saving_usd is None:
            return None
        return self.saving_usd > self.request_usd


def _object_cost(
    lifecycle: Lifecycle,
    storage_class: str,
    start: float,
    end: float,
    size_kib: float,
    last_access: float,
    region: str,
    prices: PriceTable,
    missing: list[Missing],
) -> float:
    """Storage an object of this size pays in a class from `start` to `end` (days), monitoring included."""
    gb = size_kib / KIB_PER_GB
    charges: list[Charge] = []
    if storage_class == IT:
        for a, b, tier in it_tiers(lifecycle, start, end, last_access, size_kib):
            charges += _storage(IT, tier, gb * (b - a) / DAYS_PER_MONTH, size_kib, "")
        if size_kib >= SMALL_OBJECT_KIB:
            charges.append(
                Charge("s3.intelligent_tiering.monitoring", (end - start) / DAYS_PER_MONTH / 1000, "")
            )
    else:
        charges = _storage(storage_class, None, gb * (end - start) / DAYS_PER_MONTH, size_kib, "")
    total = 0.0
    for charge in charges:
        price = prices.quote(charge.item, region)
        if isinstance(price, Missing):
            missing.append(price)
            continue
        total += charge.quantity * price.unit_price  # one object: the first (dearest) tier
    return total


def transition_payoffs(
    lifecycle: Lifecycle, usage: ZoneUsage, region: str, prices: PriceTable
) -> list[Payoff]:
    """For each transition an object of the zone's mean size makes: what its request costs and what it
    saves, comparing the object's storage with and without that one transition (the window until its
    next transition, expiry or the zone's horizon; minimum durations of both classes included)."""
    end, expires = horizon(lifecycle, usage)
    size = usage.mean_object_kib
    steps = effective_transitions(lifecycle, size, end)
    payoffs = []
    entered, previous = 0.0, "STANDARD"
    for i, (days, storage_class) in enumerate(steps):
        until = float(steps[i + 1][0]) if i + 1 < len(steps) else end
        leaves_after = i + 1 < len(steps) or expires
        missing: list[Missing] = []
        last = usage.read_until_days
        with_it = _object_cost(lifecycle, storage_class, days, until, size, last, region, prices, missing)
        minimum = MINIMUM_DAYS.get(storage_class, 0)
        if leaves_after and until - days < minimum:  # pays the rest of the minimum after leaving
            with_it += _object_cost(
                lifecycle, storage_class, until, days + minimum, size, last, region, prices, missing
            )
        prev_minimum = MINIMUM_DAYS.get(previous, 0)
        if days - entered < prev_minimum:  # leaving the previous class early
            with_it += _object_cost(
                lifecycle, previous, days, entered + prev_minimum, size, last, region, prices, missing
            )
        without = _object_cost(lifecycle, previous, days, until, size, last, region, prices, missing)
        if leaves_after and until - entered < prev_minimum:
            without += _object_cost(
                lifecycle, previous, until, entered + prev_minimum, size, last, region, prices, missing
            )
        request = prices.quote(f"s3.transition.{storage_class}", region)
        if isinstance(request, Missing):
            missing.append(request)
        priced = not missing
        payoffs.append(
            Payoff(
                days=days,
                storage_class=storage_class,
                request_usd=request.unit_price / 1000 if isinstance(request, Quote) else None,
                saving_usd=without - with_it if priced else None,
                stay_days=until - days,
                missing=tuple(dict.fromkeys(missing)),
            )
        )
        entered, previous = float(days), storage_class
    return payoffs  # fmt: skip
