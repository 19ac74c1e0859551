import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_force_destroy_disabled import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

BUCKET = "aws:s3/bucket:Bucket"


@pytest.mark.parametrize("props", [{"forceDestroy": False}, {}])
def test_a_bucket_without_force_destroy_passes(props):
    assert run(POLICY, resource_args(BUCKET, props)).violations == []


def test_force_destroy_fails():
    assert run(POLICY, resource_args(BUCKET, {"forceDestroy": True})).messages == [
        "forceDestroy is true: deleting the bucket would first delete every object version"
    ]


def test_unknown_force_destroy_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(BUCKET, {"forceDestroy": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:kms/key:Key", {})).not_applicable == f"applies to {BUCKET}"
