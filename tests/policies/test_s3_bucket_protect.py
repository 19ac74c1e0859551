import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_protect import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

BUCKET = "aws:s3/bucket:Bucket"


def test_a_protected_bucket_passes():
    assert run(POLICY, resource_args(BUCKET, {"bucket": "b"}, protect=True)).violations == []


def test_an_unprotected_bucket_fails():
    assert run(POLICY, resource_args(BUCKET, {"bucket": "b"})).messages == [
        "the bucket is not protected: `pulumi destroy` or a rename would delete it"
    ]


def test_protection_is_judged_even_when_properties_are_unknown():
    args = resource_args(BUCKET, {"bucket": UNKNOWN}, protect=True)
    assert run(POLICY, args).violations == []
    with pytest.raises(UnknownValueError):
        args.props["bucket"]


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:s3/bucketPolicy:BucketPolicy", {})).not_applicable
        == f"applies to {BUCKET}"
    )
