import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_encryption_attached import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    return s


def test_a_bucket_with_encryption_passes():
    assert run(POLICY, stack().args()).violations == []


def test_a_bucket_without_encryption_fails():
    s = stack()
    s.remove("lake-a-sse")
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a has no server-side encryption configuration", s.urn("lake-a"))
    ]


def test_an_unknown_bucket_name_is_linked_by_property_dependency():
    s = stack()
    s.props("lake-a-sse")["bucket"] = UNKNOWN
    assert run(POLICY, s.args()).violations == []
    s.specs["lake-a-sse"]["links"] = {}
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_buckets_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no S3 bucket"
