"""Documents of policies AWS defines, which no inventory holds: AWS managed IAM policies (from moto's
copy, which moto refreshes from a real account with iam:GetPolicyVersion), and the FullAWSAccess SCP
that AWS Organizations attaches to every root, OU and account when SCPs are enabled."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
FULL_AWS_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
"""The content AWS documents for the FullAWSAccess SCP (Organizations User Guide)."""

DEFAULT_KEY_POLICY_SID = "Enable IAM User Permissions"


def default_key_policy(account: str, partition: str = "aws") -> dict[str, Any]:
    """The key policy KMS gives a key created without one (KMS Developer Guide, "Default key policy"):
    the account may use IAM policies to allow access to the key."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": DEFAULT_KEY_POLICY_SID,
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }


@cache
def _moto_policies() -> dict[str, Any] | None:
    try:
        from moto.iam.aws_managed_policies import aws_managed_policies_data
    except ImportError:
        return None
    data: dict[str, Any] = json.loads(aws_managed_policies_data)
    return data


def aws_managed_policy(arn: str) -> dict[str, Any] | str:
    """The document of an AWS managed policy (`arn:aws:iam::aws:policy/...`), or why it is not known."""
    policies = _moto_policies()
    if policies is None:
        return (
            f"the document of {arn} is not known: moto, which carries AWS managed policies, is not installed"
        )
    name = arn.rsplit("/", 1)[-1]
    entry = policies.get(name)
    if entry is None or arn.split(":policy", 1)[-1] != f"{entry['Path']}{name}":
        return f"{arn} is not an AWS managed policy that moto knows"
    document: dict[str, Any] = entry["Document"]
    return document
