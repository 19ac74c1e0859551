"""What node pools cost: node-hours from the usage assumptions, priced by purchase option.

A pool is the node groups sharing the label `mlplatform.io/pool` in one region (a spot-first
pool is a SPOT group and an ON_DEMAND fallback group). Its node-hours per month come from the
accelerator-hours jobs use and the utilization (`accelerator_hours / (accelerators per node x
utilization)`), or, for pools without accelerators, the node-hours given or the desired size all
month. A spot-first pool puts `on_demand_share` of them on its fallback group.

Prices: an on-demand group pays the first instance type's on-demand price (managed node groups
launch on-demand capacity in the listed order); a spot group pays it less the family's typical
spot discount, or the on-demand price where no discount was found (spot never bills above it);
a Capacity Block pays its block rate. The worst case is every group at max size for 730 hours,
at the dearest listed type's on-demand price (spot at its cap, the on-demand price).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from platform_cost.prices import HOURS_PER_MONTH, Missing, PriceTable, Quote
from platform_cost.usage import PoolUsage
from platform_spec.tables import node_pools


@dataclass(frozen=True)
class Group:
    """One EKS managed node group, as the estimate reads it."""

    name: str
    region: str
    pool: str
    capacity_type: str
    """ON_DEMAND, SPOT or CAPACITY_BLOCK."""
    instance_types: tuple[str, ...]
    min_size: int
    max_size: int
    desired_size: int
    accelerator_limit: int | None = None
    """A Karpenter NodePool's limit on accelerators (its nodes are bounded by it, not by a size)."""


def accelerators(instance_types: Sequence[str]) -> int:
    """GPUs or AI 100 devices per node (0 for unknown types or types without accelerators)."""
    counts = []
    for instance_type in instance_types:
        family, _, size = instance_type.partition(".")
        known = node_pools.FAMILIES.get(family)
        counts.append(known.sizes.get(size, 0) if known else 0)
    return max(counts, default=0)


@dataclass
class GroupCost:
    group: Group
    node_hours: float
    hourly: Quote | Missing | float | None
    """Price per node-hour (a float for spot: on-demand less the discount)."""
    on_demand_hourly: Quote | Missing | None
    worst_hourly: float | None
    notes: list[str] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    """Why the estimate is unpriced (empty: priced)."""
    worst_missing: list[Missing] = field(default_factory=list)
    """Why the worst case is unpriced (empty: priced)."""

    @property
    def usd(self) -> float | None:
        price = self.hourly
        if isinstance(price, Quote):
            return self.node_hours * price.unit_price
        if isinstance(price, float):
            return self.node_hours * price
        return 0.0 if self.node_hours == 0 else None

    @property
    def on_demand_usd(self) -> float | None:
        if isinstance(self.on_demand_hourly, Quote):
            return self.node_hours * self.on_demand_hourly.unit_price
        return None

    @property
    def worst_usd(self) -> float | None:
        if self.worst_hourly is None:
            return None
        return self.group.max_size * HOURS_PER_MONTH * self.worst_hourly


def _on_demand(instance_type: str, region: str, prices: PriceTable) -> Quote | Missing:
    return prices.quote(f"ec2.on_demand.{instance_type}", region)


def pool_costs(groups: Sequence[Group], usage: PoolUsage | None, prices: PriceTable) -> list[GroupCost]:
    """The cost of each group of one pool (same region and pool label)."""
    if not groups:
        return []
    types = groups[0].instance_types
    per_node = accelerators(types[:1]) or accelerators(types)  # the first type is the one priced
    notes = []
    if per_node:
        if usage is None or usage.accelerator_hours is None:
            notes.append("no accelerator-hours assumed (cost.usage.pools): runs at its minimum size")
            total_hours = sum(g.min_size for g in groups) * HOURS_PER_MONTH
        else:
            total_hours = usage.accelerator_hours / (per_node * usage.utilization)
    elif usage is not None and usage.node_hours is not None:
        total_hours = usage.node_hours
    else:
        total_hours = sum(g.desired_size for g in groups) * HOURS_PER_MONTH
    on_demand_share = usage.on_demand_share if usage is not None else 0.0
    split = {g.capacity_type for g in groups} == {"SPOT", "ON_DEMAND"}
    kinds = {g.capacity_type for g in groups}
    capacity = {kind: sum(max(g.max_size, 1) for g in groups if g.capacity_type == kind) for kind in kinds}
    costs = []
    for group in groups:
        hours = total_hours
        if split:
            hours = total_hours * (
                on_demand_share if group.capacity_type == "ON_DEMAND" else 1 - on_demand_share
            )
        hours *= max(group.max_size, 1) / capacity[group.capacity_type]  # groups of one option share
        cap = group.max_size * HOURS_PER_MONTH
        group_notes = list(notes)
        if hours > cap:
            group_notes.append(
                f"assumed {hours:,.0f} node-hours exceed max size x 730 h; capped at {cap:,.0f}"
            )
            hours = cap
        costs.append(_group_cost(group, hours, prices, group_notes))
    return costs


def _group_cost(group: Group, hours: float, prices: PriceTable, notes: list[str]) -> GroupCost:
    region = group.region
    first = group.instance_types[0] if group.instance_types else ""
    missing: list[Missing] = []
    on_demand = (
        _on_demand(first, region, prices) if first else Missing("ec2.on_demand", region, "no instance type")
    )
    hourly: Quote | Missing | float | None
    if group.capacity_type == "CAPACITY_BLOCK":
        hourly = prices.quote(f"ec2.capacity_block.{first}", region)
        on_demand_for_baseline = None
    elif group.capacity_type == "SPOT":
        on_demand_for_baseline = on_demand
        discount = prices.quote(f"ec2.spot_discount.{node_pools.family(first)}", region)
        if isinstance(on_demand, Missing):
            hourly = on_demand
        elif isinstance(discount, Missing):
            hourly = on_demand.unit_price
            notes.append(
                f"no spot discount for {node_pools.family(first)} in {region}: priced at on-demand, spot's cap"
            )
        else:
            hourly = on_demand.unit_price * (1 - discount.unit_price)
    else:
        hourly = on_demand
        on_demand_for_baseline = None
    if isinstance(hourly, Missing):
        missing.append(hourly)
    # Worst case: the dearest listed type, at on-demand (spot's cap) or the block rate.
    worst_item = "ec2.capacity_block" if group.capacity_type == "CAPACITY_BLOCK" else "ec2.on_demand"
    quotes = {t: prices.quote(f"{worst_item}.{t}", region) for t in group.instance_types}
    if group.accelerator_limit is not None:  # as many nodes of a type as the limit allows
        per_node = {t: max(accelerators([t]), 1) for t in quotes}
        quotes = {t: q for t, q in quotes.items() if per_node[t] <= group.accelerator_limit}
        priced = [
            q.unit_price * (group.accelerator_limit // per_node[t]) / max(group.max_size, 1)
            for t, q in quotes.items()
            if isinstance(q, Quote)
        ]
    else:
        priced = [q.unit_price for q in quotes.values() if isinstance(q, Quote)]
    unpriced = [q for q in quotes.values() if isinstance(q, Missing)]
    worst = max(priced) if priced else None
    if unpriced and priced:
        notes.append(
            "worst case from the priced types only; unpriced: " + "; ".join(str(m) for m in unpriced)
        )
    worst_missing = unpriced if not priced else []
    return GroupCost(group, hours, hourly, on_demand_for_baseline, worst, notes, missing, worst_missing)
