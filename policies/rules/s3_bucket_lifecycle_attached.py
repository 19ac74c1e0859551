"""s3-bucket-lifecycle-attached: a bucket without lifecycle rules keeps every object, version and failed
upload in its first storage class forever."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET_LIFECYCLE, COST_POLICY, bucket_attachment_check, stack_rule

POLICY = stack_rule(
    name="s3-bucket-lifecycle-attached",
    description="Checks whether every S3 bucket has a lifecycle configuration resource.",
    check=bucket_attachment_check(BUCKET_LIFECYCLE, "lifecycle configuration"),
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    remediation="Add an `aws.s3.BucketLifecycleConfiguration` (core/platform_spec/tables/tiering.py builds the lake's rules).",
)
