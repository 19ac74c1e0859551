import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_vpc_endpoint_private_dns import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
STS = {"vpcEndpointType": "Interface", "serviceName": "com.amazonaws.eu-central-1.sts"}


def test_private_dns_passes():
    assert run(POLICY, resource_args(ENDPOINT, {**STS, "privateDnsEnabled": True})).violations == []


@pytest.mark.parametrize("props", [{"privateDnsEnabled": False}, {}])
def test_no_private_dns_fails(props):
    assert run(POLICY, resource_args(ENDPOINT, {**STS, **props})).messages == [
        "private DNS is off for com.amazonaws.eu-central-1.sts"
    ]


def test_unknown_setting_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(ENDPOINT, {**STS, "privateDnsEnabled": UNKNOWN}))


def test_gateway_endpoints_and_other_types_are_not_applicable():
    gateway = {"vpcEndpointType": "Gateway", "serviceName": "com.amazonaws.eu-central-1.s3"}
    assert run(POLICY, resource_args(ENDPOINT, gateway)).not_applicable == "not an interface endpoint"
    assert run(POLICY, resource_args("aws:ec2/vpc:Vpc", {})).not_applicable == f"applies to {ENDPOINT}"
