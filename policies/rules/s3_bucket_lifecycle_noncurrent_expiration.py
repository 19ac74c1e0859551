"""s3-bucket-lifecycle-noncurrent-expiration: on a versioned bucket every overwrite and delete keeps the old
version, billed forever unless a rule expires it."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET_LIFECYCLE, COST_POLICY, as_list, number, resource_rule


def check(args, report_violation) -> None:
    expiring = [
        rule
        for rule in as_list(args.props.get("rules"))
        if rule.get("status") == "Enabled"
        and number((rule.get("noncurrentVersionExpiration") or {}).get("noncurrentDays")) is not None
    ]
    if not expiring:
        report_violation("no enabled rule expires noncurrent object versions")


POLICY = resource_rule(
    name="s3-bucket-lifecycle-noncurrent-expiration",
    description="Checks whether every S3 lifecycle configuration expires noncurrent object versions.",
    types=[BUCKET_LIFECYCLE],
    check=check,
    severity=Severity.LOW,
    framework=COST_POLICY,
    remediation="Add an enabled rule with `noncurrent_version_expiration={'noncurrent_days': N}`; Object Lock "
    "still keeps locked versions until their retention ends.",
)
