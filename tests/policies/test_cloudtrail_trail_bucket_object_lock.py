import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.cloudtrail_trail_bucket_object_lock import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run

TRAIL = "aws:cloudtrail/trail:Trail"
CONFIG = {"minimumDays": 2557}


def stack(lock_days=2557):
    s = Stack()
    lake_bucket(s, "archive", tags={}, lock_days=lock_days)
    s.add(
        TRAIL,
        "trail",
        {"isOrganizationTrail": True, "s3BucketName": "archive"},
        links={"s3BucketName": "archive"},
    )
    return s


def test_a_locked_archive_passes():
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_the_archive_found_by_name_passes():
    s = stack()
    s.specs["trail"]["links"] = {}
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_a_short_lock_fails():
    s = stack(365)
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("bucket archive locks trail logs for 365 days; at least 2557 required", s.urn("archive"))
    ]


def test_an_unlocked_archive_fails():
    s = stack(None)
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "trail trail writes to bucket archive, which has no Object Lock retention in COMPLIANCE mode",
            s.urn("archive"),
        )
    ]


def test_a_bucket_outside_the_stack_fails():
    s = stack()
    s.specs["trail"]["links"] = {}
    s.props("trail")["s3BucketName"] = "elsewhere"
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("trail trail writes to a bucket outside this stack", s.urn("trail"))
    ]


def test_unknown_bucket_cannot_be_judged():
    s = stack()
    s.specs["trail"]["links"] = {}
    s.props("trail")["s3BucketName"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_stacks_without_an_organization_trail_are_not_applicable():
    s = stack()
    s.props("trail")["isOrganizationTrail"] = False
    assert run(POLICY, s.args(CONFIG)).not_applicable == "the stack has no organization trail"
