"""organizations-scp-region-allow-list: regions nobody watches are where forgotten resources and
unapproved copies of data end up."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import (
    GDPR_BY_DESIGN,
    ORGANIZATION,
    attached_scps,
    requested_regions,
    scp_statements,
    stack_rule,
)


def check(args, report_violation) -> None:
    allowed = set(args.get_config()["regions"])
    organization, scps = attached_scps(args)
    for policy, targets in scps:
        if not any(t.resource_type == ORGANIZATION for t in targets):
            continue
        for statement in scp_statements(policy):
            regions = requested_regions(statement)
            if regions is not None and set(regions) <= allowed:
                return
    report_violation(
        f"no service control policy attached to the root denies regions outside {', '.join(sorted(allowed))}",
        organization.urn,
    )


POLICY = stack_rule(
    name="organizations-scp-region-allow-list",
    description="Checks whether a service control policy attached to the organization root denies every "
    "region outside the allowed regions.",
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_BY_DESIGN,
    config={"regions": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    remediation="Keep the `allowed-regions` SCP of components/organization.py attached to the root, built from "
    "`allowed_regions` in environments/org.yaml.",
)
