import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_versioning_enabled import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    return s


def test_enabled_versioning_passes():
    assert run(POLICY, stack().args()).violations == []


def test_suspended_versioning_fails():
    s = stack()
    s.props("lake-a-versioning")["versioningConfiguration"]["status"] = "Suspended"
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a: versioning is ['Suspended'], not Enabled", s.urn("lake-a"))
    ]


def test_missing_versioning_fails():
    s = stack()
    s.remove("lake-a-versioning")
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a: versioning is not configured, not Enabled", s.urn("lake-a"))
    ]


def test_unknown_status_cannot_be_judged():
    s = stack()
    s.props("lake-a-versioning")["versioningConfiguration"]["status"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_buckets_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no S3 bucket"
