"""cloudtrail-trail-kms-encrypted: the trail records who touched personal data; the archive's own key keeps
it readable only to the few who may audit it."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, TRAIL, resource_rule


def check(args, report_violation) -> None:
    if not args.props.get("kmsKeyId"):
        report_violation("kmsKeyId is not set: log files are encrypted with SSE-S3 only")


POLICY = resource_rule(
    name="cloudtrail-trail-kms-encrypted",
    description="Checks whether every CloudTrail trail encrypts its log files with a customer-managed KMS key.",
    types=[TRAIL],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set kms_key_id to the log archive's key (`LogArchive.key_arn`).",
)
