"""ec2-subnet-no-public-ip-on-launch: a subnet that hands out public addresses makes every node launched in
it reachable from the internet."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, SUBNET, resource_rule


def check(args, report_violation) -> None:
    if args.props.get("mapPublicIpOnLaunch") is True:
        report_violation("mapPublicIpOnLaunch is true")


POLICY = resource_rule(
    name="ec2-subnet-no-public-ip-on-launch",
    description="Checks whether no subnet gives instances a public IP address at launch.",
    types=[SUBNET],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set map_public_ip_on_launch=False; only NAT gateways and load balancers live in public subnets.",
)
