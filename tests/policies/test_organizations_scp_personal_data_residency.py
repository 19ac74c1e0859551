import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.organizations_scp_personal_data_residency import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.orgs import organization_stack, set_statement

CONFIG = {"regions": ["eu-central-1", "eu-west-1"]}
MISSING = (
    "no attached service control policy limits any account to the residency regions eu-central-1, eu-west-1"
)


def test_the_attached_residency_scp_passes():
    assert run(POLICY, organization_stack().args(CONFIG)).violations == []


def test_a_residency_scp_that_allows_a_us_region_fails():
    s = organization_stack()
    set_statement(
        s,
        "personal-data-regions",
        Condition={"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "us-east-1"]}},
    )
    assert run(POLICY, s.args(CONFIG)).violations == [(MISSING, s.urn("organization"))]


def test_an_unattached_residency_scp_fails():
    s = organization_stack()
    s.remove("personal-data-regions-attachment")
    assert run(POLICY, s.args(CONFIG)).violations == [(MISSING, s.urn("organization"))]


def test_unknown_content_cannot_be_judged():
    s = organization_stack()
    s.props("personal-data-regions")["content"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_stacks_without_the_organization_are_not_applicable():
    assert run(POLICY, Stack().args(CONFIG)).not_applicable == "the stack does not manage the organization"
