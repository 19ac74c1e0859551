"""Three-valued logic: True, False, or None when the inventory does not hold the value a decision needs.

A `Term` carries its value with the evidence for it: the statements that made it true, and the reasons
it is false or unknown, so that a decision can say which statements decided it and what is missing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .policy import StatementRef

Tri = bool | None


@dataclass(frozen=True)
class Term:
    value: Tri
    refs: tuple[StatementRef, ...] = ()
    why: tuple[str, ...] = field(default=())
    """Why the term is false, or what made it unknown."""


TRUE = Term(True)


def all_of(*terms: Term) -> Term:
    """True with every term's statements; else the reasons of the false (or unknown) terms."""
    false = [term for term in terms if term.value is False]
    if false:
        return Term(False, (), tuple(reason for term in false for reason in term.why))
    unknown = [term for term in terms if term.value is None]
    if unknown:
        return Term(None, (), tuple(reason for term in unknown for reason in term.why))
    return Term(True, _unique(ref for term in terms for ref in term.refs))


def any_of(*terms: Term) -> Term:
    """True with the statements of every true term; unknown if none is true and one is unknown."""
    true = [term for term in terms if term.value is True]
    if true:
        return Term(True, _unique(ref for term in true for ref in term.refs))
    unknown = [term for term in terms if term.value is None]
    if unknown:
        return Term(None, (), tuple(reason for term in unknown for reason in term.why))
    return Term(False, (), tuple(reason for term in terms for reason in term.why))


def _unique(refs: Iterable[StatementRef]) -> tuple[StatementRef, ...]:
    return tuple(dict.fromkeys(refs))
