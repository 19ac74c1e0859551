import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.organizations_scp_imdsv2_required import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.orgs import organization_stack, set_statement

MISSING = "no service control policy attached to the root denies ec2:RunInstances unless ec2:MetadataHttpTokens is 'required'"


def test_the_attached_scp_passes():
    assert run(POLICY, organization_stack().args()).violations == []


def test_a_detached_scp_fails():
    s = organization_stack()
    s.remove("require-imdsv2-attachment")
    assert run(POLICY, s.args()).violations == [(MISSING, s.urn("organization"))]


def test_an_scp_attached_to_one_account_only_fails():
    s = organization_stack()
    s.specs["require-imdsv2-attachment"]["links"]["targetId"] = ["prod-data"]
    assert run(POLICY, s.args()).violations == [(MISSING, s.urn("organization"))]


def test_a_weakened_condition_fails():
    s = organization_stack()
    set_statement(s, "require-imdsv2", Condition={"StringNotEquals": {"ec2:MetadataHttpTokens": "optional"}})
    assert run(POLICY, s.args()).violations == [(MISSING, s.urn("organization"))]


def test_unknown_content_cannot_be_judged():
    s = organization_stack()
    s.props("require-imdsv2")["content"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_stacks_without_the_organization_are_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack does not manage the organization"
