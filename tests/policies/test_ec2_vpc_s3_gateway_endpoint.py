import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_vpc_s3_gateway_endpoint import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.vpcs import network_stack


def test_an_endpoint_on_every_private_table_passes():
    assert run(POLICY, network_stack().args()).violations == []


def test_a_vpc_without_the_endpoint_fails():
    s = network_stack()
    s.remove("s3")
    assert run(POLICY, s.args()).violations == [("VPC vpc has no S3 gateway endpoint", s.urn("vpc"))]


def test_an_interface_endpoint_does_not_count():
    s = network_stack()
    s.props("s3")["vpcEndpointType"] = "Interface"
    assert run(POLICY, s.args()).violations == [("VPC vpc has no S3 gateway endpoint", s.urn("vpc"))]


def test_a_private_table_left_out_fails():
    s = network_stack()
    s.specs["s3"]["links"]["routeTableIds"] = ["rt-private-eu-central-1a", "rt-private-eu-central-1b"]
    assert run(POLICY, s.args()).violations == [
        (
            "VPC vpc: route table rt-private-eu-central-1c routes to NAT but not to the S3 gateway endpoint, "
            "so S3 traffic pays NAT processing",
            s.urn("rt-private-eu-central-1c"),
        )
    ]


def test_unknown_endpoint_type_cannot_be_judged():
    s = network_stack()
    s.props("s3")["vpcEndpointType"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_stacks_without_a_vpc_are_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no VPC"
