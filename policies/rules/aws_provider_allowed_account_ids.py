"""aws-provider-allowed-account-ids: a credential for the wrong account must fail before any change, not
create a second lake in it."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import AWS_PROVIDER, ISO_26262_CONFIGURATION, as_list, json_value, resource_rule


def check(args, report_violation) -> None:
    accounts = [a for a in as_list(json_value(args.props.get("allowedAccountIds"))) if a]
    if not accounts:
        report_violation(
            "allowedAccountIds is empty: the provider acts on whatever account its credentials reach"
        )


POLICY = resource_rule(
    name="aws-provider-allowed-account-ids",
    description="Checks whether every AWS provider is bound to its account with allowedAccountIds.",
    types=[AWS_PROVIDER],
    check=check,
    severity=Severity.HIGH,
    framework=ISO_26262_CONFIGURATION,
    remediation="Build providers with `stacks.providers.aws_provider`, which sets allowed_account_ids.",
)
