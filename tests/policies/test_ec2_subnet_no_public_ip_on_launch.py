import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_subnet_no_public_ip_on_launch import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

SUBNET = "aws:ec2/subnet:Subnet"


@pytest.mark.parametrize("props", [{"mapPublicIpOnLaunch": False}, {}])
def test_private_addressing_passes(props):
    assert run(POLICY, resource_args(SUBNET, props)).violations == []


def test_public_addresses_at_launch_fail():
    assert run(POLICY, resource_args(SUBNET, {"mapPublicIpOnLaunch": True})).messages == [
        "mapPublicIpOnLaunch is true"
    ]


def test_unknown_setting_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(SUBNET, {"mapPublicIpOnLaunch": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:ec2/vpc:Vpc", {})).not_applicable == f"applies to {SUBNET}"
