"""iam-policy-no-admin-wildcard: a statement that allows every action on every resource makes its holder an
administrator of the account, past every other guardrail of the platform."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, IAM_ROLE, ORG_POLICY, as_list, resource_rule, statements

DOCUMENT_PROPERTIES = {
    IAM_ROLE: (),  # inline policies, below; the trust policy is iam-role-trust-no-wildcard-principal's
    "aws:iam/policy:Policy": ("policy",),
    "aws:iam/rolePolicy:RolePolicy": ("policy",),
    "aws:iam/userPolicy:UserPolicy": ("policy",),
    "aws:iam/groupPolicy:GroupPolicy": ("policy",),
    ORG_POLICY: ("content",),
}
SCP_TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY")


def documents(args) -> list[tuple[str, object]]:
    if args.resource_type == ORG_POLICY and args.props.get("type", "SERVICE_CONTROL_POLICY") not in SCP_TYPES:
        args.not_applicable("not an IAM-language organization policy")
    found = [(prop, args.props.get(prop)) for prop in DOCUMENT_PROPERTIES[args.resource_type]]
    if args.resource_type == IAM_ROLE:
        found += [
            (f"inlinePolicies[{i}]", p.get("policy"))
            for i, p in enumerate(as_list(args.props.get("inlinePolicies")))
        ]
    return found


def check(args, report_violation) -> None:
    for where, document in documents(args):
        for statement in statements(document):
            actions = as_list(statement.get("Action"))
            resources = as_list(statement.get("Resource"))
            if (
                statement.get("Effect") == "Allow"
                and ("*" in actions or "*:*" in actions)
                and "*" in resources
            ):
                report_violation(f"{where}: statement {statement.get('Sid', '(no Sid)')!r} allows '*' on '*'")


POLICY = resource_rule(
    name="iam-policy-no-admin-wildcard",
    description="Checks whether no IAM policy, inline role policy or service control policy allows every "
    "action on every resource.",
    types=list(DOCUMENT_PROPERTIES),
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_SECURITY,
    remediation="Name the actions and resources the principal needs; use the grant helpers "
    "(`DataProduct.grant_read`, `grant_write`) for lake access.",
)
