"""ec2-security-group-ingress-no-world: the platform has no public entry point; an ingress rule open to the
internet is either a mistake or a new one that needs its own review."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, as_list, resource_rule

WORLD = frozenset({"0.0.0.0/0", "::/0"})
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"


def sources(args) -> list[str]:
    props = args.props
    if args.resource_type == INGRESS_RULE:
        return [str(props.get(k)) for k in ("cidrIpv4", "cidrIpv6") if props.get(k)]
    if args.resource_type == LEGACY_RULE:
        if props.get("type") != "ingress":
            args.not_applicable("an egress rule")
        return [str(c) for k in ("cidrBlocks", "ipv6CidrBlocks") for c in as_list(props.get(k))]
    return [
        str(c)
        for rule in as_list(props.get("ingress"))
        for k in ("cidrBlocks", "ipv6CidrBlocks")
        for c in as_list(rule.get(k))
    ]


def check(args, report_violation) -> None:
    open_to = sorted(set(sources(args)) & WORLD)
    if open_to:
        report_violation(f"ingress from {', '.join(open_to)}")


POLICY = resource_rule(
    name="ec2-security-group-ingress-no-world",
    description="Checks whether no security group rule admits traffic from the whole internet.",
    types=[INGRESS_RULE, SECURITY_GROUP, LEGACY_RULE],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Admit the VPC's CIDR, a prefix list or a security group instead of 0.0.0.0/0 or ::/0.",
)
