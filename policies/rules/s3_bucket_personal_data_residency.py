"""s3-bucket-personal-data-residency: camera frames with faces and plates, and GPS traces, may only be stored
in the residency regions; a replica elsewhere is a transfer too."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    BUCKET,
    GDPR_TRANSFERS,
    RESIDENCY_CONFIG,
    effective_tags,
    resource_region,
    resource_rule,
)


def holds_personal_data(tags: dict[str, str], personal_classes: list[str]) -> bool:
    """Either tag marks it: the data class is personal, or the product says its zone is."""
    return tags.get("personal-data") == "true" or tags.get("data-class") in personal_classes


def check(args, report_violation) -> None:
    config = args.get_config()
    tags = effective_tags(args.props, args.provider)
    if not holds_personal_data(tags, config["personalDataClasses"]):
        args.not_applicable("the bucket holds no personal data")
    region = resource_region(args.props, args.provider)
    if region not in config["regions"]:
        report_violation(
            f"personal data (data-class {tags.get('data-class')!r}) in region {region!r}; "
            f"allowed: {', '.join(config['regions'])}"
        )


POLICY = resource_rule(
    name="s3-bucket-personal-data-residency",
    description="Checks whether every S3 bucket that holds personal data is in one of the residency regions.",
    types=[BUCKET],
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_TRANSFERS,
    config=RESIDENCY_CONFIG,
    remediation="Put the zone (and every replica in `replicate_to`) in a region of "
    "`personal_data_regions` in environments/org.yaml, through a provider of that region.",
)
