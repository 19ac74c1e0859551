import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_security_group_ingress_no_world import INGRESS_RULE, LEGACY_RULE, POLICY, SECURITY_GROUP
from tests.policies.harness import UNKNOWN, resource_args, run


def test_ingress_from_the_vpc_passes():
    assert (
        run(POLICY, resource_args(INGRESS_RULE, {"cidrIpv4": "10.35.0.0/20", "fromPort": 443})).violations
        == []
    )


@pytest.mark.parametrize("props", [{"cidrIpv4": "0.0.0.0/0"}, {"cidrIpv6": "::/0"}])
def test_an_ingress_rule_from_the_internet_fails(props):
    assert run(POLICY, resource_args(INGRESS_RULE, props)).messages == [
        f"ingress from {next(iter(props.values()))}"
    ]


def test_an_inline_rule_from_the_internet_fails():
    props = {
        "ingress": [{"cidrBlocks": ["10.0.0.0/8"]}, {"cidrBlocks": ["0.0.0.0/0"], "ipv6CidrBlocks": ["::/0"]}]
    }
    assert run(POLICY, resource_args(SECURITY_GROUP, props)).messages == ["ingress from 0.0.0.0/0, ::/0"]


def test_a_legacy_ingress_rule_fails_and_egress_is_not_applicable():
    assert run(
        POLICY, resource_args(LEGACY_RULE, {"type": "ingress", "cidrBlocks": ["0.0.0.0/0"]})
    ).messages == ["ingress from 0.0.0.0/0"]
    assert run(POLICY, resource_args(LEGACY_RULE, {"type": "egress"})).not_applicable == "an egress rule"


def test_unknown_source_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(INGRESS_RULE, {"cidrIpv4": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:ec2/vpc:Vpc", {})).not_applicable == (
        f"applies to {INGRESS_RULE}, {SECURITY_GROUP}, {LEGACY_RULE}"
    )
