import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_access_logging import POLICY
from tests.policies.harness import BASELINE_TAGS, UNKNOWN, Stack, lake_bucket, provider, run

CONFIG = {"layers": ["data"]}
LOGS = {"purpose": "s3-access-logs", "data-class": "platform"}


def stack():
    s = Stack()
    lake_bucket(s, "logs", tags=LOGS)
    lake_bucket(s, "inventory", tags={"purpose": "s3-inventory", "data-class": "platform"}, log_to="logs")
    lake_bucket(s, "lake-a", log_to="logs")
    return s


def test_buckets_logging_to_the_log_bucket_pass():
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_a_bucket_without_logging_fails():
    s = stack()
    s.remove("lake-a-logging")
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("bucket lake-a has no server access logging", s.urn("lake-a"))
    ]


def test_logging_to_a_data_bucket_fails():
    s = stack()
    lake_bucket(s, "lake-b", log_to="logs")
    s.specs["lake-a-logging"]["links"]["targetBucket"] = ["lake-b"]
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("bucket lake-a logs to ['lake-b'], not to a bucket tagged purpose=s3-access-logs", s.urn("lake-a"))
    ]


def test_logging_to_a_bucket_outside_the_stack_fails():
    s = stack()
    s.specs["lake-a-logging"]["links"].pop("targetBucket")
    s.props("lake-a-logging")["targetBucket"] = "somewhere-else"
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "bucket lake-a logs to a bucket outside the stack, not to a bucket tagged purpose=s3-access-logs",
            s.urn("lake-a"),
        )
    ]


def test_unknown_target_cannot_be_judged():
    s = stack()
    s.specs["lake-a-logging"]["links"].pop("targetBucket")
    s.props("lake-a-logging")["targetBucket"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_buckets_of_other_layers_are_not_applicable():
    s = Stack()
    lake_bucket(s, "archive", provider_resource=provider(tags={**BASELINE_TAGS, "layer": "org"}))
    assert run(POLICY, s.args(CONFIG)).not_applicable == "the stack has no bucket of layer data"
