"""s3-bucket-access-logging: who read which drive, label set or release record must be answerable for
years; server access logs are the record S3 keeps of every request."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET_LOGGING,
    GDPR_SECURITY,
    LAYERS_CONFIG,
    Stack,
    effective_tags,
    lake_buckets_or_not_applicable,
    name_of,
    stack_rule,
)

LOG_PURPOSE = "s3-access-logs"


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    for bucket in lake_buckets_or_not_applicable(args, stack):
        if effective_tags(bucket.props, bucket.provider).get("purpose") == LOG_PURPOSE:
            continue  # the log bucket itself: logging into itself would log every delivery, forever
        loggings = stack.referencing(bucket, [BUCKET_LOGGING], "bucket")
        if not loggings:
            report_violation(f"bucket {name_of(bucket)} has no server access logging", bucket.urn)
            continue
        targets = [t for logging in loggings for t in stack.referenced(logging, "targetBucket")]
        if not any(effective_tags(t.props, t.provider).get("purpose") == LOG_PURPOSE for t in targets):
            report_violation(
                f"bucket {name_of(bucket)} logs to {[name_of(t) for t in targets] or 'a bucket outside the stack'}, "
                f"not to a bucket tagged purpose={LOG_PURPOSE}",
                bucket.urn,
            )


POLICY = stack_rule(
    name="s3-bucket-access-logging",
    description="Checks whether every lake bucket delivers server access logs to the lake's access-log bucket.",
    check=check,
    severity=Severity.MEDIUM,
    framework=GDPR_SECURITY,
    config=LAYERS_CONFIG,
    remediation="Pass the region's access-log bucket as `access_log_bucket` to LakeBucket, which adds an "
    "`aws.s3.BucketLogging`.",
)
