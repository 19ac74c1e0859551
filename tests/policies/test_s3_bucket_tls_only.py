import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_tls_only import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run, tls_policy

NO_TLS = "bucket lake-a: its policy does not deny requests without TLS (aws:SecureTransport)"


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    return s


def with_statement(**change):
    s = stack()
    document = tls_policy("lake-a")
    document["Statement"][0].update(change)
    s.props("lake-a-policy")["policy"] = json.dumps(document)
    return s


def test_a_tls_only_policy_passes():
    assert run(POLICY, stack().args()).violations == []


def test_a_missing_policy_fails():
    s = stack()
    s.remove("lake-a-policy")
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a has no bucket policy, so plain HTTP is allowed", s.urn("lake-a"))
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"Effect": "Allow"},
        {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Action": "s3:GetObject"},
        {"Resource": ["arn:aws:s3:::lake-a"]},
        {"Principal": {"AWS": "arn:aws:iam::1:root"}},
    ],
)
def test_a_weakened_statement_fails(change):
    s = with_statement(**change)
    assert run(POLICY, s.args()).violations == [(NO_TLS, s.urn("lake-a"))]


def test_a_dropped_statement_fails():
    s = stack()
    s.props("lake-a-policy")["policy"] = json.dumps({"Version": "2012-10-17", "Statement": []})
    assert run(POLICY, s.args()).violations == [(NO_TLS, s.urn("lake-a"))]


def test_an_unknown_policy_cannot_be_judged():
    s = stack()
    s.props("lake-a-policy")["policy"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_buckets_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no S3 bucket"
