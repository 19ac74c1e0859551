"""aws-resource-required-tags: a resource's own tags override its provider's defaults, so a resource can
drop out of cost allocation even when its provider is right."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import COST_POLICY, effective_tags, resource_rule
from rules.aws_provider_default_tags import REQUIRED_TAGS_CONFIG


def check(args, report_violation) -> None:
    tags = effective_tags(args.props, args.provider)
    missing = [t for t in args.get_config()["requiredTags"] if not tags.get(t)]
    if missing:
        where = (
            "its provider's default tags"
            if args.provider is not None
            else "a default provider (no default tags)"
        )
        report_violation(f"missing or empty after merging {where} with its own tags: {', '.join(missing)}")


class _AwsResourceTypes(tuple):
    """Every `aws:` resource type, without listing them: `in` is all the rule constructor asks."""

    def __contains__(self, resource_type: object) -> bool:
        return isinstance(resource_type, str) and resource_type.startswith("aws:")


POLICY = resource_rule(
    name="aws-resource-required-tags",
    description="Checks whether every AWS resource carries the required tags, counting its provider's default tags.",
    types=_AwsResourceTypes(("aws:*",)),
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config=REQUIRED_TAGS_CONFIG,
    remediation="Do not override a required tag with an empty value; deploy through a provider built by "
    "`stacks.providers.aws_provider`.",
)
