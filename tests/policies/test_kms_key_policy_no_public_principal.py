import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.kms_key_policy_no_public_principal import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

KEY = "aws:kms/key:Key"
ADMIN = {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": ["kms:*"], "Resource": "*"}  # fmt: skip


def args(*statements):
    return resource_args(
        KEY, {"policy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}
    )


def test_an_account_scoped_policy_passes():
    assert run(POLICY, args(ADMIN)).violations == []


def test_a_conditioned_wildcard_passes():
    conditioned = {
        **ADMIN,
        "Sid": "Org",
        "Principal": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
    }
    assert run(POLICY, args(ADMIN, conditioned)).violations == []


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}, {"AWS": ["arn:aws:iam::1:root", "*"]}])
def test_an_unconditioned_wildcard_fails(principal):
    assert run(POLICY, args(ADMIN, {**ADMIN, "Sid": "Open", "Principal": principal})).messages == [
        "statement 'Open' allows principal '*' without a condition"
    ]


def test_unknown_policy_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(KEY, {"policy": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:iam/role:Role", {})).not_applicable == f"applies to {KEY}"
