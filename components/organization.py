"""The AWS Organization: OUs, member accounts and service control policies."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems


@dataclass(frozen=True, kw_only=True, slots=True)
class MemberAccountArgs:
    name: str
    """Display name of the account."""
    email: str
    """Root e-mail address; must be unique across AWS."""
    ou: str
    """Key of the OU the account is placed in."""
    personal_data: bool = False
    """When true, the personal-data region allow-list SCP is attached to the account."""


@dataclass(frozen=True, kw_only=True, slots=True)
class OrganizationArgs:
    organizational_units: Mapping[str, str | None]
    """OU key to the key of its parent OU (None: directly under the root)."""
    accounts: Mapping[str, MemberAccountArgs]
    member_access_role_name: str
    """Role Organizations creates in each new account with admin rights for the management account."""
    allowed_regions: Sequence[str]
    """Regions every member account may use; every other region is denied by SCP."""
    personal_data_regions: Sequence[str]
    """Regions personal-data accounts may use (GDPR residency)."""
    imds_max_hop_limit: int = 2
    """Largest IMDSv2 hop limit an instance may be launched with. Defaults to 2 (pods behind one hop)."""
    service_access_principals: Sequence[str] = field(
        default=("cloudtrail.amazonaws.com", "account.amazonaws.com", "sso.amazonaws.com")
    )
    """AWS services with trusted access to the organization."""

    def __post_init__(self) -> None:
        problems = Problems("Organization")
        for key, parent in self.organizational_units.items():
            if parent is not None and parent not in self.organizational_units:
                problems.add(
                    f"organizational_units.{key}",
                    parent,
                    f"parent must be an OU key: {sorted(self.organizational_units)}",
                )
        if not problems.items:  # parents known: they must also not form a cycle
            try:
                _parents_first(self.organizational_units)
            except ValueError as error:
                problems.add("organizational_units", dict(self.organizational_units), str(error))
        for key, account in self.accounts.items():
            if account.ou not in self.organizational_units:
                problems.add(
                    f"accounts.{key}.ou",
                    account.ou,
                    f"must be an OU key: {sorted(self.organizational_units)}",
                )
        if not self.allowed_regions:
            problems.add("allowed_regions", list(self.allowed_regions), "at least one region")
        for region in self.personal_data_regions:
            if region not in self.allowed_regions:
                problems.add(
                    "personal_data_regions",
                    region,
                    f"must be one of allowed_regions {list(self.allowed_regions)}",
                )
        if not 1 <= self.imds_max_hop_limit <= 64:
            problems.add("imds_max_hop_limit", self.imds_max_hop_limit, "an integer from 1 to 64")
        problems.raise_if_any()


class Organization(pulumi.ComponentResource):
    """Creates the organization with all features, its OUs, member accounts and SCPs.

    Root SCPs: deny leaving the organization, deny stopping or changing CloudTrail, require
    IMDSv2, and deny regions outside the allow-list. Personal-data accounts also get the
    personal-data region allow-list. Accounts are protected and retained on delete.
    """

    def __init__(self, name: str, args: OrganizationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:org:Organization", name, None, opts)
        stateful = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)

        self.organization = aws.organizations.Organization(
            name,
            feature_set="ALL",
            aws_service_access_principals=sorted(args.service_access_principals),
            enabled_policy_types=["SERVICE_CONTROL_POLICY"],
            opts=stateful,
        )
        self.root_id = self.organization.roots.apply(lambda roots: roots[0].id)

        self.organizational_units: dict[str, aws.organizations.OrganizationalUnit] = {}
        for key in _parents_first(args.organizational_units):
            parent = args.organizational_units[key]
            self.organizational_units[key] = aws.organizations.OrganizationalUnit(
                f"{name}-{key}",
                name=key,
                parent_id=self.organizational_units[parent].id if parent else self.root_id,
                opts=pulumi.ResourceOptions(parent=self, protect=True),
            )

        self.accounts: dict[str, aws.organizations.Account] = {
            key: aws.organizations.Account(
                f"{name}-{key}",
                name=account.name,
                email=account.email,
                parent_id=self.organizational_units[account.ou].id,
                role_name=args.member_access_role_name,
                close_on_deletion=False,
                iam_user_access_to_billing="DENY",
                # The API never returns role_name; without this every refresh plans a replacement.
                opts=pulumi.ResourceOptions.merge(
                    stateful, pulumi.ResourceOptions(ignore_changes=["roleName"])
                ),
            )
            for key, account in args.accounts.items()
        }

        root_policies = {
            "deny-leave-organization": (
                "Members cannot leave the organization",
                _iam.deny_leaving_organization(),
            ),
            "protect-cloudtrail": (
                "CloudTrail cannot be stopped, deleted or narrowed",
                _iam.protect_cloudtrail(),
            ),
            "require-imdsv2": ("Instances must use IMDSv2", _iam.require_imdsv2(args.imds_max_hop_limit)),
            "allowed-regions": (
                "Only the platform's regions can be used",
                _iam.allow_regions("DenyUnapprovedRegions", args.allowed_regions),
            ),
        }
        self.policies: dict[str, aws.organizations.Policy] = {}
        for key, (description, document) in root_policies.items():
            self._policy(name, key, description, document, {"root": self.root_id})

        personal = {key: acct.id for key, acct in self.accounts.items() if args.accounts[key].personal_data}
        if personal:
            self._policy(
                name,
                "personal-data-regions",
                "Personal data stays in its residency regions (GDPR)",
                _iam.allow_regions("DenyRegionsOutsideResidency", args.personal_data_regions),
                personal,
            )

        self.organization_id = self.organization.id
        self.account_ids = pulumi.Output.all(**{key: acct.id for key, acct in self.accounts.items()})
        self.register_outputs(
            {
                "organization_id": self.organization_id,
                "root_id": self.root_id,
                "account_ids": self.account_ids,
            }
        )

    def _policy(
        self, name: str, key: str, description: str, document: dict, targets: Mapping[str, pulumi.Input[str]]
    ) -> None:
        policy = aws.organizations.Policy(
            f"{name}-{key}",
            name=key,
            description=description,
            type="SERVICE_CONTROL_POLICY",
            content=json.dumps(document),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.organization]),
        )
        self.policies[key] = policy
        for target_key, target_id in targets.items():
            aws.organizations.PolicyAttachment(
                f"{name}-{key}-{target_key}",
                policy_id=policy.id,
                target_id=target_id,
                opts=pulumi.ResourceOptions(parent=self),
            )


def _parents_first(parents: Mapping[str, str | None]) -> list[str]:
    ordered: list[str] = []
    while len(ordered) < len(parents):
        ready = [k for k, p in parents.items() if k not in ordered and (p is None or p in ordered)]
        if not ready:
            raise ValueError(f"OU parents form a cycle among {sorted(set(parents) - set(ordered))}")
        ordered.extend(sorted(ready))
    return ordered
