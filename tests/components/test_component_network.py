import json

import pulumi
import pytest

from components.network import Network, NetworkArgs
from tests.support.synthesis import run_component

ZONES = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
ACCOUNT = "111122223333"
KEY = f"arn:aws:kms:eu-central-1:{ACCOUNT}:key/platform"
FLOW_LOGS = {"account_id": ACCOUNT, "flow_log_key_arn": KEY, "flow_log_retention_days": 365}


def network(nat: str, endpoints=("ecr.api", "sts")):
    args = NetworkArgs(region="eu-central-1", cidr="10.32.0.0/16", availability_zones=ZONES, nat=nat,
                       interface_endpoints=list(endpoints), **FLOW_LOGS)  # fmt: skip
    return run_component(lambda p: Network("vpc", args, pulumi.ResourceOptions(provider=p)))


@pytest.fixture(scope="module")
def per_az():
    return network("per_az")


def test_per_az_creates_one_nat_gateway_per_zone_and_routes_each_zone_to_its_own(per_az):
    assert per_az.counts() == {
        "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": 1,
        "aws:cloudwatch/logGroup:LogGroup": 1,
        "aws:ec2/eip:Eip": 3,
        "aws:ec2/flowLog:FlowLog": 1,
        "aws:ec2/internetGateway:InternetGateway": 1,
        "aws:ec2/natGateway:NatGateway": 3,
        "aws:ec2/route:Route": 4,
        "aws:ec2/routeTable:RouteTable": 4,
        "aws:ec2/routeTableAssociation:RouteTableAssociation": 6,
        "aws:ec2/securityGroup:SecurityGroup": 1,
        "aws:ec2/subnet:Subnet": 6,
        "aws:ec2/vpc:Vpc": 1,
        "aws:ec2/vpcEndpoint:VpcEndpoint": 3,
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicy:RolePolicy": 1,
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": 1,
    }
    for zone in ZONES:
        route = per_az.one("aws:ec2/route:Route", f"vpc-private-{zone}-default")
        nat = per_az.one("aws:ec2/natGateway:NatGateway", f"vpc-nat-{zone}")
        assert route.inputs["natGatewayId"] == nat.id
        subnet = per_az.one("aws:ec2/subnet:Subnet", f"vpc-public-{zone}")
        assert nat.inputs["subnetId"] == subnet.id


def test_single_nat_serves_every_zone():
    recorded = network("single")
    (nat,) = recorded.of_type("aws:ec2/natGateway:NatGateway")
    routes = [r for r in recorded.of_type("aws:ec2/route:Route") if "private" in r.urn]
    assert len(routes) == 3 and {r.inputs["natGatewayId"] for r in routes} == {nat.id}


def test_no_nat_means_no_public_subnets_and_no_default_route():
    recorded = network("none")
    assert recorded.names("aws:ec2/subnet:Subnet") == [f"vpc-private-{z}" for z in ZONES]
    assert recorded.of_type("aws:ec2/natGateway:NatGateway") == []
    assert recorded.of_type("aws:ec2/route:Route") == []
    assert recorded.of_type("aws:ec2/internetGateway:InternetGateway") == []


def test_s3_gateway_endpoint_is_on_every_private_route_table(per_az):
    endpoint = per_az.one("aws:ec2/vpcEndpoint:VpcEndpoint", "vpc-s3")
    assert endpoint.inputs["vpcEndpointType"] == "Gateway"
    assert endpoint.inputs["serviceName"] == "com.amazonaws.eu-central-1.s3"
    private_tables = [r.id for r in per_az.of_type("aws:ec2/routeTable:RouteTable") if "private" in r.urn]
    assert sorted(endpoint.inputs["routeTableIds"]) == sorted(private_tables)


def test_interface_endpoints_are_private_and_reachable_only_from_the_vpc(per_az):
    names = per_az.names("aws:ec2/vpcEndpoint:VpcEndpoint")
    assert names == ["vpc-ecr-api", "vpc-s3", "vpc-sts"]
    group = per_az.one("aws:ec2/securityGroup:SecurityGroup", "vpc-endpoints")
    for name in ("vpc-ecr-api", "vpc-sts"):
        endpoint = per_az.one("aws:ec2/vpcEndpoint:VpcEndpoint", name)
        assert endpoint.inputs["privateDnsEnabled"] is True
        assert endpoint.inputs["securityGroupIds"] == [group.id]
        assert len(endpoint.inputs["subnetIds"]) == 3
    rule = per_az.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "vpc-endpoints-https")
    assert (rule.inputs["cidrIpv4"], rule.inputs["fromPort"], rule.inputs["toPort"]) == (
        "10.32.0.0/16",
        443,
        443,
    )


def test_default_security_group_is_emptied_and_public_subnets_assign_no_public_ips(per_az):
    default = per_az.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "vpc")
    assert default.inputs.get("ingress", []) == [] and default.inputs.get("egress", []) == []
    for zone in ZONES:
        assert (
            per_az.one("aws:ec2/subnet:Subnet", f"vpc-public-{zone}").inputs["mapPublicIpOnLaunch"] is False
        )


def test_every_flow_goes_to_an_encrypted_retained_log_group_through_a_role_of_this_account(per_az):
    flow_log = per_az.one("aws:ec2/flowLog:FlowLog", "vpc")
    group = per_az.one("aws:cloudwatch/logGroup:LogGroup", "vpc-flow-logs")
    role = per_az.one("aws:iam/role:Role", "vpc-flow-logs")
    assert flow_log.inputs["vpcId"] == per_az.one("aws:ec2/vpc:Vpc", "vpc").id
    assert (flow_log.inputs["trafficType"], flow_log.inputs["logDestinationType"]) == (
        "ALL",
        "cloud-watch-logs",
    )
    assert flow_log.inputs["logDestination"] == group.outputs["arn"]
    assert flow_log.inputs["iamRoleArn"] == role.outputs["arn"]
    assert group.inputs["name"] == "/aws/vpc/flow-logs/vpc"
    assert (group.inputs["kmsKeyId"], group.inputs["retentionInDays"]) == (KEY, 365)
    assert group.retain_on_delete
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    (grant,) = json.loads(per_az.one("aws:iam/rolePolicy:RolePolicy", "vpc-flow-logs").inputs["policy"])[
        "Statement"
    ]
    assert grant["Resource"] == [group.outputs["arn"], f"{group.outputs['arn']}:*"]
    assert sorted(grant["Action"]) == ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]


def test_children_are_parented_to_the_component_and_bound_to_its_provider(per_az):
    for registration in per_az.registrations:
        if registration.type.startswith("aws:"):
            assert registration.parent.endswith("mlplatform:foundation:Network::vpc")
            assert "pulumi:providers:aws::test::" in registration.provider


def test_rejects_bad_arguments_all_at_once():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        NetworkArgs(region="eu-central-1", cidr="10.0.0.0/27", availability_zones=["us-east-1a"], nat="two",
                    interface_endpoints=[], **FLOW_LOGS)  # type: ignore[arg-type]  # fmt: skip
    assert [e["property_path"] for e in raised.value.errors] == [
        "cidr",
        "availability_zones",
        "availability_zones",
        "nat",
    ]
