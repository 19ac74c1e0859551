"""kms-key-protect: deleting a key destroys every object encrypted with it; Pulumi must refuse to."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ISO_26262_DOCUMENTATION, KMS_KEY, resource_rule


def check(args, report_violation) -> None:
    if not args.opts.protect:
        report_violation("the key is not protected: `pulumi destroy` or a rename would schedule its deletion")


POLICY = resource_rule(
    name="kms-key-protect",
    description="Checks whether every KMS key is protected against deletion by Pulumi.",
    types=[KMS_KEY],
    check=check,
    severity=Severity.HIGH,
    framework=ISO_26262_DOCUMENTATION,
    remediation="Create the key with `pulumi.ResourceOptions(protect=True, retain_on_delete=True)`.",
)
