"""s3-bucket-tiering: petabytes of drive data that nobody reads after a month must not stay in S3 Standard."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET_LIFECYCLE,
    BUCKET_TIERING,
    COST_POLICY,
    LAYERS_CONFIG,
    Stack,
    as_list,
    lake_buckets_or_not_applicable,
    name_of,
    stack_rule,
)


def moves_or_expires(lifecycle) -> bool:
    return any(
        rule.get("status") == "Enabled" and (as_list(rule.get("transitions")) or rule.get("expiration"))
        for rule in as_list(lifecycle.props.get("rules"))
    )


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    for bucket in lake_buckets_or_not_applicable(args, stack):
        tiering = [
            t
            for t in stack.referencing(bucket, [BUCKET_TIERING], "bucket")
            if t.props.get("status") == "Enabled"
        ]
        lifecycles = [
            lc for lc in stack.referencing(bucket, [BUCKET_LIFECYCLE], "bucket") if moves_or_expires(lc)
        ]
        if not tiering and not lifecycles:
            report_violation(
                f"bucket {name_of(bucket)} neither uses Intelligent-Tiering nor transitions or expires objects",
                bucket.urn,
            )


POLICY = stack_rule(
    name="s3-bucket-tiering",
    description="Checks whether every lake bucket moves its objects out of S3 Standard: an enabled "
    "Intelligent-Tiering configuration, or lifecycle transitions or expiry.",
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config=LAYERS_CONFIG,
    # A zone may stay in Standard on purpose (`access: hot`), so the configs keep this rule advisory: such
    # a zone shows up in every review without blocking it.
    remediation="Give the zone an access profile or explicit transitions (docs/data-lake.md), or a retention; "
    "`access: hot` keeps it in Standard deliberately.",
)
