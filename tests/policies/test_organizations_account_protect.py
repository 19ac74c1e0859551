import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.organizations_account_protect import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

ACCOUNT = "aws:organizations/account:Account"


def test_a_protected_account_that_is_never_closed_passes():
    assert run(POLICY, resource_args(ACCOUNT, {"closeOnDeletion": False}, protect=True)).violations == []


def test_an_unprotected_account_fails():
    assert run(POLICY, resource_args(ACCOUNT, {"closeOnDeletion": False})).messages == [
        "the account is not protected: `pulumi destroy` or a rename would remove it"
    ]


def test_close_on_deletion_fails():
    assert run(POLICY, resource_args(ACCOUNT, {"closeOnDeletion": True}, protect=True)).messages == [
        "closeOnDeletion is true: removing the resource would close the account"
    ]


def test_unknown_close_on_deletion_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(ACCOUNT, {"closeOnDeletion": UNKNOWN}, protect=True))


def test_other_types_are_not_applicable():
    assert run(
        POLICY, resource_args("aws:organizations/organizationalUnit:OrganizationalUnit", {})
    ).not_applicable == (f"applies to {ACCOUNT}")
