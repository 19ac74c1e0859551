"""The tiering table and S3's transition rules, without the Pulumi runtime."""

from __future__ import annotations

import pytest

from platform_spec.tables import lake_classes, tiering
from platform_spec.tables.tiering import IntelligentTieringArchive, Lifecycle, Transition


def problems(lifecycle: Lifecycle) -> list[tuple[str, object]]:
    return [(p.path, p.value) for p in tiering.lifecycle_problems(lifecycle)]


@pytest.mark.parametrize("profile", sorted(tiering.ACCESS_PROFILES))
def test_every_access_profile_is_a_valid_plan(profile):
    chosen = tiering.ACCESS_PROFILES[profile]
    lifecycle = Lifecycle(transitions=chosen.transitions, intelligent_tiering=chosen.intelligent_tiering)
    assert problems(lifecycle) == []


@pytest.mark.parametrize("data_class", sorted(lake_classes.LAKE_CLASSES))
def test_every_class_row_names_real_zones_and_a_profile(data_class):
    row = lake_classes.LAKE_CLASSES[data_class]
    assert set(row.zones) <= set(lake_classes.ZONES) and row.zones
    assert row.access in tiering.ACCESS_PROFILES
    assert row.noncurrent_days >= 1


def test_the_class_table_locks_exactly_snapshots_and_evidence():
    locked = {name: row.object_lock_min_days for name, row in lake_classes.LAKE_CLASSES.items()}
    assert {name: days for name, days in locked.items() if days is not None} == {
        "training-snapshot": 365,
        "safety-evidence": 3650,
    }
    assert [n for n, r in lake_classes.LAKE_CLASSES.items() if not r.replication] == ["simulation"]


def test_a_valid_waterfall_passes():
    lifecycle = Lifecycle(
        transitions=(
            Transition(30, "STANDARD_IA"),
            Transition(60, "INTELLIGENT_TIERING"),
            Transition(90, "GLACIER_IR"),
            Transition(180, "GLACIER"),
            Transition(270, "DEEP_ARCHIVE"),
        ),
        intelligent_tiering=None,
        expiration_days=450,
    )
    assert problems(lifecycle) == []


@pytest.mark.parametrize(
    ("transitions", "expected"),
    [
        # down the waterfall only
        ((Transition(90, "GLACIER"), Transition(200, "GLACIER_IR")), [("transitions[1].storage_class", "GLACIER_IR")]),
        ((Transition(30, "ONEZONE_IA"), Transition(90, "GLACIER_IR")), [("transitions[1].storage_class", "GLACIER_IR")]),
        ((Transition(30, "STANDARD"),), [("transitions[0].storage_class", "STANDARD")]),
        # Infrequent Access only after 30 days in Standard
        ((Transition(29, "STANDARD_IA"),), [("transitions[0].days", 29)]),
        # minimum storage durations: IA 30, Glacier IR 90, Glacier 90
        ((Transition(30, "STANDARD_IA"), Transition(59, "GLACIER")), [("transitions[1].days", 59)]),
        ((Transition(0, "GLACIER_IR"), Transition(89, "DEEP_ARCHIVE")), [("transitions[1].days", 89)]),
        ((Transition(0, "GLACIER"), Transition(89, "DEEP_ARCHIVE")), [("transitions[1].days", 89)]),
        # Intelligent-Tiering has no minimum, but days must still increase
        ((Transition(0, "INTELLIGENT_TIERING"), Transition(0, "GLACIER_IR")), [("transitions[1].days", 0)]),
        ((Transition(-1, "GLACIER"),), [("transitions[0].days", -1)]),
    ],
)  # fmt: skip
def test_impossible_transitions_are_rejected(transitions, expected):
    assert problems(Lifecycle(transitions=transitions)) == expected


def test_messages_say_what_is_allowed():
    (order,) = tiering.lifecycle_problems(
        Lifecycle(transitions=(Transition(90, "GLACIER"), Transition(200, "GLACIER_IR")))
    )
    assert order.message == (
        "S3 cannot transition GLACIER to GLACIER_IR; transitions go down STANDARD > STANDARD_IA > "
        "INTELLIGENT_TIERING > ONEZONE_IA > GLACIER_IR > GLACIER > DEEP_ARCHIVE (never ONEZONE_IA > GLACIER_IR)"
    )
    (duration,) = tiering.lifecycle_problems(
        Lifecycle(transitions=(Transition(30, "GLACIER_IR"), Transition(60, "DEEP_ARCHIVE")))
    )
    assert duration.message == (
        "GLACIER_IR has a minimum storage duration of 90 days (entered at day 30): "
        "the earliest next transition is day 120"
    )


@pytest.mark.parametrize(
    ("lifecycle", "expected"),
    [
        (Lifecycle(transitions=(Transition(30, "GLACIER_IR"),), expiration_days=119), [("expiration_days", 119)]),
        (Lifecycle(transitions=(Transition(30, "GLACIER_IR"),), expiration_days=120), []),
        (Lifecycle(transitions=(Transition(0, "DEEP_ARCHIVE"),), expiration_days=179), [("expiration_days", 179)]),
        (Lifecycle(expiration_days=0), [("expiration_days", 0)]),
        (Lifecycle(noncurrent_days=0), [("noncurrent_days", 0)]),
    ],
)  # fmt: skip
def test_expiry_waits_for_the_minimum_duration_of_the_last_class(lifecycle, expected):
    assert problems(lifecycle) == expected


