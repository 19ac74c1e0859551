import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_lifecycle_noncurrent_expiration import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
EXPIRING = {"id": "housekeeping", "status": "Enabled", "noncurrentVersionExpiration": {"noncurrentDays": 30}}


def args(*rule_list):
    return resource_args(LIFECYCLE, {"bucket": "b", "rules": list(rule_list)})


def test_expiring_noncurrent_versions_passes():
    assert run(POLICY, args(EXPIRING)).violations == []


def test_no_expiry_fails():
    assert run(POLICY, args({"id": "tiering", "status": "Enabled"})).messages == [
        "no enabled rule expires noncurrent object versions"
    ]


def test_a_disabled_expiry_fails():
    assert run(POLICY, args({**EXPIRING, "status": "Disabled"})).messages == [
        "no enabled rule expires noncurrent object versions"
    ]


def test_unknown_days_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args({**EXPIRING, "noncurrentVersionExpiration": {"noncurrentDays": UNKNOWN}}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:s3/bucket:Bucket", {})).not_applicable == f"applies to {LIFECYCLE}"
