"""Small value helpers every part of the review tool shares: money as text, and JSON held as text."""

from __future__ import annotations

import json
from typing import Any


def money(value: float | None, *, cents: bool = False, signed: bool = False, currency: str = "USD") -> str:
    """`$1,204` (whole dollars) or `$1,204.50` (`cents`); `-$3` below zero; `signed`: `+$3`, `-$3` and
    `±$0`; None (a figure the price table does not have): `unpriced`. The amount is rounded before its
    sign is chosen, so nothing prints as `-$0`."""
    if value is None:
        return "unpriced"
    amount = round(value, 2 if cents else 0)
    negative, zero = amount < 0, amount == 0
    sign = ("±" if zero else "-" if negative else "+") if signed else ("-" if negative else "")
    symbol = "$" if currency == "USD" else f"{currency} "
    return f"{sign}{symbol}{abs(amount):,.{2 if cents else 0}f}"


def decoded(value: Any) -> Any:
    """A JSON object or array held as text (policy documents, a provider's `allowedAccountIds`) as the
    structure; every other value, and text that is not a JSON object or array, as it is."""
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            structure = json.loads(value)
        except ValueError:
            return value
        if isinstance(structure, (dict, list)):
            return structure
    return value
