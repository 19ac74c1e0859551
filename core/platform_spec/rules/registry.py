"""Rules of the registries: teams that exist, the artefacts' lock, images next to every training region."""

from __future__ import annotations

from collections.abc import Iterable

from platform_spec.errors import Problem
from platform_spec.models import EnvironmentSpec
from platform_spec.tables import lake_classes


def registry_problems(env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    registry = env.registry
    teams = [("registry.approver_team", registry.approver_team)] + [
        (f"registry.model_groups.{key}.owner_team", group.owner_team)
        for key, group in registry.model_groups.items()
    ]
    for where, team in teams:
        if team not in env.teams:
            yield Problem(file, where, team, f"unknown team; allowed: {', '.join(env.teams)}")
    minimum = lake_classes.LAKE_CLASSES["safety-evidence"].object_lock_min_days or 1
    if registry.edge_artefact_lock_days < minimum:
        yield Problem(
            file,
            "registry.edge_artefact_lock_days",
            registry.edge_artefact_lock_days,
            f"released artefacts are safety evidence: at least {minimum} days",
        )
    if "registry" in env.accounts and "training" in env.accounts:
        registry_regions = env.accounts["registry"].regions
        for region in env.accounts["training"].regions:
            if region not in registry_regions:
                yield Problem(
                    file,
                    "accounts.registry.regions",
                    list(registry_regions),
                    f"images are replicated next to every training region: add {region}",
                )
