"""eks-cluster-endpoint-private: the API server of a training cluster holds every team's secrets and
schedules every job; reachable from the internet, one leaked token is enough. The endpoint is private,
and public only where the environment's config allows it, never to the whole internet."""

from __future__ import annotations

import ipaddress

from pulumi_policy import Severity

from rules._compute import EKS_CLUSTER
from rules._support import GDPR_SECURITY, as_list, resource_rule

WIDEST_PREFIX = 16
"""A public network wider than a /16 is not a named network (docs/adr/0007-compute-clusters.md)."""


def check(args, report_violation) -> None:
    vpc = args.props.get("vpcConfig") or {}
    if vpc.get("endpointPrivateAccess") is not True:
        report_violation(
            "the private endpoint is off: nodes and operators reach the API server over the internet"
        )
    # EKS turns the public endpoint on, open to 0.0.0.0/0, unless told otherwise.
    if vpc.get("endpointPublicAccess") is False:
        return
    if not args.get_config()["publicEndpointAllowed"]:
        report_violation(
            "the public endpoint is on (EKS's default when endpointPublicAccess is not false); "
            "this environment allows only the private endpoint"
        )
        return
    cidrs = [str(c) for c in as_list(vpc.get("publicAccessCidrs"))]
    if not cidrs:
        report_violation("the public endpoint is open to 0.0.0.0/0 (no publicAccessCidrs given)")
    for cidr in cidrs:
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            report_violation(f"public access CIDR {cidr!r} is not a network")
            continue
        if network.prefixlen < WIDEST_PREFIX:
            report_violation(
                f"the public endpoint admits {cidr}, wider than a /{WIDEST_PREFIX}: name the networks that need it"
            )


POLICY = resource_rule(
    name="eks-cluster-endpoint-private",
    description="Checks whether every EKS cluster has its private endpoint on and its public endpoint off, "
    "or, where the environment allows a public endpoint, open only to named networks of at most a /16.",
    types=[EKS_CLUSTER],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    config={"publicEndpointAllowed": {"type": "boolean"}},
    remediation="Leave `endpoint_public_access` off in environments/<env>.yaml; where a public endpoint is "
    "needed, list the networks in `public_access_cidrs` and allow it in policies/config/<env>.json.",
)
