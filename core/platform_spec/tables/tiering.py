"""How lake objects age: storage classes, S3's transition rules, and the access profiles.

Pure data and checks, no Pulumi: the spec loader reports a bad tiering plan with its file and
field, the `LakeBucket` component refuses one, and both use `lifecycle_problems` below.

S3 rules enforced (Amazon S3 User Guide, "Transitioning objects using Amazon S3 Lifecycle",
and the storage-class comparison table):
- transitions only go down the waterfall STANDARD > STANDARD_IA > INTELLIGENT_TIERING >
  ONEZONE_IA > GLACIER_IR > GLACIER > DEEP_ARCHIVE, and never ONEZONE_IA > GLACIER_IR;
- objects must stay 30 days in STANDARD before moving to STANDARD_IA or ONEZONE_IA;
- an object leaves a class only after the class's minimum storage duration (IA 30 days,
  Glacier Instant and Flexible Retrieval 90, Deep Archive 180); expiring earlier pays the
  remaining days anyway, so a plan that does it is rejected, not just discouraged;
- Intelligent-Tiering's Archive Access tier starts after 90 to 730 days and Deep Archive
  Access after 180 to 730 days, later than Archive Access.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The lifecycle waterfall, from the most to the least expensive storage.
WATERFALL = (
    "STANDARD",
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
)
TRANSITION_TARGETS = WATERFALL[1:]
MINIMUM_DAYS = {
    "STANDARD": 0,
    "STANDARD_IA": 30,
    "INTELLIGENT_TIERING": 0,
    "ONEZONE_IA": 30,
    "GLACIER_IR": 90,
    "GLACIER": 90,
    "DEEP_ARCHIVE": 180,
}
UNSUPPORTED = {("ONEZONE_IA", "GLACIER_IR")}
ABORT_INCOMPLETE_UPLOADS_DAYS = 7
"""Parts of an upload nobody completed are billed as Standard storage until removed."""


@dataclass(frozen=True, slots=True)
class Transition:
    days: int
    """Object age, in days after creation, at which it moves."""
    storage_class: str


@dataclass(frozen=True, slots=True)
class IntelligentTieringArchive:
    """Opt-in asynchronous tiers of Intelligent-Tiering (objects need a restore before a read)."""

    archive_days: int | None = 90
    deep_archive_days: int | None = 180


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """Everything about how a bucket's objects age; rendered to S3 lifecycle and IT configurations."""

    transitions: tuple[Transition, ...] = ()
    intelligent_tiering: IntelligentTieringArchive | None = None
    """Set when objects move to INTELLIGENT_TIERING: its archive tiers."""
    expiration_days: int | None = None
    """Current versions expire at this age (the retention); None keeps them."""
    noncurrent_days: int = 30
    """Overwritten and deleted versions are removed this many days after they stop being current."""


@dataclass(frozen=True, slots=True)
class AccessProfile:
    """A known (or unknown) access pattern, and the tiering it calls for."""

    description: str
    transitions: tuple[Transition, ...] = ()
    intelligent_tiering: IntelligentTieringArchive | None = None


# The access profiles a zone picks from (or a class defaults to). Read this table to know
# what storage every byte of the lake ends up in.
ACCESS_PROFILES: dict[str, AccessProfile] = {
    "hot": AccessProfile("read every day (labels in active projects): stays in Standard"),
    "unknown": AccessProfile(
        "access cannot be predicted: Intelligent-Tiering from day 0, with its archive tiers",
        transitions=(Transition(0, "INTELLIGENT_TIERING"),),
        intelligent_tiering=IntelligentTieringArchive(archive_days=90, deep_archive_days=180),
    ),
    "ingest-then-archive": AccessProfile(
        "read while being decoded and curated in the first month, then almost never",
        transitions=(Transition(30, "GLACIER_IR"), Transition(180, "DEEP_ARCHIVE")),
    ),
    "train-then-archive": AccessProfile(
        "read by training for about a quarter, then only for audits and retraining",
        transitions=(Transition(90, "GLACIER_IR"), Transition(365, "DEEP_ARCHIVE")),
    ),
    "evidence": AccessProfile(
        "written once, read in audits that need answers within minutes",
        transitions=(Transition(30, "GLACIER_IR"),),
    ),
}


@dataclass(frozen=True, slots=True)
class TieringProblem:
    path: str
    """Field path relative to the lifecycle, e.g. `transitions[1].days`."""
    value: object
    message: str


@dataclass
class _Collector:
    items: list[TieringProblem] = field(default_factory=list)

    def add(self, path: str, value: object, message: str) -> None:
        self.items.append(TieringProblem(path, value, message))


