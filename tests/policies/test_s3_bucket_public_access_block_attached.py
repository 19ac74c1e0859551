import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_public_access_block_attached import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    return s


def test_a_bucket_with_a_block_passes():
    assert run(POLICY, stack().args()).violations == []


def test_a_bucket_without_a_block_fails():
    s = stack()
    s.remove("lake-a-pab")
    assert run(POLICY, s.args()).violations == [("bucket lake-a has no public access block", s.urn("lake-a"))]


def test_a_block_linked_by_name_only_counts():
    s = stack()
    s.specs["lake-a-pab"]["links"] = {}
    assert run(POLICY, s.args()).violations == []


def test_an_unlinked_block_with_unknown_bucket_cannot_be_judged():
    s = stack()
    s.specs["lake-a-pab"]["links"] = {}
    s.props("lake-a-pab")["bucket"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_buckets_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no S3 bucket"
