"""ec2-eip-associated: an Elastic IP that nothing uses is billed by the hour and is a public address nobody
reviews."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import COST_POLICY, EIP, NAT_GATEWAY, Stack, name_of, stack_rule

USERS = (
    (NAT_GATEWAY, "allocationId"),
    ("aws:ec2/eipAssociation:EipAssociation", "allocationId"),
)


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    addresses = stack.of_type(EIP)
    if not addresses:
        args.not_applicable("the stack has no Elastic IP")
    for address in addresses:
        if address.props.get("instance") or address.props.get("networkInterface"):
            continue
        if not any(stack.referencing(address, [kind], prop) for kind, prop in USERS):
            report_violation(
                f"Elastic IP {name_of(address)} is not used by any NAT gateway or association", address.urn
            )


POLICY = stack_rule(
    name="ec2-eip-associated",
    description="Checks whether every Elastic IP is used by a NAT gateway, an instance or an association.",
    check=check,
    severity=Severity.LOW,
    framework=COST_POLICY,
    remediation="Remove the address, or attach it to the NAT gateway or instance it was made for.",
)
