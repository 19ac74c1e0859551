"""ecr-repository-kms-encrypted: images hold model code and weights; they are encrypted with the
platform's customer key, like every other store of the platform."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ECR_CREATION_TEMPLATE, ECR_REPOSITORY, GDPR_SECURITY, resource_rule


def check(args, report_violation) -> None:
    configurations = list(args.props.get("encryptionConfigurations") or [])
    kinds = [c.get("encryptionType") for c in configurations]
    if not configurations:
        report_violation("encryption is AES256 (the default), not KMS with a customer key")
    elif kinds != ["KMS"]:
        report_violation(f"encryption is {', '.join(map(str, kinds))}, not KMS with a customer key")
    elif not configurations[0].get("kmsKey"):
        report_violation("encryption is KMS with the AWS-managed key, not a customer key")


POLICY = resource_rule(
    name="ecr-repository-kms-encrypted",
    description=(
        "Checks whether every ECR repository and creation template encrypts images with a "
        "customer-managed KMS key."
    ),
    types=[ECR_REPOSITORY, ECR_CREATION_TEMPLATE],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set `encryption_configurations=[{'encryption_type': 'KMS', 'kms_key': <key ARN>}]`.",
)
