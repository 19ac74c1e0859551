"""kms-key-policy-no-public-principal: a key policy that allows anyone, unconditionally, hands the data
class's key to every AWS account."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import GDPR_SECURITY, KMS_KEY, principals, resource_rule, statements


def check(args, report_violation) -> None:
    for statement in statements(args.props.get("policy")):
        if (
            statement.get("Effect") == "Allow"
            and "*" in principals(statement)
            and not statement.get("Condition")
        ):
            report_violation(
                f"statement {statement.get('Sid', '(no Sid)')!r} allows principal '*' without a condition"
            )


POLICY = resource_rule(
    name="kms-key-policy-no-public-principal",
    description="Checks whether no KMS key policy allows the principal '*' without a condition.",
    types=[KMS_KEY],
    check=check,
    severity=Severity.CRITICAL,
    framework=GDPR_SECURITY,
    remediation="Name the account's root or specific roles as principals, or add a condition that limits "
    "'*' to the organization (aws:PrincipalOrgID) and a service (kms:ViaService).",
)
