"""The one tag merge for what a provider's `default_tags` do not reach.

`default_tags` tag the resources the provider creates. Instances, volumes and network interfaces
that EC2 Auto Scaling launches from a launch template are created by AWS, not by the provider,
so they carry only the launch template's tag specifications: these get the stack's baseline tags
merged here, or cost allocation loses the GPU fleet, the largest cost after storage.
"""

from __future__ import annotations

from collections.abc import Mapping

MAX_TAGS = 50


def merged(baseline: Mapping[str, str], *layers: Mapping[str, str]) -> dict[str, str]:
    """The baseline tags, then each layer over it (later wins). Refuses what EC2 would refuse."""
    tags = dict(baseline)
    for layer in layers:
        tags.update(layer)
    problems = [
        f"{key!r}: keys are 1 to 128 characters and do not start with aws:"
        for key in tags
        if not 1 <= len(key) <= 128 or key.lower().startswith("aws:")
    ] + [f"{key!r}: the value is empty or longer than 256 characters" for key, value in tags.items()
         if not 1 <= len(value) <= 256]  # fmt: skip
    if len(tags) > MAX_TAGS:
        problems.append(f"{len(tags)} tags; EC2 allows {MAX_TAGS}")
    if problems:
        raise ValueError("; ".join(problems))
    return tags
