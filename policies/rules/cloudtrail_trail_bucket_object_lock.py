"""cloudtrail-trail-bucket-object-lock: an audit trail that an administrator can delete is no evidence;
the archive keeps every log file immutable for the retention the organization declared."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET_OBJECT_LOCK,
    ISO_26262_DOCUMENTATION,
    TRAIL,
    Stack,
    name_of,
    stack_rule,
)
from rules.s3_bucket_object_lock import retention_days


def check(args, report_violation) -> None:
    minimum = args.get_config()["minimumDays"]
    stack = Stack(args.resources)
    trails = [t for t in stack.of_type(TRAIL) if t.props.get("isOrganizationTrail") is True]
    if not trails:
        args.not_applicable("the stack has no organization trail")
    for trail in trails:
        buckets = stack.referenced(trail, "s3BucketName")
        if not buckets:
            report_violation(f"trail {name_of(trail)} writes to a bucket outside this stack", trail.urn)
            continue
        for bucket in buckets:
            days = [retention_days(c) for c in stack.referencing(bucket, [BUCKET_OBJECT_LOCK], "bucket")]
            longest = max((d for d in days if d is not None), default=None)
            if bucket.props.get("objectLockEnabled") is not True or longest is None:
                report_violation(
                    f"trail {name_of(trail)} writes to bucket {name_of(bucket)}, which has no Object Lock "
                    "retention in COMPLIANCE mode",
                    bucket.urn,
                )
            elif longest < minimum:
                report_violation(
                    f"bucket {name_of(bucket)} locks trail logs for {longest:g} days; at least {minimum:g} required",
                    bucket.urn,
                )


POLICY = stack_rule(
    name="cloudtrail-trail-bucket-object-lock",
    description="Checks whether the organization trail writes to a bucket with Object Lock in compliance mode "
    "for at least the configured retention.",
    check=check,
    severity=Severity.CRITICAL,
    framework=ISO_26262_DOCUMENTATION,
    config={"minimumDays": {"type": "integer", "minimum": 1}},
    remediation="Keep the trail's target the `LogArchive` bucket, whose Object Lock retention is "
    "`cloudtrail.retention_days` in environments/org.yaml.",
)
