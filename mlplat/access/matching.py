"""Whether a statement applies to a request: Action/NotAction, Resource/NotResource, Principal/
NotPrincipal and Condition, each true, false or unknown."""

from __future__ import annotations

from dataclasses import dataclass

from .arns import action_matches, arn_matches, root_arn
from .conditions import evaluate_condition
from .context import Context
from .policy import Principals, Statement
from .unknown import UNKNOWN_VALUE, Unknown

Tri = bool | None


@dataclass(frozen=True)
class Caller:
    """Who sends the request: a role (and its session), or an AWS service principal."""

    account: str | None
    role_arn: str | None = None
    session_arn: str | None = None
    service: str | None = None
    has_boundary: bool = False
    partition: str = "aws"

    def assumed_role_prefix(self) -> str | None:
        if not self.role_arn or not self.account:
            return None
        name = self.role_arn.rsplit("/", 1)[-1]
        return f"arn:{self.partition}:sts::{self.account}:assumed-role/{name}/"


# How a resource policy's Principal names the caller. The kind decides what the statement can grant:
# naming the account only delegates to the account's IAM policies; naming the session is not limited
# by a permissions boundary (IAM User Guide, "Policy evaluation logic").
SESSION, ROLE, ANYONE, SERVICE, ACCOUNT = "session", "role", "anyone", "service", "account"


@dataclass(frozen=True)
class Applies:
    value: Tri
    principal: str | None = None
    reason: str | None = None


def _names_caller(principals: Principals, caller: Caller) -> tuple[str | None, bool]:
    """The strongest way the Principal element names the caller, and whether an unknown value might."""
    if "*" in principals:
        return ANYONE, False
    found: list[str] = []
    unknown = False
    for value in principals.get("AWS", ()):
        if UNKNOWN_VALUE in value:
            unknown = True
        elif value == "*":
            found.append(ANYONE)
        elif caller.session_arn and value == caller.session_arn:
            found.append(SESSION)
        elif caller.role_arn and value == caller.role_arn:
            found.append(ROLE)
        elif caller.account and value in (caller.account, root_arn(caller.account, caller.partition)):
            found.append(ACCOUNT)
    if caller.service and caller.service in principals.get("Service", ()):
        found.append(SERVICE)
    for kind in (SESSION, ROLE, ANYONE, SERVICE, ACCOUNT):
        if kind in found:
            return kind, False
    return None, unknown


def _excluded_by_not_principal(principals: Principals, caller: Caller) -> Tri:
    """NotPrincipal leaves out a role session only when it lists the session and its account (IAM
    User Guide, NotPrincipal element); a caller whose session name is not given may or may not be
    the listed session."""
    listed = set(principals.get("AWS", ()))
    if caller.service:
        return caller.service in principals.get("Service", ())
    if not caller.account or not ({caller.account, root_arn(caller.account, caller.partition)} & listed):
        return False
    if caller.session_arn:
        return caller.session_arn in listed
    prefix = caller.assumed_role_prefix()
    return None if prefix and any(value.startswith(prefix) for value in listed) else False


def _any_pattern(patterns: tuple[str, ...], target: str, context: Context, *, action: bool) -> Tri:
    result: Tri = False
    for pattern in patterns:
        if UNKNOWN_VALUE in pattern:
            result = None
            continue
        resolved = pattern if action else context.substitute(pattern)
        if isinstance(resolved, Unknown):
            result = None
        elif resolved is not None and (
            action_matches(resolved, target) if action else arn_matches(resolved, target)
        ):
            return True
    return result


def _element(
    present: tuple[str, ...] | None,
    absent: tuple[str, ...] | None,
    target: str,
    context: Context,
    *,
    action: bool,
) -> Tri:
    if present is not None:
        return _any_pattern(present, target, context, action=action)
    if absent is not None:
        matched = _any_pattern(absent, target, context, action=action)
        return None if matched is None else not matched
    return True  # a resource policy without Resource: the resource it is attached to


def statement_applies(
    statement: Statement, *, action: str, resource: str, context: Context, caller: Caller | None = None
) -> Applies:
    """Whether the statement applies. `caller` is given for resource policies, whose statements name
    principals; identity policies, boundaries and SCPs have none."""
    if statement.actions is not None or statement.not_actions is not None:
        action_applies = _element(statement.actions, statement.not_actions, action, context, action=True)
    else:
        action_applies = False
    if action_applies is False:
        return Applies(False)
    resource_applies = _element(statement.resources, statement.not_resources, resource, context, action=False)
    if resource_applies is False:
        return Applies(False)
    named: str | None = None
    principal_applies: Tri = True
    if caller is not None and statement.principals is not None:
        named, unknown = _names_caller(statement.principals, caller)
        principal_applies = True if named else (None if unknown else False)
    elif caller is not None and statement.not_principals is not None:
        if statement.effect == "Deny" and caller.has_boundary:
            principal_applies = True  # IAM: such a Deny always applies to a principal with a boundary
        else:
            excluded = _excluded_by_not_principal(statement.not_principals, caller)
            principal_applies = None if excluded is None else not excluded
        named = ANYONE
    elif caller is not None:
        principal_applies = False  # a resource policy statement without a principal grants nobody
    if principal_applies is False:
        return Applies(False)
    results: list[tuple[Tri, str | None]] = [evaluate_condition(c, context) for c in statement.conditions]
    if any(value is False for value, _ in results):
        return Applies(False)
    reasons = [reason for value, reason in results if value is None and reason]
    unknown_parts = [action_applies, resource_applies, principal_applies] + [value for value, _ in results]
    if None in unknown_parts:
        reason = (
            reasons[0] if reasons else f"{statement.ref.describe()} holds a value not known until deployment"
        )
        return Applies(None, named, reason)
    return Applies(True, named)
