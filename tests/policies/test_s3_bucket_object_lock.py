import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_object_lock import POLICY
from tests.policies.harness import UNKNOWN, Stack, lake_bucket, run

CONFIG = {"minimumDays": {"safety-evidence": 3650, "training-snapshot": 365}}


def stack():
    s = Stack()
    lake_bucket(s, "snapshots", tags={"data-class": "training-snapshot"}, lock_days=365)
    lake_bucket(s, "evidence", tags={"data-class": "safety-evidence"}, lock_days=3650)
    lake_bucket(s, "curated")
    return s


def test_locked_classes_with_enough_retention_pass():
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_retention_in_years_counts():
    s = stack()
    s.props("evidence-lock")["rule"]["defaultRetention"] = {"mode": "COMPLIANCE", "years": 10}
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_a_bucket_created_without_object_lock_fails():
    s = stack()
    s.props("snapshots").pop("objectLockEnabled")
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("bucket snapshots (training-snapshot) is created without Object Lock", s.urn("snapshots"))
    ]


def test_governance_mode_fails():
    s = stack()
    s.props("evidence-lock")["rule"]["defaultRetention"]["mode"] = "GOVERNANCE"
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("bucket evidence (safety-evidence) has no default retention in COMPLIANCE mode", s.urn("evidence"))
    ]


def test_a_missing_lock_configuration_fails():
    s = stack()
    s.remove("snapshots-lock")
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "bucket snapshots (training-snapshot) has no default retention in COMPLIANCE mode",
            s.urn("snapshots"),
        )
    ]


def test_too_short_a_retention_fails():
    s = stack()
    s.props("evidence-lock")["rule"]["defaultRetention"]["days"] = 365
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "bucket evidence (safety-evidence) keeps objects locked 365 days; at least 3650 required",
            s.urn("evidence"),
        )
    ]


def test_unknown_retention_cannot_be_judged():
    s = stack()
    s.props("evidence-lock")["rule"]["defaultRetention"]["days"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_stacks_without_locked_classes_are_not_applicable():
    s = Stack()
    lake_bucket(s, "curated")
    assert run(POLICY, s.args(CONFIG)).not_applicable == (
        "the stack has no bucket of data class safety-evidence, training-snapshot"
    )
