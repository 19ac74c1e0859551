"""ecr-repository-scan-on-push: an image with a known critical vulnerability must not reach a
training node or a compiler unnoticed."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ECR_REPOSITORY, GDPR_SECURITY, resource_rule


def check(args, report_violation) -> None:
    scanning = args.props.get("imageScanningConfiguration") or {}
    if scanning.get("scanOnPush") is not True:
        report_violation(f"imageScanningConfiguration.scanOnPush is {scanning.get('scanOnPush')!r}, not true")


POLICY = resource_rule(
    name="ecr-repository-scan-on-push",
    description="Checks whether every ECR repository scans images when they are pushed.",
    types=[ECR_REPOSITORY],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set `image_scanning_configuration={'scan_on_push': True}` on the repository.",
)
