"""s3-bucket-encryption-attached: with pulumi-aws 7 a bucket's encryption is a separate resource; a bucket
without one gets AWS's default SSE-S3, never the data class's key."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET_ENCRYPTION, GDPR_SECURITY, bucket_attachment_check, stack_rule

POLICY = stack_rule(
    name="s3-bucket-encryption-attached",
    description="Checks whether every S3 bucket has a server-side encryption configuration resource.",
    check=bucket_attachment_check(BUCKET_ENCRYPTION, "server-side encryption configuration"),
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Add an `aws.s3.BucketServerSideEncryptionConfiguration` for the bucket (LakeBucket does).",
)
