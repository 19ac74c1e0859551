"""s3-bucket-force-destroy-disabled: `forceDestroy` lets a delete empty the bucket first, objects and versions."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET, ISO_26262_DOCUMENTATION, resource_rule


def check(args, report_violation) -> None:
    if args.props.get("forceDestroy") is True:
        report_violation("forceDestroy is true: deleting the bucket would first delete every object version")


POLICY = resource_rule(
    name="s3-bucket-force-destroy-disabled",
    description="Checks whether no S3 bucket allows a delete to empty it first (forceDestroy).",
    types=[BUCKET],
    check=check,
    severity=Severity.HIGH,
    framework=ISO_26262_DOCUMENTATION,
    remediation="Set `force_destroy=False` (or leave it unset) on the bucket.",
)
