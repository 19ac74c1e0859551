"""Rules of an environment that span fields and files: each part of the environment checked against the
organization and against its other parts; one `Problem` per finding."""

from __future__ import annotations

from collections.abc import Iterable

from platform_spec.errors import Problem
from platform_spec.models import ACCOUNT_ROLES, EnvironmentSpec, OrganizationSpec
from platform_spec.rules.compute import compute_problems
from platform_spec.rules.cost import cost_problems
from platform_spec.rules.lake import lake_problems
from platform_spec.rules.lustre import lustre_problems
from platform_spec.rules.network import network_problems
from platform_spec.rules.registry import registry_problems


def environment_problems(
    org: OrganizationSpec, env: EnvironmentSpec, stem: str, file: str
) -> Iterable[Problem]:
    if env.name != stem:
        yield Problem(file, "name", env.name, f"must match the file name: {stem}")
    missing = [role for role in ACCOUNT_ROLES if role not in env.accounts]
    if missing:
        yield Problem(
            file,
            "accounts",
            dict(env.accounts),
            f"every role needs an account; missing: {', '.join(missing)}",
        )
    for role, assignment in env.accounts.items():
        account = org.accounts.get(assignment.account)
        if account is None:
            yield Problem(
                file,
                f"accounts.{role}.account",
                assignment.account,
                f"not an account of environments/org.yaml; allowed: {', '.join(org.accounts)}",
            )
            continue
        allowed = org.personal_data_regions if account.personal_data else org.allowed_regions
        reason = "personal-data account, allowed (GDPR residency)" if account.personal_data else "allowed"
        for i, region in enumerate(assignment.regions):
            if region not in allowed:
                yield Problem(
                    file, f"accounts.{role}.regions[{i}]", region, f"{reason}: {', '.join(allowed)}"
                )
    yield from network_problems(env, file)
    if "data" in env.accounts and env.accounts["data"].account in org.accounts:
        yield from lake_problems(org, env, file)
    yield from registry_problems(env, file)
    yield from compute_problems(org, env, file)
    yield from cost_problems(org, env, file)
    yield from lustre_problems(org, env, file)
    for key, domain in env.domains.items():
        if domain.owner_team not in env.teams:
            yield Problem(
                file,
                f"domains.{key}.owner_team",
                domain.owner_team,
                f"unknown team; allowed: {', '.join(env.teams)}",
            )
