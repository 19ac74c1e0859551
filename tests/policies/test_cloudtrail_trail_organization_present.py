import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.cloudtrail_trail_organization_present import POLICY
from tests.policies.harness import UNKNOWN, Stack, run

ORGANIZATION = "aws:organizations/organization:Organization"
TRAIL = "aws:cloudtrail/trail:Trail"


def stack(**trail):
    s = Stack()
    s.add(ORGANIZATION, "organization", {"featureSet": "ALL"})
    s.add(TRAIL, "organization-trail", {"isOrganizationTrail": True, **trail})
    return s


def test_an_organization_trail_passes():
    assert run(POLICY, stack().args()).violations == []


def test_an_account_trail_only_fails():
    s = stack(isOrganizationTrail=False)
    assert run(POLICY, s.args()).violations == [
        ("the stack manages the organization but has no organization trail", s.urn("organization"))
    ]


def test_no_trail_fails():
    s = stack()
    s.remove("organization-trail")
    assert run(POLICY, s.args()).violations == [
        ("the stack manages the organization but has no organization trail", s.urn("organization"))
    ]


def test_unknown_trail_kind_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, stack(isOrganizationTrail=UNKNOWN).args())


def test_stacks_without_the_organization_are_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack does not manage the organization"
