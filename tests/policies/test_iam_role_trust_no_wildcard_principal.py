import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.iam_role_trust_no_wildcard_principal import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

ROLE = "aws:iam/role:Role"
CI = {
    "Sid": "TrustCi",
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::1:role/ci"]},
    "Action": "sts:AssumeRole",
}


def args(*statements):
    return resource_args(
        ROLE, {"assumeRolePolicy": json.dumps({"Version": "2012-10-17", "Statement": list(statements)})}
    )


def test_named_principals_pass():
    service = {**CI, "Sid": "S3", "Principal": {"Service": "s3.amazonaws.com"}}
    assert run(POLICY, args(CI, service)).violations == []


def test_a_conditioned_wildcard_passes():
    assert (
        run(
            POLICY,
            args({**CI, "Principal": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}),
        ).violations
        == []
    )


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}])
def test_anyone_may_assume_fails(principal):
    assert run(POLICY, args(CI, {**CI, "Sid": "Anyone", "Principal": principal})).messages == [
        "statement 'Anyone' lets principal '*' assume the role"
    ]


def test_unknown_trust_policy_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(ROLE, {"assumeRolePolicy": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:iam/policy:Policy", {})).not_applicable == f"applies to {ROLE}"
