"""The organization (environments/org.yaml): OUs, accounts, the trail and the data classes."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from platform_spec.models.common import (
    AccountId,
    AccountRole,
    Email,
    Frozen,
    Key,
    KeyService,
    Region,
    Regions,
    RoleArn,
    _unique,
)


class OrganizationalUnit(Frozen):
    """An OU; `parent` names another OU key, or the root when omitted."""

    parent: Key | None = None
    """Key of the parent OU; omitted for an OU directly under the root."""


class MemberAccount(Frozen):
    """A member account, created by Organizations and protected against deletion."""

    email: Email
    """Root e-mail address of the account; unique across AWS."""
    ou: Key
    """Key of the OU the account is placed in."""
    personal_data: bool = False
    """Holds or processes personal data (GDPR): restricted to the personal-data regions by SCP."""


class CloudTrailSpec(Frozen):
    """The organization trail and its Object-Locked archive in the log-archive account."""

    log_archive_account: Key
    """Key of the account that holds the trail archive."""
    retention_days: Annotated[int, Field(ge=365, le=3650)]
    """Object Lock (compliance mode) retention of every log object, in days."""


class DataClass(Frozen):
    """A data classification: one KMS key per class, region and data account."""

    description: Annotated[str, Field(min_length=1)]
    """What the class holds; becomes the key description."""
    accounts: Annotated[list[AccountRole], Field(min_length=1), AfterValidator(_unique)]
    """Account roles that hold this class; each gets a key in every one of its regions."""
    key_services: Annotated[list[KeyService], Field(min_length=1), AfterValidator(_unique)]
    """Services through which the account's principals may use the key (`logs`: CloudWatch Logs)."""
    personal_data: bool = False
    """Personal data (GDPR): its keys exist only in the personal-data regions."""


class OrganizationSpec(Frozen):
    """The organization (environments/org.yaml)."""

    name: Key
    """Short company prefix used in physical names (aliases, roles, trail)."""
    owner: Email
    """Contact of the team that runs the organization (tag `owner`)."""
    cost_center: Annotated[str, Field(min_length=1)]
    """Cost center of the organization-level resources (tag `cost-center`)."""
    management_account_id: AccountId
    """The management account (quoted, 12 digits)."""
    management_role_name: str = "mlplatform-org-admin"
    """Role in the management account the `org` stack deploys through (created once; docs/bootstrap.md)."""
    home_region: Region
    """Region of the organization trail and its archive."""
    allowed_regions: Regions
    """Regions every member account may use (SCP allow-list)."""
    personal_data_regions: Regions
    """Regions where personal data may be stored or processed (GDPR residency)."""
    member_access_role_name: str = "OrganizationAccountAccessRole"
    """Role Organizations creates in each new account; the foundation layer deploys through it."""
    deploy_role_name: str = "mlplatform-deploy"
    """Role the foundation creates in each workload account for the later layers."""
    ci_principal_arns: Annotated[list[RoleArn], Field(min_length=1), AfterValidator(_unique)]
    """Principals (the CI runners' roles) allowed to assume the deploy roles."""
    organizational_units: Annotated[dict[Key, OrganizationalUnit], Field(min_length=1)]
    """OUs by key."""
    accounts: Annotated[dict[Key, MemberAccount], Field(min_length=1)]
    """Member accounts by key; environments name accounts by these keys."""
    cloudtrail: CloudTrailSpec
    """The organization trail."""
    data_classes: Annotated[dict[Key, DataClass], Field(min_length=1)]
    """The data classification standard, by class key."""
    cost_allocation_tags: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=128)]], AfterValidator(_unique)
    ] = []
    """Tag keys activated as cost allocation tags in the management account; add a key once resources carry it.
    Not `aws:...`, and no two keys alike once lower-cased with every run of other characters than a-z, 0-9 and -
    made one - (`Team` and `team`): each key is a resource named after it."""
