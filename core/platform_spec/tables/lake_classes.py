"""What the lake requires of each data class: zones, default tiering, Object Lock, replication.

The data classes themselves (names, keys, personal data) are declared in environments/org.yaml;
this table is the storage policy for them, kept in code so that a change to it is a reviewed
change to the platform. A class used by a data product must have a row here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from platform_spec.tables import tiering

ZONES = ("raw", "curated", "training-snapshot")
"""raw: as ingested; curated: decoded, anonymized, indexed; training-snapshot: immutable cuts."""

ZONE_SUFFIX = {"raw": "raw", "curated": "curated", "training-snapshot": "snapshot"}
"""The zone's part of a bucket name (S3 names are at most 63 characters)."""


@dataclass(frozen=True, slots=True)
class LakeClass:
    zones: tuple[str, ...]
    """Zones that may hold the class."""
    access: str
    """Default access profile (components.tiering.ACCESS_PROFILES) when a zone names none."""
    noncurrent_days: int
    """Days an overwritten or deleted version is kept before lifecycle removes it."""
    object_lock_min_days: int | None
    """Object Lock in compliance mode, at least this many days; None: the class is not locked."""
    replication: bool
    """Whether copies in other regions are allowed (personal data: only within residency)."""
    safety_relevant: bool
    """Part of the ISO 26262 / ISO/PAS 8800 safety case (tag `safety-relevant`)."""


LAKE_CLASSES: dict[str, LakeClass] = {
    # Drive recordings as they come off the car: the only copy of a drive, personal data.
    "sensor-raw": LakeClass(
        zones=("raw",), access="ingest-then-archive", noncurrent_days=30,
        object_lock_min_days=None, replication=True, safety_relevant=False,
    ),
    # Decoded and anonymized data: who reads which drive next is unknown.
    "curated": LakeClass(
        zones=("curated",), access="unknown", noncurrent_days=30,
        object_lock_min_days=None, replication=True, safety_relevant=False,
    ),
    # Labels are edited in place during a project; keep their history for a quarter.
    "labels": LakeClass(
        zones=("raw", "curated"), access="hot", noncurrent_days=90,
        object_lock_min_days=None, replication=True, safety_relevant=False,
    ),
    # A model names the snapshot it was trained on: it must never change while it may be needed.
    "training-snapshot": LakeClass(
        zones=("training-snapshot",), access="train-then-archive", noncurrent_days=30,
        object_lock_min_days=365, replication=True, safety_relevant=True,
    ),
    # ISO 26262 release evidence: kept unaltered for at least ten years.
    "safety-evidence": LakeClass(
        zones=("curated",), access="evidence", noncurrent_days=365,
        object_lock_min_days=3650, replication=True, safety_relevant=True,
    ),
    # Simulation output can be regenerated from its scenarios: no second copy is paid for.
    "simulation": LakeClass(
        zones=("raw", "curated"), access="unknown", noncurrent_days=7,
        object_lock_min_days=None, replication=False, safety_relevant=False,
    ),
}  # fmt: skip


# --- names and rules that follow from the table --------------------------------------------

ACCESS_POINT_NAME_MAX = 50


def bucket_name(name_prefix: str, product: str, zone: str, region: str) -> str:
    """`<org>-<env>-<product>-<zone>-<region>`: readable in a bill and in an audit."""
    return f"{name_prefix}-{product}-{ZONE_SUFFIX[zone]}-{region}"


def access_point_name(product: str, zone: str, team: str) -> str:
    return f"{product}-{ZONE_SUFFIX[zone]}-{team}"


def access_point_teams(owner_team: str, consumers: Sequence[str], *, personal_data: bool) -> list[str]:
    """Teams with an access point on a zone: the owner, and the consumers where there is no personal data."""
    readers = [] if personal_data else [team for team in consumers if team != owner_team]
    return [owner_team, *dict.fromkeys(readers)]


