import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_tiering import POLICY
from tests.policies.harness import BASELINE_TAGS, UNKNOWN, Stack, lake_bucket, provider, run

CONFIG = {"layers": ["data"]}
HOUSEKEEPING = [
    {"id": "housekeeping", "status": "Enabled", "noncurrentVersionExpiration": {"noncurrentDays": 30}}
]


def stack():
    s = Stack()
    lake_bucket(s, "lake-a")
    return s


def test_lifecycle_transitions_pass():
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_expiry_alone_passes():
    s = stack()
    s.props("lake-a-lifecycle")["rules"] = [
        {"id": "expire", "status": "Enabled", "expiration": {"days": 400}}
    ]
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_intelligent_tiering_alone_passes():
    s = stack()
    s.props("lake-a-lifecycle")["rules"] = HOUSEKEEPING
    s.add(
        "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration",
        "lake-a-tiering",
        {"bucket": "lake-a", "status": "Enabled"},
        links={"bucket": "lake-a"},
    )
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_a_bucket_that_stays_in_standard_fails():
    s = stack()
    s.props("lake-a-lifecycle")["rules"] = HOUSEKEEPING
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("bucket lake-a neither uses Intelligent-Tiering nor transitions or expires objects", s.urn("lake-a"))
    ]


def test_disabled_transitions_fail():
    s = stack()
    s.props("lake-a-lifecycle")["rules"][0]["status"] = "Disabled"
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("bucket lake-a neither uses Intelligent-Tiering nor transitions or expires objects", s.urn("lake-a"))
    ]


def test_unknown_rules_cannot_be_judged():
    s = stack()
    s.props("lake-a-lifecycle")["rules"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_buckets_of_other_layers_are_not_applicable():
    s = Stack()
    lake_bucket(s, "archive", provider_resource=provider(tags={**BASELINE_TAGS, "layer": "org"}))
    assert run(POLICY, s.args(CONFIG)).not_applicable == "the stack has no bucket of layer data"
