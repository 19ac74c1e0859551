import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_access_point_public_access_block import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"
BLOCK = {
    "blockPublicAcls": True,
    "blockPublicPolicy": True,
    "ignorePublicAcls": True,
    "restrictPublicBuckets": True,
}


def args(block):
    return resource_args(ACCESS_POINT, {"bucket": "b", "name": "ap", "publicAccessBlockConfiguration": block})


def test_a_closed_access_point_passes():
    assert run(POLICY, args(BLOCK)).violations == []


def test_a_missing_block_fails():
    assert run(POLICY, resource_args(ACCESS_POINT, {"bucket": "b"})).messages == [
        "publicAccessBlockConfiguration does not set: blockPublicAcls, blockPublicPolicy, ignorePublicAcls, "
        "restrictPublicBuckets"
    ]


def test_an_opened_setting_fails():
    assert run(POLICY, args({**BLOCK, "restrictPublicBuckets": False})).messages == [
        "publicAccessBlockConfiguration does not set: restrictPublicBuckets"
    ]


def test_unknown_block_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(UNKNOWN))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:s3/bucket:Bucket", {})).not_applicable == f"applies to {ACCESS_POINT}"
    )
