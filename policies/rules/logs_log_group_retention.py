"""logs-log-group-retention: CloudWatch Logs keeps events forever unless told otherwise, and bills every
GB every month; control-plane and flow logs of busy clusters grow by terabytes. Each log group expires
its events, after at least the minimum the audit needs."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import LOG_GROUP
from rules._support import COST_POLICY, number, resource_rule


def check(args, report_violation) -> None:
    minimum = args.get_config()["minimumDays"]
    days = number(args.props.get("retentionInDays"))
    if not days:
        report_violation("the log group keeps events forever (no retentionInDays)")
    elif days < minimum:
        report_violation(f"the log group keeps events {int(days)} days, less than the minimum of {minimum}")


POLICY = resource_rule(
    name="logs-log-group-retention",
    description="Checks whether every CloudWatch log group expires its events after a retention of at least "
    "the configured minimum, instead of keeping them forever.",
    types=[LOG_GROUP],
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config={"minimumDays": {"type": "integer", "minimum": 1}},
    remediation="Set `retention_in_days` (clusters: `log_retention_days` in environments/<env>.yaml) to a "
    "CloudWatch retention period of at least the configured minimum.",
)
