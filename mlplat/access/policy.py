"""Policy documents parsed into statements, each knowing where it came from (stack, resource, policy,
Sid and index), so that a decision can name the statements that decided it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .conditions import Condition, Operator
from .unknown import UNKNOWN_VALUE, contains_unknown


class PolicyError(ValueError):
    """A policy document AWS would refuse; the message names the policy and the field."""


@dataclass(frozen=True)
class Source:
    """Where a policy lives: its kind (identity, permissions-boundary, scp, bucket-policy, ...), the
    stack and URN of the resource that holds it, and a name a reader knows it by."""

    kind: str
    name: str
    stack: str | None = None
    urn: str | None = None

    def describe(self) -> str:
        where = f"{self.stack}: " if self.stack else ""
        return f"{where}{self.kind} {self.name}"


@dataclass(frozen=True)
class StatementRef:
    source: Source
    index: int
    sid: str | None

    def describe(self) -> str:
        label = f"Sid {self.sid}" if self.sid else f"statement {self.index}"
        return f"{self.source.describe()} ({label})"


Principals = Mapping[str, tuple[str, ...]]
"""`{"AWS": (...), "Service": (...)}`; the bare `"*"` is `{"*": ("*",)}`."""


@dataclass(frozen=True)
class Statement:
    ref: StatementRef
    effect: str
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principals: Principals | None
    not_principals: Principals | None
    conditions: tuple[Condition, ...]
    unknown: bool
    """Some element holds a value not known until deployment."""


@dataclass(frozen=True)
class PolicyDocument:
    source: Source
    statements: tuple[Statement, ...]
    unknown_reason: str | None = None
    """Set when the document as a whole is not known (an output not computed yet)."""


def _strings(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, str) for item in items):
        problems.append(f"{where}: {json.dumps(value)}: a string or a list of strings")
        return ()
    return tuple(items)


def _principals(value: Any, where: str, problems: list[str]) -> Principals:
    if value == "*":
        return {"*": ("*",)}
    if not isinstance(value, dict) or not value:
        problems.append(
            f'{where}: {json.dumps(value)}: "*" or a map of AWS, Service, Federated, CanonicalUser'
        )
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for kind, names in value.items():
        if kind not in ("AWS", "Service", "Federated", "CanonicalUser"):
            problems.append(f"{where}.{kind}: one of AWS, Service, Federated, CanonicalUser")
            continue
        out[kind] = _strings(names, f"{where}.{kind}", problems)
    return out


def _conditions(value: Any, where: str, problems: list[str]) -> tuple[Condition, ...]:
    if not isinstance(value, dict):
        problems.append(f"{where}: {json.dumps(value)}: a map of operator to a map of key to values")
        return ()
    out = []
    for name, block in value.items():
        operator = Operator.parse(name)
        if operator is None:
            problems.append(f"{where}.{name}: not an IAM condition operator")
            continue
        if not isinstance(block, dict):
            problems.append(f"{where}.{name}: {json.dumps(block)}: a map of condition key to values")
            continue
        for key, values in block.items():
            items = values if isinstance(values, list) else [values]
            if not all(isinstance(item, (str, bool, int, float)) for item in items):
                problems.append(f"{where}.{name}.{key}: {json.dumps(values)}: a value or a list of values")
                continue
            texts = tuple(
                ("true" if item else "false") if isinstance(item, bool) else str(item) for item in items
            )
            out.append(Condition(operator, key, texts))
    return tuple(out)


def _statement(raw: Any, source: Source, index: int, problems: list[str]) -> Statement | None:
    where = f"{source.describe()}: Statement[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: {json.dumps(raw)}: a statement is a JSON object")
        return None
    before = len(problems)
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        problems.append(f"{where}.Effect: {json.dumps(effect)}: Allow or Deny")
    for one, other in (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal")):
        if one in raw and other in raw:
            problems.append(f"{where}: both {one} and {other}; a statement has at most one of them")
    if "Action" not in raw and "NotAction" not in raw:
        problems.append(f"{where}: no Action or NotAction")

    def strings(key: str) -> tuple[str, ...] | None:
        return _strings(raw[key], f"{where}.{key}", problems) if key in raw else None

    def principals(key: str) -> Principals | None:
        return _principals(raw[key], f"{where}.{key}", problems) if key in raw else None

    statement = Statement(
        ref=StatementRef(source, index, raw.get("Sid") if isinstance(raw.get("Sid"), str) else None),
        effect=str(effect),
        actions=strings("Action"),
        not_actions=strings("NotAction"),
        resources=strings("Resource"),
        not_resources=strings("NotResource"),
        principals=principals("Principal"),
        not_principals=principals("NotPrincipal"),
        conditions=_conditions(raw["Condition"], f"{where}.Condition", problems)
        if "Condition" in raw
        else (),
        unknown=contains_unknown(raw),
    )
    return statement if len(problems) == before else None


def parse_policy(document: str | Mapping[str, Any] | None, source: Source) -> PolicyDocument:
    """A policy document (JSON text, as Pulumi holds it, or parsed) as statements. A document that is
    Pulumi's unknown marker is kept as unknown; anything AWS would refuse raises PolicyError, with one
    line per problem."""
    if document is None or document == UNKNOWN_VALUE:
        return PolicyDocument(
            source, (), f"the document of {source.describe()} is not known until deployment"
        )
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError as error:
            raise PolicyError(f"{source.describe()}: not JSON ({error})") from None
    if not isinstance(document, Mapping):
        raise PolicyError(f"{source.describe()}: {json.dumps(document)}: a policy is a JSON object")
    problems: list[str] = []
    raw_statements = document.get("Statement")
    if raw_statements is None:
        problems.append(f"{source.describe()}: no Statement")
        raw_statements = []
    items = raw_statements if isinstance(raw_statements, list) else [raw_statements]
    statements = [_statement(raw, source, index, problems) for index, raw in enumerate(items)]
    if problems:
        raise PolicyError("\n".join(problems))
    return PolicyDocument(source, tuple(statement for statement in statements if statement is not None))
