"""ec2-default-security-group-closed: anything launched without a security group lands in the default one;
it must allow nothing."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, as_list, resource_rule


def check(args, report_violation) -> None:
    for direction in ("ingress", "egress"):
        if as_list(args.props.get(direction)):
            report_violation(f"the default security group has {direction} rules")


POLICY = resource_rule(
    name="ec2-default-security-group-closed",
    description="Checks whether every VPC's default security group allows no traffic in either direction.",
    types=["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
    check=check,
    severity=Severity.MEDIUM,
    framework=GDPR_SECURITY,
    remediation="Manage the default security group with `ingress=[]` and `egress=[]` (components/network.py does).",
)
