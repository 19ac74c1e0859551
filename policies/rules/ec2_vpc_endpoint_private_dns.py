"""ec2-vpc-endpoint-private-dns: without private DNS, SDKs keep resolving the public endpoint and the
traffic goes through NAT anyway, paying for an endpoint nobody uses."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import COST_POLICY, VPC_ENDPOINT, resource_rule


def check(args, report_violation) -> None:
    if args.props.get("vpcEndpointType") != "Interface":
        args.not_applicable("not an interface endpoint")
    if args.props.get("privateDnsEnabled") is not True:
        report_violation(f"private DNS is off for {args.props.get('serviceName')}")


POLICY = resource_rule(
    name="ec2-vpc-endpoint-private-dns",
    description="Checks whether every interface VPC endpoint enables private DNS.",
    types=[VPC_ENDPOINT],
    check=check,
    severity=Severity.LOW,
    framework=COST_POLICY,
    remediation="Set private_dns_enabled=True on the interface endpoint.",
)
