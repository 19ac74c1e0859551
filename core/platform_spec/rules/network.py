"""Rules of the network: VPC regions, zones and non-overlapping private ranges."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from platform_spec.errors import Problem
from platform_spec.models import EnvironmentSpec


def network_problems(env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    networks: dict[str, ipaddress.IPv4Network] = {}
    for key, vpc in env.network.vpcs.items():
        where = f"network.vpcs.{key}"
        assignment = env.accounts.get(vpc.account)
        if assignment is not None and vpc.region not in assignment.regions:
            yield Problem(
                file,
                f"{where}.region",
                vpc.region,
                f"not a region of the {vpc.account} account; allowed: {', '.join(assignment.regions)}",
            )
        for i, zone in enumerate(vpc.availability_zones):
            if not re.fullmatch(re.escape(vpc.region) + r"[a-z]", zone):
                yield Problem(
                    file,
                    f"{where}.availability_zones[{i}]",
                    zone,
                    f"expected a zone of {vpc.region}, such as {vpc.region}a",
                )
        try:
            network = ipaddress.IPv4Network(vpc.cidr)
        except ValueError:
            yield Problem(file, f"{where}.cidr", vpc.cidr, "expected an IPv4 network such as 10.20.0.0/16")
            continue
        if not network.is_private or not 16 <= network.prefixlen <= 20:
            yield Problem(
                file, f"{where}.cidr", vpc.cidr, "a VPC needs a private (RFC 1918) range from /16 to /20"
            )
            continue
        for other, other_network in networks.items():
            if network.overlaps(other_network):
                yield Problem(
                    file, f"{where}.cidr", vpc.cidr, f"overlaps network.vpcs.{other}.cidr ({other_network})"
                )
        networks[key] = network
