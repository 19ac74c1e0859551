import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_replication_kms import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"


def rule(**change):
    base = {
        "id": "to-eu-west-1",
        "status": "Enabled",
        "sourceSelectionCriteria": {"sseKmsEncryptedObjects": {"status": "Enabled"}},
        "destination": {
            "bucket": "arn:aws:s3:::b",
            "encryptionConfiguration": {"replicaKmsKeyId": "arn:key"},
        },
    }
    return {**base, **change}


def args(*rules):
    return resource_args(REPLICATION, {"bucket": "a", "rules": list(rules)})


def test_kms_replication_passes():
    assert run(POLICY, args(rule())).violations == []


def test_skipping_kms_objects_fails():
    assert run(POLICY, args(rule(sourceSelectionCriteria={}))).messages == [
        "rule 'to-eu-west-1' does not replicate SSE-KMS encrypted objects"
    ]


def test_a_replica_without_a_key_fails():
    assert run(POLICY, args(rule(destination={"bucket": "arn:aws:s3:::b"}))).messages == [
        "rule 'to-eu-west-1' names no KMS key for the replicas"
    ]


def test_disabled_rules_are_not_judged():
    assert run(POLICY, args(rule(status="Disabled", destination={}))).violations == []


def test_unknown_destination_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(rule(destination=UNKNOWN)))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:s3/bucket:Bucket", {})).not_applicable == f"applies to {REPLICATION}"
    )
