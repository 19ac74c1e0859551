"""What the lake grants FSx for Lustre file systems of the training account: read on a snapshot bucket
and the right to grant Decrypt on its key. Pure policy builders, used by the data layer (bucket
policy), the foundation (key policy) and components/lustre_cache.py (the grant).

FSx reaches a linked bucket as a service-linked role it creates per file system,
`AWSServiceRoleForFSxS3Access_<file system id>`, in the file system's account; its permissions
(AWS managed: s3 Get*, List*, PutObject, DeleteObject, ...) cannot be changed and include no KMS.
Across accounts the bucket policy must admit the role, and an SSE-KMS key needs a grant for it.
"""

from __future__ import annotations

from collections.abc import Sequence

FSX_S3_ROLE_PATH = (
    "role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/AWSServiceRoleForFSxS3Access_"
)
"""The path and name prefix of the role; the name ends in the file system id."""


def fsx_s3_role_arn(account_id: str, file_system_id: str) -> str:
    return f"arn:aws:iam::{account_id}:{FSX_S3_ROLE_PATH}{file_system_id}"


def fsx_s3_role_pattern(account_id: str) -> str:
    """Every file system's S3 role in an account (bucket and key policies name this pattern)."""
    return f"arn:aws:iam::{account_id}:{FSX_S3_ROLE_PATH}fs-*"


def bucket_policy_statement(bucket_arn: str, account_ids: Sequence[str]) -> dict:
    """The statement a snapshot bucket's policy needs so that these accounts' file systems can link it
    read only: their FSx S3 roles may list and read, nothing else (AWS documents Get* and List* as the
    read half of what a linked bucket must allow)."""
    return {
        "Sid": "LustreReadForTrainingAccounts",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in account_ids]},
        "Action": ["s3:Get*", "s3:List*"],
        "Resource": [bucket_arn, f"{bucket_arn}/*"],
        "Condition": {"ArnLike": {"aws:PrincipalArn": [fsx_s3_role_pattern(a) for a in account_ids]}},
    }


def key_grant_statement(account_ids: Sequence[str]) -> dict:
    """The statement a lake key's policy needs so that these accounts can grant their FSx S3 roles
    Decrypt, and nothing else, constrained to an encryption context (one bucket)."""
    return {
        "Sid": "LustreDecryptGrantsForTrainingAccounts",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in account_ids]},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": {
            "StringLike": {"kms:GranteePrincipal": [fsx_s3_role_pattern(a) for a in account_ids]},
            "ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]},
            "StringEquals": {"kms:GrantConstraintType": "EncryptionContextSubset"},
        },
    }
