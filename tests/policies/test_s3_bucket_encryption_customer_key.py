import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_encryption_customer_key import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run

AES = {"sseAlgorithm": "AES256"}


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    lake_bucket(s, "logs", tags={"purpose": "s3-access-logs", "data-class": "platform"}, sse=AES)
    lake_bucket(s, "inventory", tags={"purpose": "s3-inventory", "data-class": "platform"}, sse=AES)
    return s


def test_kms_for_data_and_sse_s3_for_delivery_targets_pass():
    assert run(POLICY, stack().args()).violations == []


def test_sse_s3_on_a_data_bucket_fails():
    s = stack()
    s.props("lake-a-sse")["rules"][0]["applyServerSideEncryptionByDefault"] = AES
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a encrypts with AES256, not with a customer-managed KMS key", s.urn("lake-a"))
    ]


def test_kms_without_a_key_fails():
    s = stack()
    s.props("lake-a-sse")["rules"][0]["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "aws:kms"}
    assert run(POLICY, s.args()).violations == [
        ("bucket lake-a encrypts with aws:kms, not with a customer-managed KMS key", s.urn("lake-a"))
    ]


def test_only_the_two_delivery_purposes_are_exempt():
    s = stack()
    s.props("logs")["tags"]["purpose"] = "exports"
    assert run(POLICY, s.args()).violations == [
        ("bucket logs encrypts with AES256, not with a customer-managed KMS key", s.urn("logs"))
    ]


def test_a_delivery_target_still_needs_default_encryption():
    s = stack()
    s.props("logs-sse")["rules"] = []
    assert run(POLICY, s.args()).violations == [
        ("bucket logs (s3-access-logs) has no default encryption", s.urn("logs"))
    ]


def test_unknown_algorithm_cannot_be_judged():
    s = stack()
    s.props("lake-a-sse")["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_buckets_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no S3 bucket"
