"""A VPC for one account and region: private subnets across AZs, NAT per cost profile, endpoints."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems
from platform_spec.cidr import plan_subnets

NatStrategy = Literal["none", "single", "per_az"]
NAT_STRATEGIES: tuple[str, ...] = get_args(NatStrategy)


@dataclass(frozen=True, kw_only=True, slots=True)
class NetworkArgs:
    region: str
    cidr: str
    availability_zones: Sequence[str]
    nat: NatStrategy
    """`none`: no internet egress; `single`: one NAT gateway for the VPC; `per_az`: one per AZ,
    so no traffic crosses an AZ to reach NAT and one AZ's failure leaves the others online."""
    interface_endpoints: Sequence[str]
    """Service-name suffixes (ecr.api, sts, ...) that get interface endpoints with private DNS."""
    account_id: pulumi.Input[str]
    """The VPC's account: the flow-log delivery role trusts the service for this account only."""
    flow_log_key_arn: pulumi.Input[str]
    """Customer key (the account's `platform` key in the region) of the flow-log group."""
    flow_log_retention_days: int
    """How long VPC flow logs are kept (network evidence for incident response)."""

    def __post_init__(self) -> None:
        problems = Problems("Network")
        try:
            plan_subnets(self.cidr, len(self.availability_zones))
        except ValueError as error:
            problems.add("cidr", self.cidr, str(error))
        if not 2 <= len(self.availability_zones) <= 6:
            problems.add("availability_zones", list(self.availability_zones), "from 2 to 6 zones")
        for zone in self.availability_zones:
            if not zone.startswith(self.region):
                problems.add("availability_zones", zone, f"a zone of {self.region}")
        if self.nat not in NAT_STRATEGIES:
            problems.add("nat", self.nat, f"one of {', '.join(NAT_STRATEGIES)}")
        problems.raise_if_any()


