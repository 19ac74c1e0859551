"""cloudtrail-trail-organization-present: one trail in the management account records every API call of
every member account; without it the audit trail of the safety case has gaps."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ISO_26262_CONFIGURATION, ORGANIZATION, TRAIL, Stack, stack_rule


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    organizations = stack.of_type(ORGANIZATION)
    if not organizations:
        args.not_applicable("the stack does not manage the organization")
    trails = [t for t in stack.of_type(TRAIL) if t.props.get("isOrganizationTrail") is True]
    if not trails:
        report_violation(
            "the stack manages the organization but has no organization trail", organizations[0].urn
        )


POLICY = stack_rule(
    name="cloudtrail-trail-organization-present",
    description="Checks whether the stack that manages the organization also creates an organization trail.",
    check=check,
    severity=Severity.CRITICAL,
    framework=ISO_26262_CONFIGURATION,
    remediation="Keep `components.organization_trail.OrganizationTrail` in the `org` stack "
    "(is_organization_trail=True).",
)
