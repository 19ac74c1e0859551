"""CIDR helpers: subnet planning for a VPC (one large private and one small public subnet per AZ), and
which networks may reach a public EKS endpoint."""

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


PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)


def public_cidr_problem(cidr: str) -> str | None:
    """Why a network may not reach a public API endpoint, if it may not (None: it may)."""
    try:
        network = ipaddress.IPv4Network(cidr)
    except ValueError:
        return "expected an IPv4 network such as 203.0.113.0/24"
    if network.prefixlen < 16:
        return "at most a /16: a public endpoint is opened to named networks, not the internet"
    if any(network.subnet_of(private) for private in PRIVATE_RANGES):
        return "a private range reaches the private endpoint from the VPC; list public networks only"
    return None
