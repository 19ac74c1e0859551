"""s3-bucket-replication-kms: S3 skips SSE-KMS objects unless replication asks for them, and writes replicas
under the destination's key only when told which; otherwise the replica is missing or differently protected."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET_REPLICATION, GDPR_SECURITY, as_list, resource_rule


def check(args, report_violation) -> None:
    for rule in as_list(args.props.get("rules")):
        if rule.get("status") != "Enabled":
            continue
        name = rule.get("id", "(no id)")
        criteria = (rule.get("sourceSelectionCriteria") or {}).get("sseKmsEncryptedObjects") or {}
        if criteria.get("status") != "Enabled":
            report_violation(f"rule {name!r} does not replicate SSE-KMS encrypted objects")
        key = ((rule.get("destination") or {}).get("encryptionConfiguration") or {}).get("replicaKmsKeyId")
        if not key:
            report_violation(f"rule {name!r} names no KMS key for the replicas")


POLICY = resource_rule(
    name="s3-bucket-replication-kms",
    description="Checks whether every S3 replication rule replicates SSE-KMS objects and encrypts the replicas "
    "with a customer-managed key of the destination.",
    types=[BUCKET_REPLICATION],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set source_selection_criteria.sse_kms_encrypted_objects.status='Enabled' and "
    "destination.encryption_configuration.replica_kms_key_id to the data class's key in the destination region.",
)
