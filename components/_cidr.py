"""Subnet planning for a VPC: one large private and one small public subnet per AZ."""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SubnetPlan:
    private: tuple[str, ...]
    public: tuple[str, ...]


def plan_subnets(cidr: str, zone_count: int) -> SubnetPlan:
    """Split `cidr` into `zone_count` private blocks plus one block carved into public subnets.

    Private subnets get the large blocks because EKS gives every pod a VPC address; the
    public subnets only hold NAT gateways and load balancers.
    """
    if zone_count < 1:
        raise ValueError(f"zone_count must be at least 1, got {zone_count}")
    network = ipaddress.IPv4Network(cidr)
    bits = math.ceil(math.log2(zone_count + 1))
    blocks = list(network.subnets(prefixlen_diff=bits))
    public_pool = blocks[-1]
    public = list(public_pool.subnets(prefixlen_diff=bits))[:zone_count]
    if public[0].prefixlen > 28:
        raise ValueError(
            f"{cidr} is too small for {zone_count} zones: public subnets would be /{public[0].prefixlen}"
        )
    return SubnetPlan(
        private=tuple(str(b) for b in blocks[:zone_count]),
        public=tuple(str(b) for b in public),
    )
