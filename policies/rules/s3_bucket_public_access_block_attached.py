"""s3-bucket-public-access-block-attached: without its own public access block a bucket depends on the
account-level setting alone, which a later change can lift."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET_PUBLIC_ACCESS_BLOCK, GDPR_SECURITY, bucket_attachment_check, stack_rule

POLICY = stack_rule(
    name="s3-bucket-public-access-block-attached",
    description="Checks whether every S3 bucket has its own public access block resource.",
    check=bucket_attachment_check(BUCKET_PUBLIC_ACCESS_BLOCK, "public access block"),
    severity=Severity.CRITICAL,
    framework=GDPR_SECURITY,
    remediation="Add an `aws.s3.BucketPublicAccessBlock` with all four settings true for the bucket.",
)
