"""Values the inventory does not know: Pulumi's marker for an output not computed at preview."""

from __future__ import annotations

from typing import Any

UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""What the Pulumi engine writes for a value that is unknown until the resource exists."""


class Unknown:
    """A request-context value that is not known (an organization id not yet computed, say)."""

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


def contains_unknown(value: Any) -> bool:
    """Whether the marker is anywhere in a value: a whole string, part of one (an ARN built from an
    unknown id), or inside a list or mapping."""
    if isinstance(value, str):
        return UNKNOWN_VALUE in value
    if isinstance(value, dict):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(item) for item in value)
    return False
