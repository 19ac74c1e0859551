"""Runs the layer program named by the stack's config (`mlplatform:environment`, `mlplatform:layer`)."""

from __future__ import annotations

import pulumi

from platform_spec import SpecError, load_org, load_spec
from platform_spec.layers import LAYERS
from stacks import compute, data, foundation, org, registry

PROGRAMS = {
    "foundation": foundation.program,
    "data": data.program,
    "registry": registry.program,
    "compute": compute.program,
}


def main() -> None:
    config = pulumi.Config()
    environment, layer = config.require("environment"), config.require("layer")
    try:
        if layer == "org":
            org.program(load_org())
            return
        if layer not in PROGRAMS:
            raise pulumi.RunError(f"mlplatform:layer is {layer!r}; allowed: {', '.join(LAYERS)}")
        PROGRAMS[layer](load_spec(environment))
    except SpecError as error:
        raise pulumi.RunError(f"the environment spec is invalid:\n{error}") from None
