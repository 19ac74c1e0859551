"""s3-bucket-public-access-block-enabled: each of the four settings closes a different path to the public."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET_PUBLIC_ACCESS_BLOCK, GDPR_SECURITY, resource_rule

SETTINGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")


def check(args, report_violation) -> None:
    off = [setting for setting in SETTINGS if args.props.get(setting) is not True]
    if off:
        report_violation(f"not true: {', '.join(off)}")


POLICY = resource_rule(
    name="s3-bucket-public-access-block-enabled",
    description="Checks whether every S3 public access block turns on all four of its settings.",
    types=[BUCKET_PUBLIC_ACCESS_BLOCK],
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_SECURITY,
    remediation="Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets "
    "to True on the `aws.s3.BucketPublicAccessBlock`.",
)
