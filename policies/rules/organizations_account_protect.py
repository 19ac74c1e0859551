"""organizations-account-protect: deleting an account resource closes or removes the account, and with it
the data, keys and logs inside."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ISO_26262_DOCUMENTATION, ORG_ACCOUNT, resource_rule


def check(args, report_violation) -> None:
    if not args.opts.protect:
        report_violation("the account is not protected: `pulumi destroy` or a rename would remove it")
    if args.props.get("closeOnDeletion") is True:
        report_violation("closeOnDeletion is true: removing the resource would close the account")


POLICY = resource_rule(
    name="organizations-account-protect",
    description="Checks whether every member account is protected against deletion by Pulumi and is never "
    "closed when its resource is removed.",
    types=[ORG_ACCOUNT],
    check=check,
    severity=Severity.CRITICAL,
    framework=ISO_26262_DOCUMENTATION,
    remediation="Create accounts with `protect=True, retain_on_delete=True` and close_on_deletion=False.",
)
