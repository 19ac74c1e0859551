"""s3-bucket-protect: a bucket of the lake or of the audit trail is the only copy; Pulumi must refuse to
delete it, and must leave it in place when it leaves the program."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET, ISO_26262_DOCUMENTATION, resource_rule


def check(args, report_violation) -> None:
    if not args.opts.protect:
        report_violation("the bucket is not protected: `pulumi destroy` or a rename would delete it")


POLICY = resource_rule(
    name="s3-bucket-protect",
    description="Checks whether every S3 bucket is protected against deletion by Pulumi.",
    types=[BUCKET],
    check=check,
    severity=Severity.HIGH,
    framework=ISO_26262_DOCUMENTATION,
    remediation="Create the bucket with `pulumi.ResourceOptions(protect=True, retain_on_delete=True)`.",
)