def lifecycle_problems(lifecycle: Lifecycle) -> list[TieringProblem]:
    """Every way `lifecycle` breaks S3's rules or pays for storage it has already left."""
    found = _Collector()
    current, entered = "STANDARD", 0
    for i, step in enumerate(lifecycle.transitions):
        where = f"transitions[{i}]"
        if step.storage_class not in TRANSITION_TARGETS:
            found.add(
                f"{where}.storage_class",
                step.storage_class,
                f"not a transition target; allowed: {', '.join(TRANSITION_TARGETS)}",
            )
            continue
        if step.days < 0:
            found.add(f"{where}.days", step.days, "days after creation cannot be negative")
            continue
        if WATERFALL.index(step.storage_class) <= WATERFALL.index(current) or (
            (current, step.storage_class) in UNSUPPORTED
        ):
            found.add(
                f"{where}.storage_class",
                step.storage_class,
                f"S3 cannot transition {current} to {step.storage_class}; "
                f"transitions go down {' > '.join(WATERFALL)} (never ONEZONE_IA > GLACIER_IR)",
            )
            continue
        if step.storage_class in ("STANDARD_IA", "ONEZONE_IA") and step.days < 30:
            found.add(
                f"{where}.days", step.days, f"S3 moves objects to {step.storage_class} at 30 days or later"
            )
        earliest = entered + MINIMUM_DAYS[current]
        if step.days < earliest or (i > 0 and step.days <= entered):
            found.add(
                f"{where}.days",
                step.days,
                f"{current} has a minimum storage duration of {MINIMUM_DAYS[current]} days "
                f"(entered at day {entered}): the earliest next transition is day {max(earliest, entered + 1)}",
            )
        current, entered = step.storage_class, step.days
    if lifecycle.expiration_days is not None:
        earliest = max(entered + MINIMUM_DAYS[current], 1)
        if lifecycle.expiration_days < earliest:
            where = (
                f"the last transition moves objects to {current} at day {entered}"
                if entered or (current != "STANDARD")
                else "objects start in STANDARD"
            )
            found.add(
                "expiration_days",
                lifecycle.expiration_days,
                f"{where} (minimum storage {MINIMUM_DAYS[current]} days): expire them at day {earliest} or later",
            )
    if lifecycle.noncurrent_days < 1:
        found.add("noncurrent_days", lifecycle.noncurrent_days, "at least 1 day")
    moves_to_it = any(t.storage_class == "INTELLIGENT_TIERING" for t in lifecycle.transitions)
    archive = lifecycle.intelligent_tiering
    if archive is not None and not moves_to_it:
        found.add("intelligent_tiering", "set", "archive tiers need a transition to INTELLIGENT_TIERING")
    if archive is not None:
        if archive.archive_days is not None and not 90 <= archive.archive_days <= 730:
            found.add("intelligent_tiering.archive_days", archive.archive_days, "from 90 to 730 days")
        if archive.deep_archive_days is not None:
            if not 180 <= archive.deep_archive_days <= 730:
                found.add(
                    "intelligent_tiering.deep_archive_days", archive.deep_archive_days, "from 180 to 730 days"
                )
            elif archive.archive_days is not None and archive.deep_archive_days <= archive.archive_days:
                found.add(
                    "intelligent_tiering.deep_archive_days",
                    archive.deep_archive_days,
                    f"must be later than archive_days ({archive.archive_days})",
                )
        if archive.archive_days is None and archive.deep_archive_days is None:
            found.add("intelligent_tiering", "set", "enable at least one archive tier, or leave it out")
    return found.items


def lifecycle_rules(lifecycle: Lifecycle) -> list[dict]:
    """The S3 lifecycle rules (pulumi_aws input shape) that carry out `lifecycle`."""
    rules = []
    if lifecycle.transitions or lifecycle.expiration_days is not None:
        tiering: dict = {"id": "tiering", "status": "Enabled", "filter": {}}
        if lifecycle.transitions:
            tiering["transitions"] = [
                {"days": t.days, "storage_class": t.storage_class} for t in lifecycle.transitions
            ]
        if lifecycle.expiration_days is not None:
            tiering["expiration"] = {"days": lifecycle.expiration_days}
        rules.append(tiering)
    rules.append(
        {
            "id": "versions-and-uploads",
            "status": "Enabled",
            "filter": {},
            "noncurrent_version_expiration": {"noncurrent_days": lifecycle.noncurrent_days},
            "abort_incomplete_multipart_upload": {"days_after_initiation": ABORT_INCOMPLETE_UPLOADS_DAYS},
        }
    )
    return rules


def intelligent_tiering_tierings(archive: IntelligentTieringArchive) -> list[dict]:
    """The tierings of an S3 Intelligent-Tiering configuration (pulumi_aws input shape)."""
    tierings = []
    if archive.archive_days is not None:
        tierings.append({"access_tier": "ARCHIVE_ACCESS", "days": archive.archive_days})
    if archive.deep_archive_days is not None:
        tierings.append({"access_tier": "DEEP_ARCHIVE_ACCESS", "days": archive.deep_archive_days})
    return tierings
