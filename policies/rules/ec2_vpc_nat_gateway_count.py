"""ec2-vpc-nat-gateway-count: a NAT gateway costs about $33 a month before traffic; each environment's cost
profile says how many it pays for (one per VPC, or one per AZ for production's resilience)."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import COST_POLICY, NAT_GATEWAY, SUBNET, VPC, Stack, name_of, stack_rule


def expected(strategy: str, zones: set[str]) -> int:
    return {"none": 0, "single": 1, "per_az": len(zones)}[strategy]


def check(args, report_violation) -> None:
    strategy = args.get_config()["strategy"]
    stack = Stack(args.resources)
    vpcs = stack.of_type(VPC)
    if not vpcs:
        args.not_applicable("the stack has no VPC")
    for vpc in vpcs:
        subnets = stack.referencing(vpc, [SUBNET], "vpcId")
        zones = {str(s.props.get("availabilityZone")) for s in subnets}
        gateways = [
            n
            for n in stack.of_type(NAT_GATEWAY)
            if any(s in subnets for s in stack.referenced(n, "subnetId"))
        ]
        nat_zones = {
            str(s.props.get("availabilityZone")) for n in gateways for s in stack.referenced(n, "subnetId")
        }
        want = expected(strategy, zones)
        if len(gateways) != want or (strategy == "per_az" and nat_zones != zones):
            report_violation(
                f"VPC {name_of(vpc)} has {len(gateways)} NAT gateway(s) in {sorted(nat_zones)}; "
                f"profile {strategy!r} over zones {sorted(zones)} means {want}",
                vpc.urn,
            )


POLICY = stack_rule(
    name="ec2-vpc-nat-gateway-count",
    description="Checks whether every VPC has the number of NAT gateways its environment's cost profile "
    "allows (none, one, or one per availability zone).",
    check=check,
    severity=Severity.LOW,
    framework=COST_POLICY,
    config={"strategy": {"type": "string", "enum": ["none", "single", "per_az"]}},
    remediation="Set `network.nat` in environments/<env>.yaml and keep policies/config/<env>.json in step.",
)
