"""organizations-scp-deny-leave: an account that leaves the organization leaves every SCP, the trail and
the residency rules behind, with its data."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, as_list, root_scp_check, stack_rule


def denies_leaving(statement) -> bool:
    return "organizations:LeaveOrganization" in as_list(statement.get("Action"))


POLICY = stack_rule(
    name="organizations-scp-deny-leave",
    description="Checks whether a service control policy attached to the organization root denies leaving "
    "the organization.",
    check=root_scp_check("denies organizations:LeaveOrganization", denies_leaving),
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Keep the `deny-leave-organization` SCP of components/organization.py attached to the root.",
)
