"""The `org` stack: the organization, its guardrails and the organization trail."""

from __future__ import annotations

import pulumi

from components.cost_allocation_tags import CostAllocationTags, CostAllocationTagsArgs
from components.log_archive import LogArchive, LogArchiveArgs
from components.organization import MemberAccountArgs, Organization, OrganizationArgs
from components.organization_trail import OrganizationTrail, OrganizationTrailArgs
from platform_spec import OrganizationSpec
from platform_spec.naming import access_log_bucket_name
from stacks.providers import aws_provider, baseline_tags


def program(org: OrganizationSpec) -> None:
    tags = baseline_tags(environment="org", layer="org", owner=org.owner, cost_center=org.cost_center)
    management = aws_provider(
        f"management-{org.home_region}",
        account_id=org.management_account_id,
        region=org.home_region,
        role_name=org.management_role_name,
        session_name="mlplatform-org",
        tags=tags,
    )
    organization = Organization(
        "organization",
        OrganizationArgs(
            organizational_units={key: ou.parent for key, ou in org.organizational_units.items()},
            accounts={
                key: MemberAccountArgs(
                    name=f"{org.name}-{key}",
                    email=account.email,
                    ou=account.ou,
                    personal_data=account.personal_data,
                )
                for key, account in org.accounts.items()
            },
            member_access_role_name=org.member_access_role_name,
            allowed_regions=org.allowed_regions,
            personal_data_regions=org.personal_data_regions,
        ),
        opts=pulumi.ResourceOptions(provider=management),
    )

    archive_account = org.cloudtrail.log_archive_account
    archive_account_id = organization.accounts[archive_account].id
    archive_provider = aws_provider(
        f"{archive_account}-{org.home_region}",
        account_id=archive_account_id,
        region=org.home_region,
        role_name=org.member_access_role_name,
        session_name="mlplatform-org",
        tags=tags,
    )
    trail_name = f"{org.name}-organization-trail"
    archive = LogArchive(
        "cloudtrail-archive",
        LogArchiveArgs(
            account_id=archive_account_id,
            region=org.home_region,
            management_account_id=org.management_account_id,
            organization_id=organization.organization_id,
            trail_arn=f"arn:aws:cloudtrail:{org.home_region}:{org.management_account_id}:trail/{trail_name}",
            retention_days=org.cloudtrail.retention_days,
            key_alias=f"alias/{org.name}/cloudtrail",
            access_log_bucket_name=access_log_bucket_name(org.name, org.home_region),
        ),
        opts=pulumi.ResourceOptions(provider=archive_provider),
    )
    trail = OrganizationTrail(
        "organization-trail",
        OrganizationTrailArgs(
            trail_name=trail_name, bucket_name=archive.bucket_name, kms_key_arn=archive.key_arn
        ),
        opts=pulumi.ResourceOptions(provider=management, depends_on=[archive]),
    )

    cost_tags = CostAllocationTags(
        "cost-allocation-tags",
        CostAllocationTagsArgs(tag_keys=org.cost_allocation_tags),
        opts=pulumi.ResourceOptions(provider=management, depends_on=[organization]),
    )

    pulumi.export("organization_id", organization.organization_id)
    pulumi.export("cost_allocation_tags", cost_tags.tag_keys)
    pulumi.export("root_id", organization.root_id)
    pulumi.export("account_ids", organization.account_ids)
    pulumi.export(
        "cloudtrail", {"trail_arn": trail.arn, "bucket": archive.bucket_name, "key_arn": archive.key_arn}
    )
