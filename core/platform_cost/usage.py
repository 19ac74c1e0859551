"""What the cost model assumes about use: stored volumes, access, object sizes, hours, traffic.

Resources say what exists; these assumptions say how much of it is used. They come from the
environment spec (`usage` of each lake zone, `cost.usage` of the environment) through
`usage_from_spec`, with the documented defaults below filled in, and travel as JSON in the
policy pack's config, so a cost rule prices a stack with exactly the assumptions `mlplat cost`
uses. docs/cost-model.md explains each one.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from platform_spec.tables import lake_classes

GB_PER_TIB = 1024
KIB_PER_MIB = 1024
DEFAULT_AGE_DAYS = 730
"""Age of the oldest bytes of a zone without a retention: two years of fleet data."""

# Default access pattern per access profile: (read until this age in days, share of older bytes
# still read every month). The profile describes the pattern; these make it a number.
PROFILE_ACCESS: dict[str, tuple[int, float]] = {
    "hot": (100000, 1.0),  # read every day, for life
    "unknown": (90, 0.1),  # nobody knows: a quarter, then a tenth of it now and then
    "ingest-then-archive": (30, 0.0),  # decoded and curated in the first month
    "train-then-archive": (90, 0.0),  # read by training for about a quarter
    "evidence": (30, 0.0),  # written once, read in audits (restores are the audit's cost)
}
DEFAULT_UTILIZATION = 0.7
"""Share of provisioned accelerator-hours that jobs use (the rest is scheduling slack and idle nodes)."""
DEFAULT_ON_DEMAND_SHARE = 0.1
"""Share of a spot-first pool's node-hours that fall back to on-demand."""
DEFAULT_ECR_GB_PER_REPOSITORY = 50.0


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ZoneUsage(_Model):
    """One lake zone's data: how much, in what objects, and how it is read."""

    volume_gb: float = Field(ge=0)
    """Stored bytes (current versions) in GB."""
    mean_object_kib: float = Field(gt=0)
    """Mean object size; every object is assumed to have it."""
    age_days: float = Field(gt=0)
    """Bytes are spread evenly from age 0 to this (steady ingest): ingest per month = volume / age x 30.4."""
    read_until_days: float = Field(ge=0)
    """Every byte is read at least monthly until it is this old."""
    late_read_fraction: float = Field(ge=0, le=1)
    """Share of the bytes older than read_until_days still read every month."""

    @property
    def objects(self) -> float:
        return self.volume_gb * GB_PER_TIB * KIB_PER_MIB / self.mean_object_kib


class PoolUsage(_Model):
    """How much a node pool runs."""

    accelerator_hours: float | None = Field(default=None, ge=0)
    """GPU- or AI 100 device-hours jobs use per month (accelerator pools)."""
    utilization: float = Field(default=DEFAULT_UTILIZATION, gt=0, le=1)
    """Share of provisioned accelerator-hours jobs use: node-hours = accelerator_hours / (per node x this)."""
    node_hours: float | None = Field(default=None, ge=0)
    """Node-hours per month, for pools without accelerators (default: their desired size, always on)."""
    on_demand_share: float = Field(default=DEFAULT_ON_DEMAND_SHARE, ge=0, le=1)
    """Share of a spot-first pool's node-hours on its on-demand fallback group."""


class NetworkUsage(_Model):
    """Traffic of one VPC."""

    nat_gb: float = Field(default=0.0, ge=0)
    """GB per month through the VPC's NAT gateways (spread evenly over them)."""
    cross_az_gb: float = Field(default=0.0, ge=0)
    """GB per month crossing an AZ boundary inside the VPC (billed in each direction)."""


class Usage(_Model):
    """Every assumption of one environment."""

    zones: dict[str, ZoneUsage] = {}
    """By `<data product>/<zone>` (the bucket tags `data-product` and `zone`); replicas share their zone's."""
    pools: dict[str, PoolUsage] = {}
    """By `<region>/<pool>` (the node label `mlplatform.io/pool`)."""
    networks: dict[str, NetworkUsage] = {}
    """By VPC key (the VPC's logical name)."""
    ecr_gb_per_repository: float = Field(default=DEFAULT_ECR_GB_PER_REPOSITORY, ge=0)
    """Image storage of each ECR repository, and of each of its replicas."""

    def to_config(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


def zone_access(data_class: str, access: str | None) -> tuple[int, float]:
    """The default access pattern of a zone: its access profile's, or its data class's default profile's
    (also for a zone with explicit transitions: the class says how its data is read)."""
    return PROFILE_ACCESS[access or lake_classes.LAKE_CLASSES[data_class].access]


def usage_from_spec(spec: Any) -> Usage:
    """The assumptions of an environment: its spec's values, defaults where it gives none.

    `spec` is a `stacks.spec.PlatformSpec`; imported lazily so the policy pack can load `Usage`
    from its config without the spec loader.
    """
    env = spec.env
    zones = {}
    for product_key, product in env.data_lake.products.items():
        for zone_key, zone in product.zones.items():
            usage = zone.usage
            read_until, late = zone_access(zone.data_class, zone.access)
            zones[f"{product_key}/{zone_key}"] = ZoneUsage(
                volume_gb=zone.volume_tib * GB_PER_TIB,
                mean_object_kib=usage.mean_object_mib * KIB_PER_MIB,
                age_days=usage.age_days or zone.retention_days or DEFAULT_AGE_DAYS,
                read_until_days=read_until if usage.read_until_days is None else usage.read_until_days,
                late_read_fraction=late if usage.late_read_fraction is None else usage.late_read_fraction,
            )
    cost = env.cost
    pools = {
        f"{region}/{pool}": PoolUsage(
            accelerator_hours=p.accelerator_hours_per_month,
            utilization=p.utilization,
            node_hours=p.node_hours_per_month,
            on_demand_share=p.on_demand_share,
        )
        for region, by_pool in cost.usage.pools.items()
        for pool, p in by_pool.items()
    }
    networks = {
        key: NetworkUsage(nat_gb=n.nat_gb_per_month, cross_az_gb=n.cross_az_gb_per_month)
        for key, n in cost.usage.networks.items()
    }
    return Usage(
        zones=zones,
        pools=pools,
        networks=networks,
        ecr_gb_per_repository=cost.usage.ecr_gb_per_repository,
    )