def zone_lifecycle(
    data_class: str,
    *,
    access: str | None = None,
    transitions: Sequence[tiering.Transition] | None = None,
    retention_days: int | None = None,
) -> tiering.Lifecycle:
    """The lifecycle of a zone: explicit transitions, or those of its access profile (class default)."""
    rules = LAKE_CLASSES[data_class]
    if transitions is not None:
        return tiering.Lifecycle(
            transitions=tuple(transitions),
            expiration_days=retention_days,
            noncurrent_days=rules.noncurrent_days,
        )
    profile = tiering.ACCESS_PROFILES[access or rules.access]
    return tiering.Lifecycle(
        transitions=profile.transitions,
        intelligent_tiering=profile.intelligent_tiering,
        expiration_days=retention_days,
        noncurrent_days=rules.noncurrent_days,
    )


def zone_problems(
    zone: str,
    data_class: str,
    *,
    personal_data: bool,
    residency_regions: Sequence[str],
    region: str,
    access: str | None = None,
    transitions: Sequence[tiering.Transition] | None = None,
    retention_days: int | None = None,
    object_lock_days: int | None = None,
    replicate_to: Sequence[str] = (),
) -> list[tiering.TieringProblem]:
    """Everything wrong with a zone of a data product; paths are the zone's field names."""
    problems: list[tiering.TieringProblem] = []
    add = lambda path, value, message: problems.append(tiering.TieringProblem(path, value, message))  # noqa: E731
    if zone not in ZONES:
        add("", zone, f"unknown zone; allowed: {', '.join(ZONES)}")
        return problems
    rules = LAKE_CLASSES.get(data_class)
    if rules is None:
        add("data_class", data_class, f"no storage policy for this class; allowed: {', '.join(LAKE_CLASSES)}")
        return problems
    if zone not in rules.zones:
        add("data_class", data_class, f"{data_class} belongs in zone {' or '.join(rules.zones)}, not {zone}")
    if access is not None and transitions is not None:
        add("transitions", "set", "give either `access` or `transitions`, not both")
    elif access is not None and access not in tiering.ACCESS_PROFILES:
        add("access", access, f"unknown access profile; allowed: {', '.join(tiering.ACCESS_PROFILES)}")
    else:
        lifecycle = zone_lifecycle(
            data_class, access=access, transitions=transitions, retention_days=retention_days
        )
        for problem in tiering.lifecycle_problems(lifecycle):
            path = problem.path.replace("expiration_days", "retention_days")
            add(path, problem.value, problem.message)
    required = rules.object_lock_min_days
    if required is not None and object_lock_days is None:
        add(
            "object_lock_days",
            None,
            f"required: {data_class} is immutable (Object Lock, compliance mode) for at least {required} days",
        )
    elif required is not None and object_lock_days is not None and object_lock_days < required:
        add(
            "object_lock_days",
            object_lock_days,
            f"shorter than {data_class} requires: at least {required} days",
        )
    elif required is None and object_lock_days is not None:
        add("object_lock_days", object_lock_days, f"{data_class} is not Object-Locked; remove the field")
    if retention_days is not None and object_lock_days is not None and retention_days < object_lock_days:
        add(
            "retention_days",
            retention_days,
            f"expires objects before their Object Lock retention ({object_lock_days} days) ends",
        )
    if personal_data and retention_days is None:
        add("retention_days", None, f"required: {data_class} is personal data (GDPR storage limitation)")
    if personal_data and region not in residency_regions:
        add("region", region, f"personal data stays in its residency regions: {', '.join(residency_regions)}")
    if replicate_to and not rules.replication:
        add("replicate_to", list(replicate_to), f"{data_class} does not allow replication")
    elif rules.replication:
        for i, target in enumerate(replicate_to):
            if target == region:
                add(f"replicate_to[{i}]", target, "the zone's own region; name another region")
            elif personal_data and target not in residency_regions:
                add(
                    f"replicate_to[{i}]",
                    target,
                    f"personal data ({data_class}) is replicated only within its residency regions: "
                    f"{', '.join(residency_regions)}",
                )
    return problems


PERSONAL_DATA_STAYS = "personal data is never read from the training account: the keys of personal classes admit only the data account (stacks/foundation.py), and training reads anonymized zones"
"""Why no team role or file system in the training account reads personal data (ADR 0009)."""
