"""eks-cluster-secrets-encrypted: Kubernetes secrets (registry and data-access tokens of every team) are
encrypted in etcd with the platform's customer key, so that revoking the key revokes them."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_CLUSTER, is_customer_key
from rules._support import GDPR_SECURITY, as_list, resource_rule


def check(args, report_violation) -> None:
    configs = [c for c in as_list(args.props.get("encryptionConfig")) if c]
    secrets = [c for c in configs if "secrets" in as_list(c.get("resources"))]
    if not secrets:
        report_violation(
            "Kubernetes secrets are not envelope-encrypted with a KMS key (no encryptionConfig for secrets)"
        )
        return
    key = (secrets[0].get("provider") or {}).get("keyArn")
    if not is_customer_key(key):
        report_violation(f"secrets encryption names no customer-managed KMS key (keyArn {key!r})")


POLICY = resource_rule(
    name="eks-cluster-secrets-encrypted",
    description="Checks whether every EKS cluster encrypts Kubernetes secrets with a customer-managed KMS key.",
    types=[EKS_CLUSTER],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set `encryption_config` with `resources=['secrets']` and the platform key of the account and "
    "region (`kms_key_arns` of the foundation) as provider key; it cannot be removed once set.",
)
