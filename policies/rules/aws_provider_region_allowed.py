"""aws-provider-region-allowed: the organization denies other regions by SCP; a provider in one of them
fails at deploy time, after review, instead of at preview."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import AWS_PROVIDER, GDPR_BY_DESIGN, resource_rule


def check(args, report_violation) -> None:
    allowed = args.get_config()["regions"]
    region = args.props.get("region")
    if region not in allowed:
        report_violation(f"region {region!r}; allowed: {', '.join(allowed)}")


POLICY = resource_rule(
    name="aws-provider-region-allowed",
    description="Checks whether every AWS provider targets one of the organization's allowed regions.",
    types=[AWS_PROVIDER],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_BY_DESIGN,
    config={"regions": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    remediation="Use a region of `allowed_regions` in environments/org.yaml, or add the region there first.",
)
