import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.organizations_scp_cloudtrail_protected import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.orgs import organization_stack, set_statement

MISSING = (
    "no service control policy attached to the root denies "
    "cloudtrail:DeleteTrail, cloudtrail:StopLogging, cloudtrail:UpdateTrail"
)


def test_the_attached_scp_passes():
    assert run(POLICY, organization_stack().args()).violations == []


def test_denying_all_of_cloudtrail_passes():
    s = organization_stack()
    set_statement(s, "protect-cloudtrail", Action="cloudtrail:*")
    assert run(POLICY, s.args()).violations == []


def test_a_statement_that_lets_logging_stop_fails():
    s = organization_stack()
    set_statement(s, "protect-cloudtrail", Action=["cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail"])
    assert run(POLICY, s.args()).violations == [(MISSING, s.urn("organization"))]


def test_an_allow_statement_does_not_count():
    s = organization_stack()
    set_statement(s, "protect-cloudtrail", Effect="Allow")
    assert run(POLICY, s.args()).violations == [(MISSING, s.urn("organization"))]


def test_unknown_content_cannot_be_judged():
    s = organization_stack()
    s.props("protect-cloudtrail")["content"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_stacks_without_the_organization_are_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack does not manage the organization"
