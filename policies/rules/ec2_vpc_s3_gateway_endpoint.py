"""ec2-vpc-s3-gateway-endpoint: training reads petabytes from S3; through NAT that costs $0.045/GB, through
a gateway endpoint nothing, and it never leaves the AWS network."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import COST_POLICY, ROUTE, ROUTE_TABLE, VPC, VPC_ENDPOINT, Stack, name_of, stack_rule


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    vpcs = stack.of_type(VPC)
    if not vpcs:
        args.not_applicable("the stack has no VPC")
    nat_tables = [
        t
        for r in stack.of_type(ROUTE)
        if r.props.get("natGatewayId")
        for t in stack.referenced(r, "routeTableId")
    ]
    for vpc in vpcs:
        endpoints = [
            e
            for e in stack.referencing(vpc, [VPC_ENDPOINT], "vpcId")
            if e.props.get("vpcEndpointType") == "Gateway"
            and str(e.props.get("serviceName", "")).endswith(".s3")
        ]
        if not endpoints:
            report_violation(f"VPC {name_of(vpc)} has no S3 gateway endpoint", vpc.urn)
            continue
        covered = [t for e in endpoints for t in stack.referenced(e, "routeTableIds")]
        tables = stack.referencing(vpc, [ROUTE_TABLE], "vpcId")
        for table in tables:
            if table in nat_tables and table not in covered:
                report_violation(
                    f"VPC {name_of(vpc)}: route table {name_of(table)} routes to NAT but not to the S3 gateway "
                    "endpoint, so S3 traffic pays NAT processing",
                    table.urn,
                )
        if not covered:
            report_violation(f"VPC {name_of(vpc)}: the S3 gateway endpoint is on no route table", vpc.urn)


POLICY = stack_rule(
    name="ec2-vpc-s3-gateway-endpoint",
    description="Checks whether every VPC has an S3 gateway endpoint on every route table that routes to NAT.",
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    remediation="Keep the S3 gateway endpoint of components/network.py on every private route table.",
)
