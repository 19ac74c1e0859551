"""ec2-launch-template-ebs-encrypted: node volumes hold container images, caches of training data and
checkpoints; they are encrypted with the platform's customer key, like the lake they come from."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import LAUNCH_TEMPLATE, is_customer_key
from rules._support import GDPR_SECURITY, as_list, resource_rule


def check(args, report_violation) -> None:
    volumes = [m for m in as_list(args.props.get("blockDeviceMappings")) if m and m.get("ebs") is not None]
    if not volumes:
        report_violation(
            "no EBS block device mapping: the root volume takes the AMI's settings, encrypted only if the "
            "account's default encryption is on, and not with the platform key"
        )
    for mapping in volumes:
        device = mapping.get("deviceName") or "a volume"
        ebs = mapping.get("ebs") or {}
        if str(ebs.get("encrypted")).lower() != "true":
            report_violation(f"{device} is not encrypted")
        elif not is_customer_key(ebs.get("kmsKeyId")):
            report_violation(f"{device} is encrypted with the AWS-managed key, not a customer key")


POLICY = resource_rule(
    name="ec2-launch-template-ebs-encrypted",
    description="Checks whether every EBS volume of every launch template is encrypted with a "
    "customer-managed KMS key.",
    types=[LAUNCH_TEMPLATE],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Give the root device an `ebs` mapping with `encrypted='true'` and `kms_key_id` the platform key "
    "(components/node_group.py does); Auto Scaling's role needs a grant on that key.",
)
