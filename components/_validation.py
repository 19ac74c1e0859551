"""Collect every argument problem of a component, then raise once."""

from __future__ import annotations

import pulumi


class Problems:
    """Argument problems of one component, raised together as `pulumi.InputPropertiesError`."""

    def __init__(self, component: str) -> None:
        self.component = component
        self.items: list[tuple[str, str]] = []

    def add(self, property_path: str, value: object, allowed: str) -> None:
        self.items.append((property_path, f"{value!r}: {allowed}"))

    def raise_if_any(self) -> None:
        if self.items:
            raise pulumi.InputPropertiesError(
                f"invalid arguments for {self.component}",
                errors=[{"property_path": path, "reason": reason} for path, reason in self.items],
            )
