import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_eip_associated import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.vpcs import EIP, network_stack


def test_addresses_used_by_nat_gateways_pass():
    assert run(POLICY, network_stack().args()).violations == []


def test_an_address_of_an_instance_passes():
    s = network_stack()
    s.add(EIP, "bastion", {"domain": "vpc", "instance": "i-123"})
    assert run(POLICY, s.args()).violations == []


def test_an_unused_address_fails():
    s = network_stack()
    s.add(EIP, "spare", {"domain": "vpc"})
    assert run(POLICY, s.args()).violations == [
        ("Elastic IP spare is not used by any NAT gateway or association", s.urn("spare"))
    ]


def test_unknown_instance_cannot_be_judged():
    s = network_stack()
    s.add(EIP, "spare", {"domain": "vpc", "instance": UNKNOWN})
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_stacks_without_addresses_are_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no Elastic IP"