@pytest.mark.parametrize(
    ("archive", "expected"),
    [
        (IntelligentTieringArchive(archive_days=89), [("intelligent_tiering.archive_days", 89)]),
        (IntelligentTieringArchive(deep_archive_days=731), [("intelligent_tiering.deep_archive_days", 731)]),
        (IntelligentTieringArchive(archive_days=200, deep_archive_days=180),
         [("intelligent_tiering.deep_archive_days", 180)]),
        (IntelligentTieringArchive(archive_days=None, deep_archive_days=None), [("intelligent_tiering", "set")]),
        (IntelligentTieringArchive(archive_days=None, deep_archive_days=180), []),
    ],
)  # fmt: skip
def test_intelligent_tiering_archive_tiers_follow_s3_bounds(archive, expected):
    lifecycle = Lifecycle(transitions=(Transition(0, "INTELLIGENT_TIERING"),), intelligent_tiering=archive)
    assert problems(lifecycle) == expected


def test_archive_tiers_without_intelligent_tiering_are_rejected():
    assert problems(Lifecycle(intelligent_tiering=IntelligentTieringArchive())) == [
        ("intelligent_tiering", "set")
    ]


def test_rules_always_remove_old_versions_and_abandoned_uploads():
    assert tiering.lifecycle_rules(Lifecycle(noncurrent_days=90)) == [
        {
            "id": "versions-and-uploads",
            "status": "Enabled",
            "filter": {},
            "noncurrent_version_expiration": {"noncurrent_days": 90},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
        }
    ]


def test_rules_carry_transitions_and_expiry():
    lifecycle = lake_classes.zone_lifecycle("sensor-raw", retention_days=1825)
    assert tiering.lifecycle_rules(lifecycle) == [
        {
            "id": "tiering",
            "status": "Enabled",
            "filter": {},
            "transitions": [
                {"days": 30, "storage_class": "GLACIER_IR"},
                {"days": 180, "storage_class": "DEEP_ARCHIVE"},
            ],
            "expiration": {"days": 1825},
        },
        {
            "id": "versions-and-uploads",
            "status": "Enabled",
            "filter": {},
            "noncurrent_version_expiration": {"noncurrent_days": 30},
            "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
        },
    ]


def test_unknown_access_means_intelligent_tiering_with_archive_tiers():
    lifecycle = lake_classes.zone_lifecycle("curated")
    assert lifecycle.transitions == (Transition(0, "INTELLIGENT_TIERING"),)
    assert tiering.intelligent_tiering_tierings(lifecycle.intelligent_tiering) == [
        {"access_tier": "ARCHIVE_ACCESS", "days": 90},
        {"access_tier": "DEEP_ARCHIVE_ACCESS", "days": 180},
    ]


def test_a_zone_may_override_the_class_profile():
    assert lake_classes.zone_lifecycle("curated", access="hot").transitions == ()
    explicit = lake_classes.zone_lifecycle("curated", transitions=[Transition(30, "STANDARD_IA")])
    assert explicit.transitions == (Transition(30, "STANDARD_IA"),) and explicit.intelligent_tiering is None


def zone(zone_key="raw", data_class="sensor-raw", **overrides):
    arguments = dict(personal_data=True, residency_regions=["eu-central-1", "eu-west-1"], region="eu-central-1",
                     retention_days=730)  # fmt: skip
    arguments.update(overrides)
    return [
        (p.path, p.value, p.message) for p in lake_classes.zone_problems(zone_key, data_class, **arguments)
    ]


def test_zone_rules():
    assert zone() == []
    assert zone(replicate_to=["eu-west-1"]) == []
    assert zone(replicate_to=["us-west-2"]) == [
        ("replicate_to[0]", "us-west-2", "personal data (sensor-raw) is replicated only within its residency "
         "regions: eu-central-1, eu-west-1"),
    ]  # fmt: skip
    assert zone(replicate_to=["eu-central-1"]) == [
        ("replicate_to[0]", "eu-central-1", "the zone's own region; name another region")
    ]
    assert zone(region="us-east-1") == [
        ("region", "us-east-1", "personal data stays in its residency regions: eu-central-1, eu-west-1")
    ]
    assert zone("lake", "sensor-raw") == [
        ("", "lake", "unknown zone; allowed: raw, curated, training-snapshot")
    ]
    assert zone("raw", "platform")[0][:2] == ("data_class", "platform")
    assert zone("training-snapshot", "training-snapshot", personal_data=False, retention_days=None,
                object_lock_days=365) == []  # fmt: skip
    assert zone("training-snapshot", "training-snapshot", personal_data=False, retention_days=300,
                object_lock_days=400, access="hot") == [
        ("retention_days", 300, "expires objects before their Object Lock retention (400 days) ends")
    ]  # fmt: skip
    assert zone("curated", "simulation", personal_data=False, retention_days=None, access="unknwon") == [
        ("access", "unknwon",
         "unknown access profile; allowed: hot, unknown, ingest-then-archive, train-then-archive, evidence")
    ]  # fmt: skip
