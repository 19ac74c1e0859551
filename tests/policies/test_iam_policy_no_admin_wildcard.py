import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.iam_policy_no_admin_wildcard import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

ADMIN = {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"}
READ = {"Sid": "Read", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"]}


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_scoped_policies_pass():
    assert run(POLICY, resource_args("aws:iam/rolePolicy:RolePolicy", {"policy": doc(READ)})).violations == []


@pytest.mark.parametrize("action", ["*", ["*"], "*:*"])
def test_an_admin_role_policy_fails(action):
    args = resource_args("aws:iam/rolePolicy:RolePolicy", {"policy": doc(READ, {**ADMIN, "Action": action})})
    assert run(POLICY, args).messages == ["policy: statement 'Admin' allows '*' on '*'"]


def test_an_admin_inline_policy_of_a_role_fails():
    props = {
        "assumeRolePolicy": doc(),
        "inlinePolicies": [{"name": "ok", "policy": doc(READ)}, {"name": "x", "policy": doc(ADMIN)}],
    }
    assert run(POLICY, resource_args("aws:iam/role:Role", props)).messages == [
        "inlinePolicies[1]: statement 'Admin' allows '*' on '*'"
    ]


def test_an_allow_all_scp_fails_and_deny_all_passes():
    scp = "aws:organizations/policy:Policy"
    assert run(
        POLICY, resource_args(scp, {"type": "SERVICE_CONTROL_POLICY", "content": doc(ADMIN)})
    ).messages == ["content: statement 'Admin' allows '*' on '*'"]
    deny = {**ADMIN, "Effect": "Deny"}
    assert (
        run(POLICY, resource_args(scp, {"type": "SERVICE_CONTROL_POLICY", "content": doc(deny)})).violations
        == []
    )


def test_unknown_policy_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args("aws:iam/policy:Policy", {"policy": UNKNOWN}))


def test_tag_policies_and_other_types_are_not_applicable():
    tag_policy = resource_args("aws:organizations/policy:Policy", {"type": "TAG_POLICY", "content": "{}"})
    assert run(POLICY, tag_policy).not_applicable == "not an IAM-language organization policy"
    assert run(POLICY, resource_args("aws:s3/bucketPolicy:BucketPolicy", {})).not_applicable.startswith(
        "applies to aws:iam/role:Role, "
    )
