"""Rules of the data lake: domains, owners and consumers, data classes and residency, storage policy, names."""

from __future__ import annotations

from collections.abc import Iterable

from platform_spec.errors import Problem
from platform_spec.models import EnvironmentSpec, OrganizationSpec
from platform_spec.naming import BUCKET_NAME_MAX
from platform_spec.tables import lake_classes, tiering


def lake_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    data = env.accounts["data"]
    personal_account = org.accounts[data.account].personal_data
    prefix = f"{org.name}-{env.name}"
    for key, product in env.data_lake.products.items():
        where = f"data_lake.products.{key}"
        if product.domain not in env.domains:
            yield Problem(
                file, f"{where}.domain", product.domain, f"unknown domain; allowed: {', '.join(env.domains)}"
            )
            continue
        owner = env.product_owner(product)
        for field_path, team in [("owner_team", product.owner_team), *[
            (f"consumers[{i}]", t) for i, t in enumerate(product.consumers)
        ]]:  # fmt: skip
            if team is not None and team not in env.teams:
                yield Problem(
                    file, f"{where}.{field_path}", team, f"unknown team; allowed: {', '.join(env.teams)}"
                )
        region = env.product_region(product)
        if region not in data.regions:
            yield Problem(
                file,
                f"{where}.region",
                region,
                f"not a region of the data account; allowed: {', '.join(data.regions)}",
            )
        for zone, spec in product.zones.items():
            at = f"{where}.zones.{zone}"
            data_class = org.data_classes.get(spec.data_class)
            if data_class is None:
                yield Problem(
                    file,
                    f"{at}.data_class",
                    spec.data_class,
                    f"unknown data class; allowed: {', '.join(org.data_classes)} (environments/org.yaml)",
                )
                continue
            if "data" not in data_class.accounts:
                yield Problem(
                    file,
                    f"{at}.data_class",
                    spec.data_class,
                    "not a class the data account holds (org.yaml accounts)",
                )
            if data_class.personal_data and not personal_account:
                yield Problem(
                    file,
                    f"{at}.data_class",
                    spec.data_class,
                    f"personal data needs a personal-data account; {data.account} is not one (org.yaml)",
                )
            for problem in lake_classes.zone_problems(
                zone,
                spec.data_class,
                personal_data=data_class.personal_data,
                residency_regions=org.personal_data_regions,
                region=region,
                access=spec.access,
                transitions=[tiering.Transition(t.days, t.storage_class) for t in spec.transitions]
                if spec.transitions is not None
                else None,
                retention_days=spec.retention_days,
                object_lock_days=spec.object_lock_days,
                replicate_to=spec.replicate_to,
            ):
                yield Problem(file, f"{at}.{problem.path}".rstrip("."), problem.value, problem.message)
            for i, target in enumerate(spec.replicate_to):
                outside_residency = data_class.personal_data and target not in org.personal_data_regions
                if target not in data.regions and not outside_residency:  # that one is reported above
                    yield Problem(
                        file,
                        f"{at}.replicate_to[{i}]",
                        target,
                        f"not a region of the data account; allowed: {', '.join(data.regions)}",
                    )
            for target in (region, *spec.replicate_to):
                name = lake_classes.bucket_name(prefix, key, zone, target)
                if len(name) > BUCKET_NAME_MAX:
                    yield Problem(
                        file,
                        where,
                        key,
                        f"bucket name {name} is {len(name)} characters; S3 allows {BUCKET_NAME_MAX}",
                    )
            for team in lake_classes.access_point_teams(
                owner, product.consumers, personal_data=data_class.personal_data
            ):
                name = lake_classes.access_point_name(key, zone, team)
                if len(name) > lake_classes.ACCESS_POINT_NAME_MAX:
                    yield Problem(
                        file,
                        where,
                        key,
                        f"access point name {name} is {len(name)} characters; S3 allows "
                        f"{lake_classes.ACCESS_POINT_NAME_MAX}",
                    )
