import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_lifecycle_abort_multipart import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
CONFIG = {"maximumDays": 7}


def rules(days=7.0, status="Enabled"):
    return [
        {"id": "tiering", "status": "Enabled", "transitions": [{"days": 30, "storageClass": "GLACIER_IR"}]},
        {
            "id": "housekeeping",
            "status": status,
            "abortIncompleteMultipartUpload": {"daysAfterInitiation": days},
        },
    ]


def args(rule_list):
    return resource_args(LIFECYCLE, {"bucket": "b", "rules": rule_list}, config=CONFIG)


def test_aborting_within_a_week_passes():
    assert run(POLICY, args(rules())).violations == []


def test_no_abort_rule_fails():
    assert run(POLICY, args(rules()[:1])).messages == ["no enabled rule aborts incomplete multipart uploads"]


def test_a_disabled_abort_rule_fails():
    assert run(POLICY, args(rules(status="Disabled"))).messages == [
        "no enabled rule aborts incomplete multipart uploads"
    ]


def test_aborting_too_late_fails():
    assert run(POLICY, args(rules(days=30))).messages == [
        "incomplete uploads are aborted after 30 days; at most 7 allowed"
    ]


def test_unknown_rules_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(UNKNOWN))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:s3/bucket:Bucket", {}, config=CONFIG)).not_applicable
        == f"applies to {LIFECYCLE}"
    )
