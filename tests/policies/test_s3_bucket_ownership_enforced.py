import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_ownership_enforced import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    return s


def test_enforced_ownership_passes():
    assert run(POLICY, stack().args()).violations == []


def test_acls_enabled_fail():
    s = stack()
    s.props("lake-a-ownership")["rule"]["objectOwnership"] = "ObjectWriter"
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a: object ownership is ['ObjectWriter'], not BucketOwnerEnforced", s.urn("lake-a"))
    ]


def test_missing_controls_fail():
    s = stack()
    s.remove("lake-a-ownership")
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a: object ownership is not set, not BucketOwnerEnforced", s.urn("lake-a"))
    ]


def test_unknown_ownership_cannot_be_judged():
    s = stack()
    s.props("lake-a-ownership")["rule"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_buckets_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no S3 bucket"
