"""organizations-scp-cloudtrail-protected: an administrator of a member account must not be able to stop or
delete the trail that records what they do."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ISO_26262_CONFIGURATION, as_list, root_scp_check, stack_rule

PROTECTED = ("cloudtrail:DeleteTrail", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail")


def denies_tampering(statement) -> bool:
    actions = as_list(statement.get("Action"))
    return "cloudtrail:*" in actions or all(a in actions for a in PROTECTED)


POLICY = stack_rule(
    name="organizations-scp-cloudtrail-protected",
    description="Checks whether a service control policy attached to the organization root denies deleting, "
    "stopping and changing CloudTrail trails.",
    check=root_scp_check(f"denies {', '.join(PROTECTED)}", denies_tampering),
    severity=Severity.HIGH,
    framework=ISO_26262_CONFIGURATION,
    remediation="Keep the `protect-cloudtrail` SCP of components/organization.py attached to the root.",
)
