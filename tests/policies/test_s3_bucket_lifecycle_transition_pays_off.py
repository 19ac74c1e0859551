import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_lifecycle_transition_pays_off import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, provider, run

US_EAST = provider("us-east-1")


def zone(object_kib: float = 64 * 1024, age: float = 730) -> dict:
    return {"volume_gb": 1024, "mean_object_kib": object_kib, "age_days": age, "read_until_days": 30,
            "late_read_fraction": 0}  # fmt: skip


def stack() -> Stack:
    """A lake bucket of zone a/raw that moves objects to Glacier IR at day 30 (harness.lake_bucket)."""
    s = Stack()
    lake_bucket(s, "lake-a", tags={"data-class": "sensor-raw", "data-product": "a", "zone": "raw"},
                provider_resource=US_EAST)  # fmt: skip
    return s


def test_a_transition_of_large_objects_for_a_long_stay_passes():
    assert run(POLICY, stack().args({"zones": {"a/raw": zone()}})).violations == []


def test_small_objects_sent_to_deep_archive_fail():
    s = stack()
    s.props("lake-a-lifecycle")["rules"][0]["transitions"] = [{"days": 30, "storageClass": "DEEP_ARCHIVE"}]
    s.props("lake-a-lifecycle")["transitionDefaultMinimumObjectSize"] = "varies_by_storage_class"
    assert run(POLICY, s.args({"zones": {"a/raw": zone(object_kib=16)}})).violations == [
        (
            "bucket lake-a: the transition to DEEP_ARCHIVE at day 30 costs $0.0500 per 1,000 objects of 0.015625 MiB "
            "in requests, more than the $0.0030 it saves over their 700 days there (minimum duration and overheads "
            "included)",
            s.urn("lake-a"),
        )
    ]


def test_a_transition_just_before_expiry_fails():
    s = stack()
    s.props("lake-a-lifecycle")["rules"][0]["transitions"] = [{"days": 30, "storageClass": "STANDARD_IA"}]
    s.props("lake-a-lifecycle")["rules"][0]["expiration"] = {"days": 40}
    assert run(POLICY, s.args({"zones": {"a/raw": zone()}})).messages == [
        "bucket lake-a: the transition to STANDARD_IA at day 30 costs $0.0100 per 1,000 objects of 64 MiB in "
        "requests, and $0.2979 more storage over their 10 days there (minimum duration and overheads included)"
    ]


def test_small_objects_under_the_default_minimum_size_never_transition():
    s = stack()
    assert run(POLICY, s.args({"zones": {"a/raw": zone(object_kib=16)}})).not_applicable == (
        "no lake bucket of a known zone transitions objects"
    )


def test_an_unknown_lifecycle_cannot_be_judged():
    s = stack()
    s.props("lake-a-lifecycle")["rules"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args({"zones": {"a/raw": zone()}}))


def test_buckets_of_no_known_zone_are_not_applicable():
    assert (
        run(POLICY, stack().args({"zones": {}})).not_applicable
        == "no lake bucket of a known zone transitions objects"
    )
