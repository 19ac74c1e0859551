"""kms-key-deletion-window: a deleted key makes its data unreadable for good, so deletion must wait long
enough for someone to notice and cancel it."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ISO_26262_DOCUMENTATION, KMS_KEY, number, resource_rule


def check(args, report_violation) -> None:
    minimum = args.get_config()["minimumDays"]
    days = number(args.props.get("deletionWindowInDays"))
    if days is None:
        # AWS's default when the property is omitted.
        days = 30
    if days < minimum:
        report_violation(f"deletionWindowInDays is {days:g}; at least {minimum:g} days are required")


POLICY = resource_rule(
    name="kms-key-deletion-window",
    description="Checks whether every KMS key waits at least the configured number of days before a "
    "scheduled deletion completes.",
    types=[KMS_KEY],
    check=check,
    severity=Severity.HIGH,
    framework=ISO_26262_DOCUMENTATION,
    config={"minimumDays": {"type": "integer", "minimum": 7, "maximum": 30}},
    remediation="Set `deletion_window_in_days` to at least the configured minimum (30 is the maximum AWS allows).",
)
