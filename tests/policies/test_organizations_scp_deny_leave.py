import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.organizations_scp_deny_leave import POLICY
from tests.policies.harness import UNKNOWN, Stack, run
from tests.policies.orgs import organization_stack

MISSING = "no service control policy attached to the root denies organizations:LeaveOrganization"


def test_the_attached_scp_passes():
    assert run(POLICY, organization_stack().args()).violations == []


def test_a_removed_scp_fails():
    s = organization_stack()
    s.remove("deny-leave-attachment")
    s.remove("deny-leave")
    assert run(POLICY, s.args()).violations == [(MISSING, s.urn("organization"))]


def test_a_non_scp_policy_does_not_count():
    s = organization_stack()
    s.props("deny-leave")["type"] = "TAG_POLICY"
    assert run(POLICY, s.args()).violations == [(MISSING, s.urn("organization"))]


def test_unknown_type_cannot_be_judged():
    s = organization_stack()
    s.props("deny-leave")["type"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_stacks_without_the_organization_are_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack does not manage the organization"
