"""organizations-scp-imdsv2-required: IMDSv1 answers any request from the instance, so one SSRF in a
training job hands out the node's role credentials; only an SCP holds in every account, for every launcher."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, as_list, root_scp_check, stack_rule


def denies_imdsv1(statement) -> bool:
    condition = (statement.get("Condition") or {}).get("StringNotEquals") or {}
    return (
        "ec2:RunInstances" in as_list(statement.get("Action"))
        and condition.get("ec2:MetadataHttpTokens") == "required"
    )


POLICY = stack_rule(
    name="organizations-scp-imdsv2-required",
    description="Checks whether a service control policy attached to the organization root denies launching "
    "instances without IMDSv2.",
    check=root_scp_check(
        "denies ec2:RunInstances unless ec2:MetadataHttpTokens is 'required'", denies_imdsv1
    ),
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Keep the `require-imdsv2` SCP of components/organization.py attached to the root.",
)
