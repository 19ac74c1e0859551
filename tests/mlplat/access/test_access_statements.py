"""Policy documents and statement matching: Action/NotAction, Resource/NotResource, Principal/
NotPrincipal, wildcards, policy variables, unknown values and the documents AWS would refuse."""

from __future__ import annotations

from typing import Any

import pytest

from mlplat.access.arns import arn_matches
from mlplat.access.context import Context
from mlplat.access.matching import ACCOUNT, ANYONE, ROLE, SERVICE, SESSION, Caller, statement_applies
from mlplat.access.policy import PolicyError, Source, parse_policy
from mlplat.access.unknown import UNKNOWN_VALUE

SOURCE = Source(
    "identity", "test-policy", "stack", "urn:pulumi:stack::p::aws:iam/rolePolicy:RolePolicy::test-policy"
)
ROLE_ARN = "arn:aws:iam::123456789012:role/reader"
CALLER = Caller(account="123456789012", role_arn=ROLE_ARN)


def applies(
    statement: dict[str, Any],
    action: str = "s3:GetObject",
    resource: str = "arn:aws:s3:::b/k",
    context: dict[str, object] | None = None,
    caller: Caller | None = None,
) -> tuple[bool | None, str | None]:
    document = parse_policy({"Version": "2012-10-17", "Statement": [statement]}, SOURCE)
    result = statement_applies(
        document.statements[0], action=action, resource=resource, context=Context(context), caller=caller
    )
    return result.value, result.principal


@pytest.mark.parametrize(
    ("action_element", "action", "expected"),
    [
        ({"Action": "s3:GetObject"}, "s3:GetObject", True),
        ({"Action": "S3:getobject"}, "s3:GetObject", True),  # action names are case-insensitive
        ({"Action": "s3:Get*"}, "s3:GetObjectVersion", True),
        ({"Action": "s3:Get*"}, "s3:PutObject", False),
        ({"Action": "s3:?etObject"}, "s3:GetObject", True),
        ({"Action": "*"}, "kms:Decrypt", True),
        ({"Action": ["kms:Decrypt", "s3:*"]}, "s3:PutObject", True),
        ({"NotAction": "iam:*"}, "s3:PutObject", True),  # NotAction: every action but these
        ({"NotAction": ["iam:*", "s3:*"]}, "s3:PutObject", False),
    ],
)
def test_actions(action_element: dict[str, Any], action: str, expected: bool) -> None:
    value, _ = applies({"Effect": "Allow", "Resource": "*", **action_element}, action=action)
    assert value is expected


@pytest.mark.parametrize(
    ("pattern", "arn", "expected"),
    [
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b.mcap", True),
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket-2/a", False),
        ("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a", False),  # resources are case-sensitive
        ("arn:aws:kms:*:123456789012:key/*", "arn:aws:kms:eu-central-1:123456789012:key/k", True),
        ("arn:aws:kms:eu-*-1:*:key/*", "arn:aws:kms:eu-central-1:123456789012:key/k", True),
        ("arn:aws:ec2:eu-central-1::image/*", "arn:aws:ec2:eu-central-1::image/ami-1", True),
        ("arn:aws:ec2:eu-?entral-1:*:instance/*", "arn:aws:ec2:eu-central-1:1:instance/i-1", True),
        ("arn:aws:s3:*", "arn:aws:s3:eu-central-1:1:accesspoint/a", True),  # a trailing * runs past colons
        ("arn:aws:iam::*:role/x", "arn:aws:iam::1:role/x", True),
        ("*", "anything", True),
    ],
)
def test_arn_patterns(pattern: str, arn: str, expected: bool) -> None:
    assert arn_matches(pattern, arn) is expected


