import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.organizations_scp_region_allow_list import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.orgs import STATEMENTS, organization_stack, set_statement

CONFIG = {"regions": ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]}
MISSING = "no service control policy attached to the root denies regions outside eu-central-1, eu-west-1, us-east-1, us-west-2"


def test_the_attached_scp_passes():
    assert run(POLICY, organization_stack().args(CONFIG)).violations == []


def test_an_extra_region_fails():
    s = organization_stack()
    regions = [*CONFIG["regions"], "ap-south-1"]
    set_statement(s, "allowed-regions", Condition={"StringNotEquals": {"aws:RequestedRegion": regions}})
    assert run(POLICY, s.args(CONFIG)).violations == [(MISSING, s.urn("organization"))]


def test_a_detached_scp_fails():
    s = organization_stack()
    s.remove("allowed-regions-attachment")
    assert run(POLICY, s.args(CONFIG)).violations == [(MISSING, s.urn("organization"))]


def test_a_statement_without_not_action_does_not_count():
    s = organization_stack()
    statement = {k: v for k, v in STATEMENTS["allowed-regions"].items() if k != "NotAction"}
    set_statement(s, "allowed-regions", **statement)
    s.props("allowed-regions")["content"] = s.props("allowed-regions")["content"].replace(
        '"NotAction": ["iam:*"], ', ""
    )
    assert run(POLICY, s.args(CONFIG)).violations == [(MISSING, s.urn("organization"))]


def test_unknown_content_cannot_be_judged():
    s = organization_stack()
    s.props("allowed-regions")["content"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_stacks_without_the_organization_are_not_applicable():
    assert run(POLICY, Stack().args(CONFIG)).not_applicable == "the stack does not manage the organization"
