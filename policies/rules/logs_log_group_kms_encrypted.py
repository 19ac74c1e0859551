"""logs-log-group-kms-encrypted: control-plane audit logs and flow logs name people, pods and addresses;
they are encrypted with the platform's customer key, so access to them is an IAM and key-policy decision."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import LOG_GROUP, is_customer_key
from rules._support import GDPR_SECURITY, resource_rule


def check(args, report_violation) -> None:
    key = args.props.get("kmsKeyId")
    if not is_customer_key(key):
        report_violation(
            "the log group is encrypted with CloudWatch's own key, not a customer-managed KMS key"
        )


POLICY = resource_rule(
    name="logs-log-group-kms-encrypted",
    description="Checks whether every CloudWatch log group encrypts its events with a customer-managed KMS key.",
    types=[LOG_GROUP],
    check=check,
    severity=Severity.MEDIUM,
    framework=GDPR_SECURITY,
    remediation="Set `kms_key_id` to the platform key of the account and region; its key policy must allow "
    "the `logs.<region>.amazonaws.com` service principal.",
)
