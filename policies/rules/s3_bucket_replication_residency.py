"""s3-bucket-replication-residency: a replica of personal data is a copy in another region; it must stay
within residency like the source, and the gate must be able to see where it goes."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET,
    BUCKET_REPLICATION,
    GDPR_TRANSFERS,
    RESIDENCY_CONFIG,
    Stack,
    as_list,
    effective_tags,
    name_of,
    resource_region,
    stack_rule,
)
from rules.s3_bucket_personal_data_residency import holds_personal_data


def check(args, report_violation) -> None:
    config = args.get_config()
    stack = Stack(args.resources)
    personal = [
        (replication, source)
        for replication in stack.of_type(BUCKET_REPLICATION)
        for source in stack.referenced(replication, "bucket")
        if holds_personal_data(effective_tags(source.props, source.provider), config["personalDataClasses"])
    ]
    if not personal:
        args.not_applicable("the stack replicates no personal data")
    by_arn = {b.props.get("arn"): b for b in stack.of_type(BUCKET)}
    for replication, source in personal:
        for rule in as_list(replication.props.get("rules")):
            if rule.get("status") != "Enabled":
                continue
            arn = (rule.get("destination") or {}).get("bucket")
            target = by_arn.get(arn)
            region = resource_region(target.props, target.provider) if target is not None else None
            if target is None:
                report_violation(
                    f"bucket {name_of(source)} replicates personal data to {arn}, outside this stack: "
                    "its region cannot be verified",
                    replication.urn,
                )
            elif region not in config["regions"]:
                report_violation(
                    f"bucket {name_of(source)} replicates personal data to {name_of(target)} in {region}; "
                    f"allowed: {', '.join(config['regions'])}",
                    replication.urn,
                )


POLICY = stack_rule(
    name="s3-bucket-replication-residency",
    description="Checks whether every replication of a bucket that holds personal data targets a bucket of "
    "the same stack in a residency region.",
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_TRANSFERS,
    config=RESIDENCY_CONFIG,
    remediation="Replicate personal data only to regions of `personal_data_regions` (`replicate_to` of the zone).",
)
