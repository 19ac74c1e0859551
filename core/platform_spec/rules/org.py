"""Rules of the organization spec that span fields: OUs, accounts, regions, names, cost allocation tags."""

from __future__ import annotations

from collections.abc import Iterable

from platform_spec import naming
from platform_spec.errors import Problem
from platform_spec.models import OrganizationSpec


def org_problems(org: OrganizationSpec, file: str) -> Iterable[Problem]:
    ous = org.organizational_units
    for key, ou in ous.items():
        if ou.parent is not None and ou.parent not in ous:
            yield Problem(
                file,
                f"organizational_units.{key}.parent",
                ou.parent,
                f"unknown OU; allowed: {', '.join(ous)}",
            )
    for key in ous:
        chain, current = [key], ous[key].parent
        while current is not None and current in ous and current not in chain:
            chain.append(current)
            current = ous[current].parent
        if current == key:  # report the OUs on the cycle, not those merely below it
            yield Problem(
                file,
                f"organizational_units.{key}.parent",
                ous[key].parent,
                f"OU parents form a cycle: {' -> '.join([*chain, key])}; "
                "a parent must not be the OU itself or an OU below it",
            )
    for key, account in org.accounts.items():
        if account.ou not in ous:
            yield Problem(file, f"accounts.{key}.ou", account.ou, f"unknown OU; allowed: {', '.join(ous)}")
    emails = [a.email for a in org.accounts.values()]
    for key, account in org.accounts.items():
        if emails.count(account.email) > 1:
            yield Problem(
                file, f"accounts.{key}.email", account.email, "every account needs its own e-mail address"
            )
    if org.cloudtrail.log_archive_account not in org.accounts:
        yield Problem(
            file,
            "cloudtrail.log_archive_account",
            org.cloudtrail.log_archive_account,
            f"unknown account; allowed: {', '.join(org.accounts)}",
        )
    if org.home_region not in org.allowed_regions:
        yield Problem(
            file,
            "home_region",
            org.home_region,
            f"must be one of allowed_regions: {', '.join(org.allowed_regions)}",
        )
    for i, region in enumerate(org.personal_data_regions):
        if region not in org.allowed_regions:
            yield Problem(
                file,
                f"personal_data_regions[{i}]",
                region,
                f"must also be in allowed_regions: {', '.join(org.allowed_regions)}",
            )
        if not region.startswith("eu-"):
            yield Problem(
                file, f"personal_data_regions[{i}]", region, "personal data stays in EU regions (eu-*)"
            )
    yield from _org_name_problems(org, file)
    yield from _cost_allocation_tag_problems(org, file)


def _org_name_problems(org: OrganizationSpec, file: str) -> Iterable[Problem]:
    """Physical names the org stack builds from the organization's keys fit AWS's limits."""

    for key in org.accounts:
        name = f"{org.name}-{key}"  # as stacks/org.py names the account
        if len(name) > naming.ACCOUNT_NAME_MAX:
            yield Problem(
                file,
                f"accounts.{key}",
                key,
                f"account name {name} is {len(name)} characters; AWS Organizations allows {naming.ACCOUNT_NAME_MAX}",
            )
    bucket = naming.access_log_bucket_name(org.name, org.home_region)
    if len(bucket) > naming.BUCKET_NAME_MAX:
        yield Problem(
            file,
            "name",
            org.name,
            f"the trail archive's access-log bucket {bucket} is {len(bucket)} characters; S3 allows "
            f"{naming.BUCKET_NAME_MAX}",
        )


def _cost_allocation_tag_problems(org: OrganizationSpec, file: str) -> Iterable[Problem]:
    """Each key a user-defined tag key with a resource name of its own (components/cost_allocation_tags.py)."""

    keys = org.cost_allocation_tags
    for i, key in enumerate(keys):
        reason = naming.tag_key_problem(key)
        if reason is not None:
            yield Problem(file, f"cost_allocation_tags[{i}]", key, reason)
    for i, j in naming.suffix_collisions(keys).items():
        yield Problem(
            file,
            f"cost_allocation_tags[{i}]",
            keys[i],
            f"the same resource name as cost_allocation_tags[{j}] ({keys[j]!r}): keys are compared in lower "
            "case with every run of characters other than a-z, 0-9 and - as one -; keep one of them",
        )
