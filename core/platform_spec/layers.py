"""Stack names: the global `org` stack, and `<environment>-<layer>` for every other stack.

Environment names may contain dashes (`eu-prod-data` is the data layer of `eu-prod`), so a name is
split at the layer it ends with, one of `LAYERS`, never at its first or last dash. The one list of
layers: the stacks' entry point, the offline plan, the review tool and the policy pack all read it.
"""

from __future__ import annotations

LAYERS = ("org", "foundation", "data", "registry", "compute")
"""Layers in deployment order; each reads only the outputs of the layers before it."""
ORG = "org"


def split_stack(stack: str) -> tuple[str | None, str | None]:
    """(environment, layer) of a stack name: `org` -> (None, "org"); `<env>-<layer>` -> (env, layer);
    a name that is neither -> (None, None)."""
    if stack == ORG:
        return None, ORG
    for layer in LAYERS[1:]:
        environment = stack.removesuffix(f"-{layer}")
        if environment != stack and environment:
            return environment, layer
    return None, None


def layer_of(stack: str) -> str:
    """The layer of a stack; a stack whose name is not `<env>-<layer>` is its own layer."""
    return split_stack(stack)[1] or stack


def environment_of(stack: str) -> str | None:
    """The environment of an `<env>-<layer>` stack; None for `org` and for any other name."""
    return split_stack(stack)[0]