def test_resource_and_not_resource() -> None:
    statement = {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"}
    assert applies(statement, resource="arn:aws:s3:::open/k")[0] is True
    assert applies(statement, resource="arn:aws:s3:::secret/k")[0] is False


def test_policy_variables_in_resources() -> None:
    statement = {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::scratch/${aws:PrincipalTag/team}/*",
    }
    assert applies(
        statement, resource="arn:aws:s3:::scratch/behavior/x", context={"aws:PrincipalTag/team": "behavior"}
    )[0]
    assert (
        applies(
            statement,
            resource="arn:aws:s3:::scratch/mapping/x",
            context={"aws:PrincipalTag/team": "behavior"},
        )[0]
        is False
    )
    assert applies(statement, resource="arn:aws:s3:::scratch/behavior/x")[0] is False  # no tag: no match


@pytest.mark.parametrize(
    ("principal", "caller", "expected"),
    [
        ("*", CALLER, ANYONE),
        ({"AWS": "*"}, CALLER, ANYONE),
        ({"AWS": ROLE_ARN}, CALLER, ROLE),
        ({"AWS": "arn:aws:iam::123456789012:root"}, CALLER, ACCOUNT),
        ({"AWS": "123456789012"}, CALLER, ACCOUNT),
        ({"AWS": "arn:aws:iam::444455556666:root"}, CALLER, None),
        (
            {"AWS": "arn:aws:sts::123456789012:assumed-role/reader/job-1"},
            Caller("123456789012", ROLE_ARN, "arn:aws:sts::123456789012:assumed-role/reader/job-1"),
            SESSION,
        ),
        ({"Service": "cloudtrail.amazonaws.com"}, Caller(None, service="cloudtrail.amazonaws.com"), SERVICE),
        ({"Service": "cloudtrail.amazonaws.com"}, CALLER, None),
    ],
)
def test_principals(principal: Any, caller: Caller, expected: str | None) -> None:
    value, named = applies(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Principal": principal}, caller=caller
    )
    assert (value, named) == ((True, expected) if expected else (False, None))


def test_not_principal_excludes_a_session_only_with_its_account() -> None:
    session = "arn:aws:sts::123456789012:assumed-role/reader/job-1"
    caller = Caller("123456789012", ROLE_ARN, session)
    listed = {"AWS": [session, "arn:aws:iam::123456789012:root"]}
    statement = {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "NotPrincipal": listed}
    assert applies(statement, caller=caller)[0] is False  # the listed session is left out
    assert (
        applies(statement, caller=Caller("123456789012", ROLE_ARN, session.replace("job-1", "job-2")))[0]
        is True
    )
    without_account = {**statement, "NotPrincipal": {"AWS": [session]}}
    assert applies(without_account, caller=caller)[0] is True  # IAM: the account must be listed as well
    unnamed_session = Caller("123456789012", ROLE_ARN)
    assert applies(statement, caller=unnamed_session)[0] is None  # which session is calling is not known
    with_boundary = Caller("123456789012", ROLE_ARN, session, has_boundary=True)
    assert applies(statement, caller=with_boundary)[0] is True  # a boundary: such a Deny always applies


def test_a_resource_policy_statement_without_resource_covers_its_resource() -> None:
    statement = {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Principal": {"AWS": ROLE_ARN}}
    value, _ = applies(
        statement,
        action="ecr:BatchGetImage",
        resource="arn:aws:ecr:eu-central-1:1:repository/r",
        caller=CALLER,
    )
    assert value is True


def test_unknown_values() -> None:
    unknown_resource = {"Effect": "Allow", "Action": "s3:*", "Resource": f"arn:aws:s3:::{UNKNOWN_VALUE}/*"}
    assert applies(unknown_resource)[0] is None
    unknown_principal = {
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": "*",
        "Principal": {"AWS": f"arn:aws:iam::123456789012:role/{UNKNOWN_VALUE}"},
    }
    assert applies(unknown_principal, caller=CALLER)[0] is None
    other_action = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": f"arn:aws:s3:::{UNKNOWN_VALUE}"}
    assert applies(other_action)[0] is False  # an element already decides: the unknown one is not read
    document = parse_policy(UNKNOWN_VALUE, SOURCE)
    assert document.statements == () and "not known until deployment" in (document.unknown_reason or "")


def test_documents_aws_would_refuse_give_one_line_per_problem() -> None:
    document = {
        "Statement": [
            {"Effect": "Alow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Resource": "*", "Condition": {"StringEqualz": {"k": "v"}}},
        ]
    }
    with pytest.raises(PolicyError) as raised:
        parse_policy(document, SOURCE)
    assert str(raised.value).splitlines() == [
        'stack: identity test-policy: Statement[0].Effect: "Alow": Allow or Deny',
        "stack: identity test-policy: Statement[1]: both Action and NotAction; a statement has at most one of them",
        "stack: identity test-policy: Statement[2]: no Action or NotAction",
        "stack: identity test-policy: Statement[2].Condition.StringEqualz: not an IAM condition operator",
    ]
    with pytest.raises(PolicyError, match="not JSON"):
        parse_policy("{not json", SOURCE)


def test_statements_keep_where_they_came_from() -> None:
    document = parse_policy(
        {"Statement": {"Sid": "Read", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}, SOURCE
    )
    (statement,) = document.statements
    assert (statement.ref.sid, statement.ref.index, statement.ref.source.urn) == ("Read", 0, SOURCE.urn)
    assert statement.ref.describe() == "stack: identity test-policy (Sid Read)"
