"""organizations-scp-personal-data-residency: the accounts that hold personal data must be unable to use
any region outside residency, whatever a program or a person tries."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_TRANSFERS, attached_scps, requested_regions, scp_statements, stack_rule


def check(args, report_violation) -> None:
    residency = set(args.get_config()["regions"])
    organization, scps = attached_scps(args)
    for policy, targets in scps:
        if not targets:
            continue
        for statement in scp_statements(policy):
            regions = requested_regions(statement)
            if regions is not None and set(regions) <= residency:
                return
    report_violation(
        f"no attached service control policy limits any account to the residency regions {', '.join(sorted(residency))}",
        organization.urn,
    )


POLICY = stack_rule(
    name="organizations-scp-personal-data-residency",
    description="Checks whether a service control policy limits the accounts that hold personal data to the "
    "residency regions.",
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_TRANSFERS,
    config={"regions": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    remediation="Mark the accounts that hold personal data with `personal_data: true` in environments/org.yaml; "
    "components/organization.py attaches the `personal-data-regions` SCP to them.",
)
