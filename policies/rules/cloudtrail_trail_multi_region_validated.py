"""cloudtrail-trail-multi-region-validated: a trail that misses regions or global services misses calls,
and log files without digests can be edited unnoticed."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ISO_26262_CONFIGURATION, TRAIL, resource_rule

REQUIRED = ("isMultiRegionTrail", "includeGlobalServiceEvents", "enableLogFileValidation")


def check(args, report_violation) -> None:
    off = [setting for setting in REQUIRED if args.props.get(setting) is not True]
    if args.props.get("includeGlobalServiceEvents") is None and "includeGlobalServiceEvents" in off:
        off.remove("includeGlobalServiceEvents")  # AWS's default is true
    if off:
        report_violation(f"not true: {', '.join(off)}")


POLICY = resource_rule(
    name="cloudtrail-trail-multi-region-validated",
    description="Checks whether every CloudTrail trail covers all regions and global services and signs its "
    "log files (log file validation).",
    types=[TRAIL],
    check=check,
    severity=Severity.HIGH,
    framework=ISO_26262_CONFIGURATION,
    remediation="Set is_multi_region_trail, include_global_service_events and enable_log_file_validation to True.",
)
