import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_vpc_nat_gateway_count import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.vpcs import ZONES, network_stack


def test_one_per_zone_passes_per_az():
    assert run(POLICY, network_stack().args({"strategy": "per_az"})).violations == []


def test_one_gateway_passes_single():
    assert run(POLICY, network_stack(ZONES[:1]).args({"strategy": "single"})).violations == []


def test_a_missing_zone_fails_per_az():
    s = network_stack(ZONES[:2])
    assert run(POLICY, s.args({"strategy": "per_az"})).violations == [
        (
            "VPC vpc has 2 NAT gateway(s) in ['eu-central-1a', 'eu-central-1b']; profile 'per_az' over zones "
            "['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] means 3",
            s.urn("vpc"),
        )
    ]


def test_extra_gateways_fail_single():
    s = network_stack()
    assert run(POLICY, s.args({"strategy": "single"})).violations == [
        (
            "VPC vpc has 3 NAT gateway(s) in ['eu-central-1a', 'eu-central-1b', 'eu-central-1c']; profile 'single' "
            "over zones ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] means 1",
            s.urn("vpc"),
        )
    ]


def test_any_gateway_fails_none():
    s = network_stack(ZONES[:1])
    assert run(POLICY, s.args({"strategy": "none"})).messages == [
        "VPC vpc has 1 NAT gateway(s) in ['eu-central-1a']; profile 'none' over zones "
        "['eu-central-1a', 'eu-central-1b', 'eu-central-1c'] means 0"
    ]


def test_unknown_zone_cannot_be_judged():
    s = network_stack()
    s.props("public-eu-central-1a")["availabilityZone"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args({"strategy": "per_az"}))


def test_stacks_without_a_vpc_are_not_applicable():
    assert run(POLICY, Stack().args({"strategy": "single"})).not_applicable == "the stack has no VPC"
