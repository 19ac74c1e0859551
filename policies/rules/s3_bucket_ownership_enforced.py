"""s3-bucket-ownership-enforced: with ACLs on, an object written by another account can stay readable by
that account whatever the bucket policy says."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET_OWNERSHIP,
    GDPR_SECURITY,
    Stack,
    buckets_or_not_applicable,
    name_of,
    stack_rule,
)


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    for bucket in buckets_or_not_applicable(args, stack):
        controls = stack.referencing(bucket, [BUCKET_OWNERSHIP], "bucket")
        owners = [(c.props.get("rule") or {}).get("objectOwnership") for c in controls]
        if "BucketOwnerEnforced" not in owners:
            report_violation(
                f"bucket {name_of(bucket)}: object ownership is {owners or 'not set'}, not BucketOwnerEnforced",
                bucket.urn,
            )


POLICY = stack_rule(
    name="s3-bucket-ownership-enforced",
    description="Checks whether every S3 bucket disables ACLs (object ownership BucketOwnerEnforced).",
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Add an `aws.s3.BucketOwnershipControls` with rule object_ownership='BucketOwnerEnforced'.",
)
