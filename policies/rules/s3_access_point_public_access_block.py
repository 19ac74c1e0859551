"""s3-access-point-public-access-block: an access point has its own public access block; a team's access
point must never become a public door into the lake."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, resource_rule
from rules.s3_bucket_public_access_block_enabled import SETTINGS


def check(args, report_violation) -> None:
    block = args.props.get("publicAccessBlockConfiguration") or {}
    off = [setting for setting in SETTINGS if block.get(setting) is not True]
    if off:
        report_violation(f"publicAccessBlockConfiguration does not set: {', '.join(off)}")


POLICY = resource_rule(
    name="s3-access-point-public-access-block",
    description="Checks whether every S3 access point blocks public access with all four settings.",
    types=["aws:s3/accessPoint:AccessPoint"],
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_SECURITY,
    remediation="Give the `aws.s3.AccessPoint` a public_access_block_configuration with all four settings True.",
)
