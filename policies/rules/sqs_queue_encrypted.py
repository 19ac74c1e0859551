"""sqs-queue-encrypted: queues hold messages at rest (Karpenter's interruption notices name instances and
accounts); they are encrypted server-side, with a customer key where the environment's config requires it.

The interruption queue uses SQS-managed encryption by design (docs/adr/0007-compute-clusters.md):
EventBridge can write to a KMS-encrypted queue only when the key's policy names it, and the foundation's
platform keys do not. `requireCustomerKey` is therefore false in every environment's config today.
"""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import SQS_QUEUE, is_customer_key
from rules._support import GDPR_SECURITY, resource_rule


def check(args, report_violation) -> None:
    key = args.props.get("kmsMasterKeyId")
    if is_customer_key(key):
        return
    if args.get_config()["requireCustomerKey"]:
        report_violation(
            f"the queue is not encrypted with a customer-managed KMS key (kmsMasterKeyId {key or 'not set'})"
        )
    elif not key and args.props.get("sqsManagedSseEnabled") is not True:
        report_violation("the queue has no server-side encryption (neither SQS-managed nor KMS)")


POLICY = resource_rule(
    name="sqs-queue-encrypted",
    description="Checks whether every SQS queue encrypts messages at rest, with a customer-managed KMS key "
    "where the configuration requires one.",
    types=[SQS_QUEUE],
    check=check,
    severity=Severity.MEDIUM,
    framework=GDPR_SECURITY,
    config={"requireCustomerKey": {"type": "boolean"}},
    remediation="Set `sqs_managed_sse_enabled=True`, or `kms_master_key_id` to a customer key whose policy "
    "allows the queue's producers (EventBridge: events.amazonaws.com).",
)
