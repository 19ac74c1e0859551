"""kms-key-rotation-enabled: a key that never rotates keeps every object it ever protected exposed to one leak."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, KMS_KEY, resource_rule


def check(args, report_violation) -> None:
    if args.props.get("enableKeyRotation") is not True:
        report_violation(f"enableKeyRotation is {args.props.get('enableKeyRotation')!r}, not true")


POLICY = resource_rule(
    name="kms-key-rotation-enabled",
    description="Checks whether every customer-managed KMS key rotates its key material every year.",
    types=[KMS_KEY],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set `enable_key_rotation=True` on the `aws.kms.Key` (components/data_class_keys.py does).",
)
