"""Pure builders of IAM, KMS, SCP and bucket policy documents (plain dicts).

Components call them inside `Output.apply` with plain strings and serialize the result with
`json.dumps`; the builders never touch the Pulumi runtime and are unit-tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Document = dict[str, Any]

# Services that are global or bound to us-east-1; a region deny must exempt them or the
# console, IAM, Organizations and billing stop working in every account.
GLOBAL_SERVICE_ACTIONS = (
    "account:*", "aws-portal:*", "budgets:*", "ce:*", "cloudfront:*", "cur:*", "globalaccelerator:*",
    "health:*", "iam:*", "kms:*", "organizations:*", "pricing:*", "route53:*", "route53domains:*",
    "s3:GetAccountPublic*", "s3:ListAllMyBuckets", "s3:PutAccountPublic*", "shield:*", "sts:*",
    "support:*", "trustedadvisor:*", "waf:*", "wafv2:*",
)  # fmt: skip

KEY_ADMIN_ACTIONS = (
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
    "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
    "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
)  # fmt: skip

KEY_USAGE_ACTIONS = (
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
)


def document(*statements: Document) -> Document:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny_leaving_organization() -> Document:
    return document(
        {
            "Sid": "DenyLeaveOrganization",
            "Effect": "Deny",
            "Action": "organizations:LeaveOrganization",
            "Resource": "*",
        }
    )


def protect_cloudtrail() -> Document:
    return document(
        {
            "Sid": "DenyCloudTrailTampering",
            "Effect": "Deny",
            "Action": [
                "cloudtrail:DeleteTrail",
                "cloudtrail:PutEventSelectors",
                "cloudtrail:PutInsightSelectors",
                "cloudtrail:StopLogging",
                "cloudtrail:UpdateTrail",
            ],
            "Resource": "*",
        }
    )


def require_imdsv2(max_hop_limit: int) -> Document:
    return document(
        {
            "Sid": "RequireImdsV2",
            "Effect": "Deny",
            "Action": "ec2:RunInstances",
            "Resource": "arn:aws:ec2:*:*:instance/*",
            "Condition": {"StringNotEquals": {"ec2:MetadataHttpTokens": "required"}},
        },
        {
            "Sid": "LimitImdsHopLimit",
            "Effect": "Deny",
            "Action": "ec2:RunInstances",
            "Resource": "arn:aws:ec2:*:*:instance/*",
            "Condition": {"NumericGreaterThan": {"ec2:MetadataHttpPutResponseHopLimit": str(max_hop_limit)}},
        },
        {
            "Sid": "DenyImdsV1Credentials",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"ec2:RoleDelivery": "2.0"}},
        },
    )


def allow_regions(sid: str, regions: Sequence[str]) -> Document:
    """Deny every regional action outside `regions` (global services exempt)."""
    return document(
        {
            "Sid": sid,
            "Effect": "Deny",
            "NotAction": list(GLOBAL_SERVICE_ACTIONS),
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": sorted(regions)}},
        }
    )


def deny_insecure_transport(bucket_arn: str) -> Document:
    """The statement every bucket policy starts with: TLS only."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def trust_principals(principal_arns: Sequence[str]) -> Document:
    return document(
        {
            "Sid": "TrustCiPrincipals",
            "Effect": "Allow",
            "Principal": {"AWS": list(principal_arns)},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        }
    )


def trust_service(
    service: str, account_id: str, *, actions: Sequence[str] = ("sts:AssumeRole",), sid: str | None = None
) -> Document:
    """Trust of a role that an AWS service assumes on behalf of this account only (confused deputy)."""
    statement: Document = {"Sid": sid} if sid else {}
    statement |= {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": list(actions) if len(actions) > 1 else actions[0],
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }
    return document(statement)


def key_policy(
    account_id: str, *, via_services: Sequence[str], service_principals: Sequence[Document] = ()
) -> Document:
    """A customer-managed key policy scoped to one account.

    Administration is delegated to IAM in the account (so the key can never become
    unmanageable); cryptographic use is allowed only to principals of the same account and
    only through the listed AWS services (`kms:ViaService`), never directly.
    """
    root = {"AWS": f"arn:aws:iam::{account_id}:root"}
    statements: list[Document] = [
        {
            "Sid": "KeyAdministration",
            "Effect": "Allow",
            "Principal": root,
            "Action": list(KEY_ADMIN_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "KeyUseThroughServices",
            "Effect": "Allow",
            "Principal": root,
            "Action": [*KEY_USAGE_ACTIONS, "kms:CreateGrant"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"kms:CallerAccount": account_id, "kms:ViaService": sorted(via_services)},
            },
        },
    ]
    statements.extend(service_principals)
    return document(*statements)
