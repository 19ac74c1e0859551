"""s3-bucket-encryption-customer-key: only a customer-managed key gives each data class its own key policy,
rotation, audit trail and a way to make the data unreadable; SSE-S3 gives none of that."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET_ENCRYPTION,
    GDPR_SECURITY,
    Stack,
    as_list,
    buckets_or_not_applicable,
    effective_tags,
    name_of,
    stack_rule,
)

SSE_S3_PURPOSES = frozenset({"s3-access-logs", "s3-inventory"})
"""Exempt, and only these: S3 server access logging cannot deliver to a bucket encrypted with SSE-KMS, and
S3 Inventory reports are delivered by the same service, so the lake's log and inventory target buckets use
SSE-S3 (AES256). They hold metadata about objects, never object contents."""

KMS_ALGORITHMS = frozenset({"aws:kms", "aws:kms:dsse"})


def defaults(configuration) -> list:
    return [
        rule.get("applyServerSideEncryptionByDefault") or {}
        for rule in as_list(configuration.props.get("rules"))
    ]


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    for bucket in buckets_or_not_applicable(args, stack):
        configurations = stack.referencing(bucket, [BUCKET_ENCRYPTION], "bucket")
        if not configurations:
            continue  # s3-bucket-encryption-attached reports the missing configuration
        settings = [d for c in configurations for d in defaults(c)]
        purpose = effective_tags(bucket.props, bucket.provider).get("purpose")
        if purpose in SSE_S3_PURPOSES:
            if not any(d.get("sseAlgorithm") in {"AES256", *KMS_ALGORITHMS} for d in settings):
                report_violation(
                    f"bucket {name_of(bucket)} ({purpose}) has no default encryption", bucket.urn
                )
            continue
        if not any(d.get("sseAlgorithm") in KMS_ALGORITHMS and d.get("kmsMasterKeyId") for d in settings):
            found = ", ".join(str(d.get("sseAlgorithm")) for d in settings) or "nothing"
            report_violation(
                f"bucket {name_of(bucket)} encrypts with {found}, not with a customer-managed KMS key",
                bucket.urn,
            )


POLICY = stack_rule(
    name="s3-bucket-encryption-customer-key",
    description="Checks whether every S3 bucket encrypts by default with a customer-managed KMS key (only the "
    "lake's access-log and inventory targets may use SSE-S3).",
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set sse_algorithm='aws:kms' and kms_master_key_id to the data class's key (the foundation "
    "exports them as `kms_key_arns`).",
)
