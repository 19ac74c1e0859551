import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_lifecycle_attached import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    lake_bucket(s, "lake-b")
    return s


def test_buckets_with_lifecycles_pass():
    assert run(POLICY, stack().args()).violations == []


def test_a_bucket_without_lifecycle_fails():
    s = stack()
    s.remove("lake-b-lifecycle")
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-b has no lifecycle configuration", s.urn("lake-b"))
    ]


def test_an_unlinked_lifecycle_with_unknown_bucket_cannot_be_judged():
    s = stack()
    s.specs["lake-a-lifecycle"]["links"] = {}
    s.props("lake-a-lifecycle")["bucket"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_buckets_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no S3 bucket"
