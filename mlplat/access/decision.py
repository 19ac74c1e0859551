"""The answer: the decision AWS would take, and the statements and facts behind it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .policy import StatementRef


class Outcome(StrEnum):
    ALLOW = "Allow"
    IMPLICIT_DENY = "ImplicitDeny"
    EXPLICIT_DENY = "ExplicitDeny"
    UNKNOWN = "Unknown"
    """Not evaluable: whether AWS allows the request depends on a value the inventory does not hold."""


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: str
    statements: tuple[StatementRef, ...]
    """Allow: the statements that grant each layer. ExplicitDeny: the denying statements."""
    unknowns: tuple[str, ...] = ()
    """What could not be evaluated. On an ImplicitDeny: an explicit deny that may also apply."""
    assumptions: tuple[str, ...] = ()
    absent_keys: tuple[str, ...] = ()
    """Condition keys that policies read and the request does not carry (evaluated as absent)."""

    @property
    def allowed(self) -> bool | None:
        return None if self.outcome is Outcome.UNKNOWN else self.outcome is Outcome.ALLOW

    def to_json(self) -> dict[str, Any]:
        return {
            "decision": str(self.outcome),
            "reason": self.reason,
            "statements": [
                {
                    "kind": ref.source.kind,
                    "stack": ref.source.stack,
                    "urn": ref.source.urn,
                    "policy": ref.source.name,
                    "sid": ref.sid,
                    "index": ref.index,
                }
                for ref in self.statements
            ],
            "unknowns": list(self.unknowns),
            "assumptions": list(self.assumptions),
            "absent_keys": list(self.absent_keys),
        }
