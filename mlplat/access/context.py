"""The request context: condition keys and their values, looked up case-insensitively as IAM does."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from .unknown import UNKNOWN_VALUE, Unknown

ContextValue = tuple[str, ...] | Unknown

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class Context:
    """Condition keys of one request. Keys are case-insensitive; values are kept as given (text), one
    or many. Every key a policy reads and the request lacks is remembered, so a decision can say which
    keys it took as absent."""

    def __init__(self, values: Mapping[str, object] | None = None):
        self._values: dict[str, ContextValue] = {}
        self._names: dict[str, str] = {}
        self.absent: set[str] = set()
        for key, value in (values or {}).items():
            self.set(key, value)

    def set(self, key: str, value: object) -> None:
        lowered = key.lower()
        self._names[lowered] = key
        if isinstance(value, Unknown):
            self._values[lowered] = value
        elif isinstance(value, (list, tuple, set, frozenset)):
            items = tuple(_text(item) for item in value)
            self._values[lowered] = self._checked(key, items)
        else:
            self._values[lowered] = self._checked(key, (_text(value),))

    @staticmethod
    def _checked(key: str, items: tuple[str, ...]) -> ContextValue:
        if any(UNKNOWN_VALUE in item for item in items):
            return Unknown(f"the value of {key} is not known until deployment")
        return items

    def setdefault(self, key: str, value: object) -> None:
        if key.lower() not in self._values:
            self.set(key, value)

    def has(self, key: str) -> bool:
        return key.lower() in self._values

    def get(self, key: str) -> ContextValue | None:
        """The value, or None (remembered as absent) when the request does not carry the key."""
        value = self._values.get(key.lower())
        if value is None:
            self.absent.add(key)
        return value

    def items(self) -> Iterable[tuple[str, ContextValue]]:
        return ((self._names[key], value) for key, value in self._values.items())

    def copy(self) -> Context:
        clone = Context()
        clone._values = dict(self._values)
        clone._names = dict(self._names)
        clone.absent = self.absent  # shared: a key read through a copy was read by the request
        return clone

    def substitute(self, text: str) -> str | Unknown | None:
        """`${aws:PrincipalTag/team}` and the other policy variables of a Resource or condition value
        replaced by the request's values. None when a variable has no value and no default: IAM then
        treats the element as not matching. A multi-valued key cannot stand in a variable (None)."""
        if "${" not in text:
            return text
        unknown: Unknown | None = None

        def replace(match: re.Match[str]) -> str:
            nonlocal unknown
            body = match.group(1)
            if body in _SPECIAL:
                return _SPECIAL[body]
            name, _, default = body.partition(",")
            value = self.get(name.strip())
            if isinstance(value, Unknown):
                unknown = value
                return ""
            if value is not None and len(value) == 1:
                return value[0]
            fallback = default.strip()
            if fallback[:1] == fallback[-1:] == "'" and len(fallback) >= 2:
                return fallback[1:-1]
            raise LookupError(name)

        try:
            result = _VARIABLE.sub(replace, text)
        except LookupError:
            return None
        return unknown if unknown is not None else result
