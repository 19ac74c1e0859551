import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_default_security_group_closed import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
RULE = {"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["10.0.0.0/16"]}


def test_an_emptied_default_group_passes():
    assert run(POLICY, resource_args(DEFAULT_SG, {"ingress": [], "egress": []})).violations == []


@pytest.mark.parametrize("direction", ["ingress", "egress"])
def test_a_rule_in_either_direction_fails(direction):
    props = {"ingress": [], "egress": [], direction: [RULE]}
    assert run(POLICY, resource_args(DEFAULT_SG, props)).messages == [
        f"the default security group has {direction} rules"
    ]


def test_unknown_rules_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(DEFAULT_SG, {"ingress": UNKNOWN, "egress": []}))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:ec2/securityGroup:SecurityGroup", {})).not_applicable
        == f"applies to {DEFAULT_SG}"
    )
