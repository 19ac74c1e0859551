import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_public_access_block_enabled import POLICY, SETTINGS
from tests.policies.harness import UNKNOWN, resource_args, run

PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
ALL_ON = {setting: True for setting in SETTINGS}


def test_all_four_settings_pass():
    assert run(POLICY, resource_args(PAB, {"bucket": "b", **ALL_ON})).violations == []


@pytest.mark.parametrize("setting", SETTINGS)
def test_each_setting_turned_off_fails(setting):
    assert run(POLICY, resource_args(PAB, {**ALL_ON, setting: False})).messages == [f"not true: {setting}"]


def test_a_missing_setting_fails():
    assert run(POLICY, resource_args(PAB, {"blockPublicAcls": True})).messages == [
        "not true: blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets"
    ]


def test_unknown_setting_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(PAB, {**ALL_ON, "blockPublicPolicy": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:s3/bucket:Bucket", {})).not_applicable == f"applies to {PAB}"
