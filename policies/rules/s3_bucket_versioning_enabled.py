"""s3-bucket-versioning-enabled: versions are what lets an overwritten drive log, label set or release
record be recovered; a suspended bucket silently stops keeping them."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET_VERSIONING,
    ISO_26262_CONFIGURATION,
    Stack,
    buckets_or_not_applicable,
    name_of,
    stack_rule,
)


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    for bucket in buckets_or_not_applicable(args, stack):
        versionings = stack.referencing(bucket, [BUCKET_VERSIONING], "bucket")
        states = [(v.props.get("versioningConfiguration") or {}).get("status") for v in versionings]
        if "Enabled" not in states:
            report_violation(
                f"bucket {name_of(bucket)}: versioning is {states or 'not configured'}, not Enabled",
                bucket.urn,
            )


POLICY = stack_rule(
    name="s3-bucket-versioning-enabled",
    description="Checks whether every S3 bucket has versioning enabled.",
    check=check,
    severity=Severity.HIGH,
    framework=ISO_26262_CONFIGURATION,
    remediation="Add an `aws.s3.BucketVersioning` with versioning_configuration={'status': 'Enabled'}.",
)
