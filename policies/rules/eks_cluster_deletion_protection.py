"""eks-cluster-deletion-protection: deleting a training cluster stops every running job and loses its
Kubernetes state (quotas, bindings, queues); EKS refuses the delete while protection is on."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_CLUSTER
from rules._support import GDPR_SECURITY, resource_rule


def check(args, report_violation) -> None:
    if not args.get_config()["required"]:
        return
    if args.props.get("deletionProtection") is not True:
        report_violation("deletion protection is off: one `pulumi destroy` or rename deletes the cluster")


POLICY = resource_rule(
    name="eks-cluster-deletion-protection",
    description="Checks whether every EKS cluster has deletion protection on, where the environment's "
    "config requires it.",
    types=[EKS_CLUSTER],
    check=check,
    severity=Severity.MEDIUM,
    framework=GDPR_SECURITY,
    config={"required": {"type": "boolean"}},
    remediation="Leave `deletion_protection` on in environments/<env>.yaml (only dev may turn it off; "
    "`required` in policies/config/<env>.json).",
)
