"""Condition operators, as the IAM User Guide defines them ("IAM JSON policy elements: Condition
operators" and "Multivalued context keys").

- Several operators in a block, and several keys under an operator: all must hold.
- Several values for one key: any may match; for a negated operator (`StringNotEquals`, ...) the
  request value must match none of them.
- A key the request does not carry: false, except for negated operators (true), `...IfExists` (true),
  `ForAllValues:` (true) and `Null`.
- `ForAnyValue:` / `ForAllValues:` compare each value of a multivalued key; without them a
  multivalued key matches when any of its values does (none, for a negated operator).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import eq, ge, gt, le, lt
from typing import Any

from .arns import arn_matches, glob_matches
from .context import Context
from .unknown import UNKNOWN_VALUE, Unknown

Tri = bool | None
Compare = Callable[[str, str], bool]


def _number(text: str) -> float:
    return float(text)


def _date(text: str) -> datetime:
    try:
        return datetime.fromtimestamp(float(text), tz=UTC)
    except ValueError:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _ordered(parse: Callable[[str], Any], test: Callable[[Any, Any], bool]) -> Compare:
    def compare(request: str, policy: str) -> bool:
        try:
            return test(parse(request), parse(policy))
        except (ValueError, TypeError):
            return False  # a value that is no number or date matches nothing

    return compare


def _ip(request: str, policy: str) -> bool:
    try:
        return ipaddress.ip_address(request) in ipaddress.ip_network(policy, strict=False)
    except ValueError:
        return False


def _binary(request: str, policy: str) -> bool:
    try:
        return base64.b64decode(request, validate=True) == base64.b64decode(policy, validate=True)
    except (binascii.Error, ValueError):
        return False


# operator -> (comparison of a request value with a policy value, negated, takes policy variables)
BASE_OPERATORS: dict[str, tuple[Compare, bool, bool]] = {
    "StringEquals": (lambda a, b: a == b, False, True),
    "StringNotEquals": (lambda a, b: a == b, True, True),
    "StringEqualsIgnoreCase": (lambda a, b: a.casefold() == b.casefold(), False, True),
    "StringNotEqualsIgnoreCase": (lambda a, b: a.casefold() == b.casefold(), True, True),
    "StringLike": (lambda a, b: glob_matches(b, a), False, True),
    "StringNotLike": (lambda a, b: glob_matches(b, a), True, True),
    "NumericEquals": (_ordered(_number, eq), False, False),
    "NumericNotEquals": (_ordered(_number, eq), True, False),
    "NumericLessThan": (_ordered(_number, lt), False, False),
    "NumericLessThanEquals": (_ordered(_number, le), False, False),
    "NumericGreaterThan": (_ordered(_number, gt), False, False),
    "NumericGreaterThanEquals": (_ordered(_number, ge), False, False),
    "DateEquals": (_ordered(_date, eq), False, False),
    "DateNotEquals": (_ordered(_date, eq), True, False),
    "DateLessThan": (_ordered(_date, lt), False, False),
    "DateLessThanEquals": (_ordered(_date, le), False, False),
    "DateGreaterThan": (_ordered(_date, gt), False, False),
    "DateGreaterThanEquals": (_ordered(_date, ge), False, False),
    "Bool": (lambda a, b: a.casefold() == b.casefold(), False, True),
    "BinaryEquals": (_binary, False, False),
    "IpAddress": (_ip, False, False),
    "NotIpAddress": (_ip, True, False),
    "ArnEquals": (lambda a, b: arn_matches(b, a), False, True),
    "ArnLike": (lambda a, b: arn_matches(b, a), False, True),
    "ArnNotEquals": (lambda a, b: arn_matches(b, a), True, True),
    "ArnNotLike": (lambda a, b: arn_matches(b, a), True, True),
}


@dataclass(frozen=True)
class Operator:
    name: str
    base: str
    set_operator: str | None  # "ForAnyValue" or "ForAllValues"
    if_exists: bool

    @classmethod
    def parse(cls, name: str) -> Operator | None:
        """The parts of `ForAnyValue:StringLikeIfExists` and the like; None for an operator IAM lacks."""
        qualifier, _, rest = name.rpartition(":")
        if qualifier not in ("", "ForAnyValue", "ForAllValues"):
            return None
        if_exists = rest.endswith("IfExists") and rest != "IfExists"
        base = rest[: -len("IfExists")] if if_exists else rest
        if base == "Null":
            return None if (qualifier or if_exists) else cls(name, base, None, False)
        if base not in BASE_OPERATORS:
            return None
        return cls(name, base, qualifier or None, if_exists)


@dataclass(frozen=True)
class Condition:
    operator: Operator
    key: str
    values: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.operator.name} {self.key} {list(self.values)}"


def _policy_values(condition: Condition, context: Context) -> list[str | Unknown]:
    takes_variables = BASE_OPERATORS[condition.operator.base][2]
    values: list[str | Unknown] = []
    for value in condition.values:
        if UNKNOWN_VALUE in value:
            values.append(Unknown(f"a value of condition {condition.key} is not known until deployment"))
            continue
        resolved = context.substitute(value) if takes_variables else value
        if resolved is not None:  # a variable without a value: that value matches nothing
            values.append(resolved)
    return values


def _matches_one(compare: Compare, request: str, policy_values: list[str | Unknown]) -> Tri:
    result: Tri = False
    for value in policy_values:
        if isinstance(value, Unknown):
            result = None
        elif compare(request, value):
            return True
    return result


def _not3(value: Tri) -> Tri:
    return None if value is None else not value


def evaluate_condition(condition: Condition, context: Context) -> tuple[Tri, str | None]:
    """Whether one condition holds for the request; with the reason when that is not known."""
    operator = condition.operator
    request = context.get(condition.key)
    if isinstance(request, Unknown):
        return None, request.reason
    present = request is not None and len(request) > 0
    if operator.base == "Null":
        wanted_absent = [value.lower() == "true" for value in condition.values]
        return any(flag != present for flag in wanted_absent), None
    compare, negated, _ = BASE_OPERATORS[operator.base]
    if not present:
        if operator.if_exists or operator.set_operator == "ForAllValues":
            return True, None
        if operator.set_operator == "ForAnyValue":
            return False, None
        return negated, None
    assert request is not None
    policy_values = _policy_values(condition, context)
    unknown = next((value.reason for value in policy_values if isinstance(value, Unknown)), None)
    per_value = [_matches_one(compare, item, policy_values) for item in request]
    if negated:
        per_value = [_not3(value) for value in per_value]
    if operator.set_operator == "ForAllValues" or (negated and operator.set_operator is None):
        result = _all(per_value)
    else:
        result = _any(per_value)
    return result, unknown if result is None else None


def _all(values: list[Tri]) -> Tri:
    if False in values:
        return False
    return None if None in values else True


def _any(values: list[Tri]) -> Tri:
    if True in values:
        return True
    return None if None in values else False
