import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_replication_residency import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, provider, run

CONFIG = {"regions": ["eu-central-1", "eu-west-1"], "personalDataClasses": ["sensor-raw"]}
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"


def stack(replica_region="eu-west-1", data_class="sensor-raw"):
    s = Stack()
    lake_bucket(s, "raw", tags={"data-class": data_class})
    lake_bucket(s, "raw-replica", tags={"data-class": data_class}, provider_resource=provider(replica_region))
    rule = {"id": "to-replica", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::raw-replica"}}
    s.add(REPLICATION, "raw-replication", {"bucket": "raw", "rules": [rule]}, links={"bucket": "raw"})
    return s


def test_replicating_within_residency_passes():
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_replicating_outside_residency_fails():
    s = stack("us-west-2")
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "bucket raw replicates personal data to raw-replica in us-west-2; allowed: eu-central-1, eu-west-1",
            s.urn("raw-replication"),
        )
    ]


def test_replicating_to_a_bucket_outside_the_stack_fails():
    s = stack()
    s.props("raw-replication")["rules"][0]["destination"]["bucket"] = "arn:aws:s3:::elsewhere"
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "bucket raw replicates personal data to arn:aws:s3:::elsewhere, outside this stack: its region cannot be verified",
            s.urn("raw-replication"),
        )
    ]


def test_a_disabled_rule_is_not_judged():
    s = stack("us-west-2")
    s.props("raw-replication")["rules"][0]["status"] = "Disabled"
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_unknown_destination_cannot_be_judged():
    s = stack()
    s.props("raw-replication")["rules"][0]["destination"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_replicas_of_other_data_are_not_applicable():
    assert run(POLICY, stack("us-west-2", "curated").args(CONFIG)).not_applicable == (
        "the stack replicates no personal data"
    )
