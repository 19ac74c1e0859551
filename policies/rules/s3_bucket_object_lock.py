"""s3-bucket-object-lock: a model names the snapshot it was trained on and a release names its evidence;
neither may change or disappear while the safety case relies on it, not even by an administrator."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET,
    BUCKET_OBJECT_LOCK,
    ISO_26262_DOCUMENTATION,
    Stack,
    effective_tags,
    name_of,
    number,
    stack_rule,
)


def retention_days(configuration) -> float | None:
    retention = (configuration.props.get("rule") or {}).get("defaultRetention") or {}
    if retention.get("mode") != "COMPLIANCE":
        return None
    days, years = number(retention.get("days")), number(retention.get("years"))
    return days if days is not None else (years * 365 if years is not None else None)


def check(args, report_violation) -> None:
    minimum_days = args.get_config()["minimumDays"]
    stack = Stack(args.resources)
    locked = [
        (bucket, effective_tags(bucket.props, bucket.provider).get("data-class"))
        for bucket in stack.of_type(BUCKET)
        if effective_tags(bucket.props, bucket.provider).get("data-class") in minimum_days
    ]
    if not locked:
        args.not_applicable(f"the stack has no bucket of data class {', '.join(minimum_days)}")
    for bucket, data_class in locked:
        required = minimum_days[data_class]
        if bucket.props.get("objectLockEnabled") is not True:
            report_violation(
                f"bucket {name_of(bucket)} ({data_class}) is created without Object Lock", bucket.urn
            )
            continue
        days = [retention_days(c) for c in stack.referencing(bucket, [BUCKET_OBJECT_LOCK], "bucket")]
        longest = max((d for d in days if d is not None), default=None)
        if longest is None:
            report_violation(
                f"bucket {name_of(bucket)} ({data_class}) has no default retention in COMPLIANCE mode",
                bucket.urn,
            )
        elif longest < required:
            report_violation(
                f"bucket {name_of(bucket)} ({data_class}) keeps objects locked {longest:g} days; "
                f"at least {required:g} required",
                bucket.urn,
            )


POLICY = stack_rule(
    name="s3-bucket-object-lock",
    description="Checks whether every bucket of an immutable data class (safety evidence, training snapshots) "
    "has Object Lock with a default retention in compliance mode of at least the class's minimum.",
    check=check,
    severity=Severity.CRITICAL,
    framework=ISO_26262_DOCUMENTATION,
    config={"minimumDays": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}},
    remediation="Give the zone `object_lock_days` of at least the class's minimum (core/platform_spec/tables/lake_classes.py); "
    "Object Lock can only be turned on when the bucket is created.",
)
