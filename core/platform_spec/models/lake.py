"""The data lake of an environment: data products, their zones and how they are used."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from platform_spec.models.common import DATA_FORMATS, Frozen, Key, Region, _unique
from platform_spec.tables import lake_classes, tiering


class TransitionSpec(Frozen):
    """A lifecycle transition: objects move to `storage_class` at an age of `days`."""

    days: Annotated[int, Field(ge=0)]
    """Object age in days after creation."""
    storage_class: Literal[tiering.TRANSITION_TARGETS]  # type: ignore[valid-type]
    """Target storage class."""


class ZoneUsageSpec(Frozen):
    """How a zone's data is used, as the cost model assumes it (docs/cost-model.md)."""

    mean_object_mib: Annotated[float, Field(gt=0)] = 64.0
    """Mean object size in MiB: per-object fees (transitions, Intelligent-Tiering monitoring, archive overheads)."""
    age_days: Annotated[int, Field(ge=1)] | None = None
    """Age of the oldest bytes (stored bytes spread evenly from 0 to it); omitted: retention_days, else 730."""
    read_until_days: Annotated[int, Field(ge=0)] | None = None
    """Every byte is read at least monthly until this age; omitted: the access profile's default."""
    late_read_fraction: Annotated[float, Field(ge=0, le=1)] | None = None
    """Share of the older bytes still read every month; omitted: the access profile's default."""


class ZoneSpec(Frozen):
    """One zone of a data product: one bucket (plus replicas) holding one data class."""

    data_class: Key
    """A data class of environments/org.yaml with a storage policy in core/platform_spec/tables/lake_classes.py."""
    volume_tib: Annotated[float, Field(ge=0)]
    """Expected stored volume in TiB (drives S3 Inventory and the cost model)."""
    access: Literal[tuple(tiering.ACCESS_PROFILES)] | None = None  # type: ignore[valid-type]
    """Access profile (docs/data-lake.md); omitted: the data class's default."""
    transitions: Annotated[list[TransitionSpec], Field(min_length=1)] | None = None
    """Explicit lifecycle transitions, for a known access pattern no profile fits."""
    retention_days: Annotated[int, Field(ge=1)] | None = None
    """Current objects expire at this age; omitted: kept. Required for personal data (GDPR)."""
    object_lock_days: Annotated[int, Field(ge=1)] | None = None
    """Object Lock (compliance mode) retention; required exactly for the classes that are locked."""
    replicate_to: Annotated[list[Region], AfterValidator(_unique)] = []
    """Other regions of the data account that keep a replica; personal data only within residency."""
    usage: ZoneUsageSpec = ZoneUsageSpec()
    """Object size and access pattern the cost model assumes; omitted: the documented defaults."""


class DataProductSpec(Frozen):
    """A data product (data mesh): owned by a domain's team, stored in zones."""

    domain: Key
    """Key of the domain the product belongs to."""
    description: Annotated[str, Field(min_length=1)]
    """What the product holds."""
    owner_team: Key | None = None
    """Team that writes the product; omitted: the domain's owner team."""
    formats: Annotated[list[Literal[DATA_FORMATS]], Field(min_length=1), AfterValidator(_unique)]  # type: ignore[valid-type]
    """File formats in the product."""
    region: Region | None = None
    """Home region of the zones (residency); omitted: the data account's first region."""
    consumers: Annotated[list[Key], AfterValidator(_unique)] = []
    """Teams that read the zones without personal data, through their own access points."""
    zones: Annotated[dict[Literal[lake_classes.ZONES], ZoneSpec], Field(min_length=1)]  # type: ignore[valid-type]
    """Zones by name: raw, curated, training-snapshot."""


class DataLakeSpec(Frozen):
    """The data lake of the environment (the `data` layer)."""

    access_log_retention_days: Annotated[int, Field(ge=90, le=3650)]
    """Expiry of server access logs (lake and registry buckets) and inventory reports."""
    inventory_min_tib: Annotated[float, Field(ge=0)]
    """Zones expected to hold at least this many TiB get a weekly S3 Inventory."""
    products: Annotated[dict[Key, DataProductSpec], Field(min_length=1)]
    """Data products by key."""