class Network(pulumi.ComponentResource):
    """Creates the VPC, subnets, routes, NAT gateways, an S3 gateway endpoint and interface endpoints.

    The default security group is emptied; interface endpoints accept HTTPS from the VPC only.
    S3 traffic from private subnets goes through the gateway endpoint, never through NAT.
    """

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:foundation:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        plan = plan_subnets(args.cidr, len(args.availability_zones))

        self.vpc = aws.ec2.Vpc(
            name,
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": name},
            opts=child,
        )
        aws.ec2.DefaultSecurityGroup(name, vpc_id=self.vpc.id, ingress=[], egress=[], opts=child)
        self._create_flow_logs(name, args)

        self.private_subnets: dict[str, aws.ec2.Subnet] = {}
        self.public_subnets: dict[str, aws.ec2.Subnet] = {}
        for zone, private_cidr, public_cidr in zip(
            args.availability_zones, plan.private, plan.public, strict=True
        ):
            self.private_subnets[zone] = aws.ec2.Subnet(
                f"{name}-private-{zone}",
                vpc_id=self.vpc.id,
                cidr_block=private_cidr,
                availability_zone=zone,
                tags={"Name": f"{name}-private-{zone}", "kubernetes.io/role/internal-elb": "1"},
                opts=child,
            )
            if args.nat != "none":
                self.public_subnets[zone] = aws.ec2.Subnet(
                    f"{name}-public-{zone}",
                    vpc_id=self.vpc.id,
                    cidr_block=public_cidr,
                    availability_zone=zone,
                    map_public_ip_on_launch=False,
                    tags={"Name": f"{name}-public-{zone}", "kubernetes.io/role/elb": "1"},
                    opts=child,
                )

        nat_by_zone = self._create_egress(name, args) if args.nat != "none" else {}
        self.private_route_tables: dict[str, aws.ec2.RouteTable] = {}
        for zone, subnet in self.private_subnets.items():
            table = aws.ec2.RouteTable(f"{name}-private-{zone}", vpc_id=self.vpc.id, opts=child)
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{zone}", subnet_id=subnet.id, route_table_id=table.id, opts=child
            )
            if zone in nat_by_zone:
                aws.ec2.Route(
                    f"{name}-private-{zone}-default",
                    route_table_id=table.id,
                    destination_cidr_block="0.0.0.0/0",
                    nat_gateway_id=nat_by_zone[zone].id,
                    opts=child,
                )
            self.private_route_tables[zone] = table

        self.s3_endpoint = aws.ec2.VpcEndpoint(
            f"{name}-s3",
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[table.id for table in self.private_route_tables.values()],
            opts=child,
        )
        self._create_interface_endpoints(name, args)

        self.vpc_id = self.vpc.id
        self.private_subnet_ids = [subnet.id for subnet in self.private_subnets.values()]
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "private_subnet_ids": self.private_subnet_ids,
                "s3_endpoint_id": self.s3_endpoint.id,
            }
        )

    def _create_flow_logs(self, name: str, args: NetworkArgs) -> None:
        """Every accepted and rejected flow into an encrypted log group of the VPC's own account.

        CloudWatch Logs rather than the central archive bucket: the group lives and expires with the
        VPC's account, needs no cross-account bucket policy, and Logs Insights answers incident
        questions without an Athena table.
        """
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-flow-logs",
            name=f"/aws/vpc/flow-logs/{name}",
            retention_in_days=args.flow_log_retention_days,
            kms_key_id=args.flow_log_key_arn,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        role = aws.iam.Role(
            f"{name}-flow-logs",
            description=f"VPC flow logs of {name} deliver to their log group",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(_iam.trust_service("vpc-flow-logs.amazonaws.com", account))
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-flow-logs",
            role=role.name,
            policy=log_group.arn.apply(
                lambda arn: json.dumps(
                    _iam.document(
                        {
                            "Sid": "DeliverFlowLogs",
                            "Effect": "Allow",
                            "Action": [
                                "logs:CreateLogStream",
                                "logs:PutLogEvents",
                                "logs:DescribeLogStreams",
                            ],
                            "Resource": [arn, f"{arn}:*"],
                        }
                    )
                )
            ),
            opts=child,
        )
        aws.ec2.FlowLog(
            name,
            vpc_id=self.vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=600,
            tags={"Name": name},
            opts=child,
        )

    def _create_egress(self, name: str, args: NetworkArgs) -> dict[str, aws.ec2.NatGateway]:
        """Internet gateway, public route table and NAT gateways; returns the NAT serving each zone."""
        child = pulumi.ResourceOptions(parent=self)
        gateway = aws.ec2.InternetGateway(name, vpc_id=self.vpc.id, opts=child)
        public_table = aws.ec2.RouteTable(f"{name}-public", vpc_id=self.vpc.id, opts=child)
        aws.ec2.Route(
            f"{name}-public-default",
            route_table_id=public_table.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=gateway.id,
            opts=child,
        )
        for zone, subnet in self.public_subnets.items():
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{zone}", subnet_id=subnet.id, route_table_id=public_table.id, opts=child
            )

        nat_zones = list(args.availability_zones) if args.nat == "per_az" else [args.availability_zones[0]]
        gateways = {}
        for zone in nat_zones:
            address = aws.ec2.Eip(f"{name}-nat-{zone}", domain="vpc", opts=child)
            gateways[zone] = aws.ec2.NatGateway(
                f"{name}-nat-{zone}",
                allocation_id=address.id,
                subnet_id=self.public_subnets[zone].id,
                tags={"Name": f"{name}-nat-{zone}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
            )
        return {zone: gateways.get(zone, gateways[nat_zones[0]]) for zone in args.availability_zones}

    def _create_interface_endpoints(self, name: str, args: NetworkArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        if not args.interface_endpoints:
            return
        security_group = aws.ec2.SecurityGroup(
            f"{name}-endpoints",
            vpc_id=self.vpc.id,
            description="HTTPS from the VPC to interface endpoints",
            opts=child,
        )
        aws.vpc.SecurityGroupIngressRule(
            f"{name}-endpoints-https",
            security_group_id=security_group.id,
            description="HTTPS from inside the VPC",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=str(ipaddress.IPv4Network(args.cidr)),
            opts=child,
        )
        subnet_ids = [subnet.id for subnet in self.private_subnets.values()]
        for service in args.interface_endpoints:
            aws.ec2.VpcEndpoint(
                f"{name}-{service.replace('.', '-')}",
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=subnet_ids,
                security_group_ids=[security_group.id],
                opts=child,
            )
