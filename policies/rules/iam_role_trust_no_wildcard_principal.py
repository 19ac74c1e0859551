"""iam-role-trust-no-wildcard-principal: a trust policy that lets anyone assume the role hands its
permissions to every AWS account."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, IAM_ROLE, principals, resource_rule, statements


def check(args, report_violation) -> None:
    for statement in statements(args.props.get("assumeRolePolicy")):
        if (
            statement.get("Effect") == "Allow"
            and "*" in principals(statement)
            and not statement.get("Condition")
        ):
            report_violation(
                f"statement {statement.get('Sid', '(no Sid)')!r} lets principal '*' assume the role"
            )


POLICY = resource_rule(
    name="iam-role-trust-no-wildcard-principal",
    description="Checks whether no IAM role trusts the principal '*' without a condition.",
    types=[IAM_ROLE],
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_SECURITY,
    remediation="Trust named principals (e.g. `ci_principal_arns` in environments/org.yaml) or a service.",
)
