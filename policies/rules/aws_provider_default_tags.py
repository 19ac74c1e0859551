"""aws-provider-default-tags: the provider's default tags are the platform's one tagging path; cost reports,
owners and environments are found through them."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import AWS_PROVIDER, COST_POLICY, provider_default_tags, resource_rule

REQUIRED_TAGS_CONFIG = {"requiredTags": {"type": "array", "items": {"type": "string"}, "minItems": 1}}


def check(args, report_violation) -> None:
    tags = provider_default_tags(args.props)
    missing = [t for t in args.get_config()["requiredTags"] if not tags.get(t)]
    if missing:
        report_violation(f"defaultTags lack {', '.join(missing)}")


POLICY = resource_rule(
    name="aws-provider-default-tags",
    description="Checks whether every AWS provider sets the required tags as default tags.",
    types=[AWS_PROVIDER],
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config=REQUIRED_TAGS_CONFIG,
    remediation="Build providers with `stacks.providers.aws_provider`, which sets `baseline_tags` as default tags.",
)
