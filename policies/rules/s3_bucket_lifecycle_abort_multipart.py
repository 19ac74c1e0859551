"""s3-bucket-lifecycle-abort-multipart: parts of failed multipart uploads are billed like objects and are
invisible in listings; at petabyte scale they add up."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import BUCKET_LIFECYCLE, COST_POLICY, as_list, number, resource_rule


def check(args, report_violation) -> None:
    maximum = args.get_config()["maximumDays"]
    days = [
        number((rule.get("abortIncompleteMultipartUpload") or {}).get("daysAfterInitiation"))
        for rule in as_list(args.props.get("rules"))
        if rule.get("status") == "Enabled" and rule.get("abortIncompleteMultipartUpload")
    ]
    days = [d for d in days if d is not None]
    if not days:
        report_violation("no enabled rule aborts incomplete multipart uploads")
    elif min(days) > maximum:
        report_violation(
            f"incomplete uploads are aborted after {min(days):g} days; at most {maximum:g} allowed"
        )


POLICY = resource_rule(
    name="s3-bucket-lifecycle-abort-multipart",
    description="Checks whether every S3 lifecycle configuration aborts incomplete multipart uploads within "
    "the configured number of days.",
    types=[BUCKET_LIFECYCLE],
    check=check,
    severity=Severity.LOW,
    framework=COST_POLICY,
    config={"maximumDays": {"type": "integer", "minimum": 1}},
    remediation="Add an enabled rule with `abort_incomplete_multipart_upload={'days_after_initiation': 7}` "
    "(core/platform_spec/tables/tiering.py adds it to every lake bucket).",
)
