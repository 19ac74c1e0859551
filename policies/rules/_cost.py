"""What the cost rules share: Kueue team quotas priced at the dearest on-demand pool of their cluster,
and node pools whose worst case the price table cannot price.

Like every cost rule of the pack, these import the core's cost model (`platform_cost`, with its price
table), never the review tool: the pack runs wherever the core is installed (policies/README.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from platform_cost import model as cost
from platform_cost import prices
from platform_cost.prices import HOURS_PER_MONTH
from platform_cost.stack import accelerator_prices, stack_resources
from platform_cost.usage import Usage
from rules._support import name_of, number

CLUSTER_QUEUE = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
ACCELERATORS = ("nvidia.com/gpu", "qualcomm.com/qaic")
POOLS = (cost.NODE_GROUP, cost.KARPENTER_NODE_POOL)


def quotas(queue) -> dict[str, float]:
    """Accelerator resource -> the queue's nominal quota of it, over its resource groups and flavors."""
    found: dict[str, float] = defaultdict(float)
    for group in (queue.props.get("spec") or {}).get("resourceGroups") or []:
        for flavor in group.get("flavors") or []:
            for resource in flavor.get("resources") or []:
                if resource.get("name") in ACCELERATORS:
                    found[resource["name"]] += number(str(resource.get("nominalQuota", "0"))) or 0.0
    return found


@dataclass(frozen=True)
class Quota:
    """One team's quota of one accelerator in one cluster, at the dearest on-demand price per
    accelerator-hour of the pools it can land on (None: none of them has a price)."""

    team: str
    queue: Any
    """The ClusterQueue (a PolicyResource)."""
    resource: str
    count: float
    region: str
    price: float | None
    instance_type: str

    @property
    def worst_usd(self) -> float | None:
        return None if self.price is None else self.count * self.price * HOURS_PER_MONTH

    def describe(self) -> str:
        return f"{self.count:g} {self.resource} in {self.region} ({self.instance_type}: no price)"


def team_quotas(resources: Sequence[Any]) -> list[Quota]:
    """Every non-zero accelerator quota of the stack's ClusterQueues (one queue per team and cluster)."""
    queues = [r for r in resources if r.resource_type == CLUSTER_QUEUE]
    if not queues:
        return []
    _, found = stack_resources(resources)
    dearest = accelerator_prices(found)
    result = []
    for queue in queues:
        team = str((queue.props.get("metadata") or {}).get("name") or name_of(queue))
        region, _ = cost.provider_place(queue.provider.props) if queue.provider is not None else (None, None)
        for resource, count in quotas(queue).items():
            if count:
                price, instance_type = dearest.get((str(region), resource), (None, "no pool"))
                result.append(Quota(team, queue, resource, count, str(region), price, instance_type))
    return result


def unpriced_pools(resources: Sequence[Any]) -> list[tuple[Any, cost.Line]]:
    """(node group or Karpenter NodePool, its line) for every pool whose worst case has no price. The worst
    case does not depend on usage assumptions (max size x 730 h), so none are needed."""
    stack, found = stack_resources(resources)
    wanted = [r for r in found if r.type in (*POOLS, cost.LAUNCH_TEMPLATE)]
    if not any(r.type in POOLS for r in wanted):
        return []
    estimate = cost.estimate({stack: wanted}, Usage(), prices.default())
    by_name = {(r.resource_type, name_of(r)): r for r in resources}
    return [
        (by_name[line.resource_type, line.resource], line)
        for line in estimate.lines
        if line.resource_type in POOLS and line.worst_usd is None
    ]
