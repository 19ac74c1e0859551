"""Condition operators as the IAM User Guide defines them, one case per rule."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from mlplat.access.conditions import Condition, Operator, evaluate_condition
from mlplat.access.context import Context
from mlplat.access.unknown import UNKNOWN_VALUE, Unknown


def parsed_operator(name: str) -> Operator:
    parsed = Operator.parse(name)
    assert parsed is not None, name
    return parsed


def holds(name: str, key: str, values: list[str], context: Mapping[str, object]) -> bool | None:
    result, _ = evaluate_condition(Condition(parsed_operator(name), key, tuple(values)), Context(context))
    return result


@pytest.mark.parametrize(
    ("operator", "values", "request_value", "expected"),
    [
        ("StringEquals", ["behavior"], "behavior", True),
        ("StringEquals", ["behavior"], "Behavior", False),  # values are case-sensitive
        ("StringEquals", ["mapping", "behavior"], "behavior", True),  # several values: any
        ("StringNotEquals", ["mapping", "behavior"], "behavior", False),  # negated: none may match
        ("StringNotEquals", ["mapping"], "behavior", True),
        ("StringEqualsIgnoreCase", ["BEHAVIOR"], "behavior", True),
        ("StringNotEqualsIgnoreCase", ["BEHAVIOR"], "behavior", False),
        ("StringLike", ["beh*"], "behavior", True),
        ("StringLike", ["beh?vior"], "behavior", True),
        ("StringLike", ["beh?"], "behavior", False),
        ("StringNotLike", ["map*"], "behavior", True),
        ("NumericLessThan", ["2.0"], "1", True),
        ("NumericLessThan", ["2.0"], "2", False),
        ("NumericLessThanEquals", ["2"], "2", True),
        ("NumericGreaterThan", ["2"], "3", True),
        ("NumericGreaterThanEquals", ["2"], "1", False),
        ("NumericEquals", ["10"], "10.0", True),
        ("NumericNotEquals", ["10"], "10", False),
        ("NumericEquals", ["10"], "ten", False),  # no number: no match
        ("DateLessThan", ["2026-01-01T00:00:00Z"], "2025-06-01T12:00:00Z", True),
        ("DateGreaterThan", ["2026-01-01T00:00:00Z"], "2025-06-01T12:00:00Z", False),
        ("DateEquals", ["2026-01-01T00:00:00Z"], "1767225600", True),  # epoch seconds
        ("DateNotEquals", ["2026-01-01T00:00:00Z"], "2026-01-01T00:00:00+00:00", False),
        ("Bool", ["true"], "true", True),
        ("Bool", ["false"], "TRUE", False),
        ("IpAddress", ["203.0.113.0/24"], "203.0.113.7", True),
        ("IpAddress", ["203.0.113.0/24"], "198.51.100.7", False),
        ("NotIpAddress", ["203.0.113.0/24"], "198.51.100.7", True),
        ("IpAddress", ["2001:db8::/32"], "2001:db8::1", True),
        (
            "ArnLike",
            ["arn:aws:iam::*:role/aws-service-role/*"],
            "arn:aws:iam::1:role/aws-service-role/x",
            True,
        ),
        ("ArnEquals", ["arn:aws:iam::1:role/a*"], "arn:aws:iam::1:role/abc", True),  # same as ArnLike
        ("ArnLike", ["arn:aws:iam::1:role/x"], "arn:aws:iam::2:role/x", False),
        ("ArnNotEquals", ["arn:aws:iam::1:role/x"], "arn:aws:iam::1:role/y", True),
        ("ArnNotLike", ["arn:aws:iam::1:role/*"], "arn:aws:iam::1:role/y", False),
        ("BinaryEquals", ["QmluYXJ5VmFsdWU="], "QmluYXJ5VmFsdWU=", True),
    ],
)
def test_single_valued_operators(
    operator: str, values: list[str], request_value: str, expected: bool
) -> None:
    assert holds(operator, "k:Key", values, {"k:Key": request_value}) is expected


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),  # a key the request lacks: false...
        ("ArnLike", False),
        ("NumericLessThan", False),
        ("StringNotEquals", True),  # ...but true for a negated operator
        ("ArnNotEquals", True),
        ("NotIpAddress", True),
        ("StringEqualsIfExists", True),  # IfExists: true when absent
        ("ArnNotLikeIfExists", True),
        ("ForAnyValue:StringEquals", False),
        ("ForAllValues:StringEquals", True),
    ],
)
def test_absent_keys(operator: str, expected: bool) -> None:
    assert holds(operator, "aws:RequestedRegion", ["eu-central-1"], {}) is expected


def test_if_exists_applies_the_operator_when_the_key_is_present() -> None:
    assert holds("StringEqualsIfExists", "k:Key", ["a"], {"k:Key": "b"}) is False
    assert holds("StringEqualsIfExists", "k:Key", ["a"], {"k:Key": "a"}) is True


@pytest.mark.parametrize(
    ("values", "present", "expected"),
    [(["true"], False, True), (["true"], True, False), (["false"], True, True), (["false"], False, False)],
)
def test_null(values: list[str], present: bool, expected: bool) -> None:
    context = {"s3:x-amz-server-side-encryption": "aws:kms"} if present else {}
    assert holds("Null", "s3:x-amz-server-side-encryption", values, context) is expected


@pytest.mark.parametrize(
    ("operator", "request_values", "expected"),
    [
        ("ForAllValues:StringEquals", ["Decrypt"], True),
        ("ForAllValues:StringEquals", ["Decrypt", "Encrypt"], False),  # every request value must be allowed
        ("ForAllValues:StringEquals", [], True),  # an empty set: true
        ("ForAnyValue:StringEquals", ["Encrypt", "Decrypt"], True),
        ("ForAnyValue:StringEquals", ["Encrypt"], False),
        ("ForAnyValue:StringEquals", [], False),
        ("ForAllValues:StringNotEquals", ["Encrypt", "Sign"], True),  # each matches none
        ("ForAllValues:StringNotEquals", ["Encrypt", "Decrypt"], False),
        ("ForAnyValue:StringNotEquals", ["Decrypt", "Encrypt"], True),  # one matches none
        ("ForAnyValue:StringNotEquals", ["Decrypt"], False),
        ("StringEquals", ["Encrypt", "Decrypt"], True),  # no qualifier: any value may match
        ("StringNotEquals", ["Encrypt", "Decrypt"], False),  # negated: no value may match
    ],
)
def test_multivalued_keys(operator: str, request_values: list[str], expected: bool) -> None:
    assert (
        holds(operator, "kms:GrantOperations", ["Decrypt"], {"kms:GrantOperations": request_values})
        is expected
    )


def test_keys_are_case_insensitive_and_absences_are_recorded() -> None:
    context = Context({"AWS:PrincipalTag/Team": "behavior"})
    result, _ = evaluate_condition(
        Condition(parsed_operator("StringEquals"), "aws:principaltag/team", ("behavior",)), context
    )
    assert result is True
    evaluate_condition(Condition(parsed_operator("StringEquals"), "kms:ViaService", ("s3",)), context)
    assert context.absent == {"kms:ViaService"}


def test_policy_variables_in_condition_values() -> None:
    context = {"aws:PrincipalTag/team": "behavior", "s3:prefix": "behavior/run-1"}
    assert holds("StringLike", "s3:prefix", ["${aws:PrincipalTag/team}/*"], context) is True
    assert holds("StringLike", "s3:prefix", ["${aws:PrincipalTag/missing}/*"], context) is False
    assert holds("StringLike", "s3:prefix", ["${aws:PrincipalTag/missing, 'behavior'}/*"], context) is True
    assert holds("StringEquals", "s3:prefix", ["${*}"], {"s3:prefix": "*"}) is True  # ${*} is a literal *


def test_unknown_values_make_a_condition_unknown_unless_it_is_already_decided() -> None:
    assert (
        holds("StringEquals", "aws:PrincipalOrgID", ["o-1"], {"aws:PrincipalOrgID": Unknown("org id")})
        is None
    )
    assert holds("StringEquals", "k:Key", [UNKNOWN_VALUE], {"k:Key": "a"}) is None
    assert holds("StringEquals", "k:Key", [UNKNOWN_VALUE, "a"], {"k:Key": "a"}) is True
    assert holds("StringEquals", "k:Key", [f"arn:{UNKNOWN_VALUE}"], {}) is False  # absent: false either way


@pytest.mark.parametrize(
    "name", ["StringEqualz", "ForSomeValues:StringEquals", "NullIfExists", "ForAnyValue:Null"]
)
def test_operators_iam_lacks(name: str) -> None:
    assert Operator.parse(name) is None
