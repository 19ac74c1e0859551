"""A VPC stack like components/network.py builds: subnets per AZ, NAT, route tables, S3 gateway endpoint."""

from __future__ import annotations

from tests.policies.harness import Stack

VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT = "aws:ec2/natGateway:NatGateway"
EIP = "aws:ec2/eip:Eip"
ROUTE = "aws:ec2/route:Route"
TABLE = "aws:ec2/routeTable:RouteTable"
ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
ZONES = ("eu-central-1a", "eu-central-1b", "eu-central-1c")


def network_stack(nat_zones: tuple[str, ...] = ZONES, zones: tuple[str, ...] = ZONES) -> Stack:
    s = Stack()
    s.add(VPC, "vpc", {"cidrBlock": "10.0.0.0/16"})
    for zone in zones:
        s.add(SUBNET, f"private-{zone}", {"availabilityZone": zone}, links={"vpcId": "vpc"})
        s.add(SUBNET, f"public-{zone}", {"availabilityZone": zone}, links={"vpcId": "vpc"})
        s.add(TABLE, f"rt-private-{zone}", {}, links={"vpcId": "vpc"})
    for zone in nat_zones:
        s.add(EIP, f"eip-{zone}", {"domain": "vpc"})
        s.add(
            NAT,
            f"nat-{zone}",
            {"allocationId": "eipalloc"},
            links={"subnetId": f"public-{zone}", "allocationId": f"eip-{zone}"},
        )
    for zone in zones:
        nat = f"nat-{zone}" if zone in nat_zones else f"nat-{nat_zones[0]}"
        s.add(ROUTE, f"private-{zone}-default", {"destinationCidrBlock": "0.0.0.0/0", "natGatewayId": "nat-x"},
              links={"routeTableId": f"rt-private-{zone}", "natGatewayId": nat})  # fmt: skip
    s.add(
        ENDPOINT,
        "s3",
        {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.eu-central-1.s3"},
        links={"vpcId": "vpc", "routeTableIds": [f"rt-private-{zone}" for zone in zones]},
    )
    return s
