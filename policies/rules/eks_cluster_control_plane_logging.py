"""eks-cluster-control-plane-logging: the audit log is the only record of who read a secret, exec'd into
a training pod or changed a role binding; the other log types explain failures of the control plane."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_CLUSTER
from rules._support import GDPR_SECURITY, as_list, resource_rule


def check(args, report_violation) -> None:
    enabled = {str(t) for t in as_list(args.props.get("enabledClusterLogTypes"))}
    missing = [t for t in args.get_config()["logTypes"] if t not in enabled]
    if missing:
        report_violation(f"control-plane log types not enabled: {', '.join(missing)}")


POLICY = resource_rule(
    name="eks-cluster-control-plane-logging",
    description="Checks whether every EKS cluster sends every configured control-plane log type, audit "
    "included, to CloudWatch Logs.",
    types=[EKS_CLUSTER],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    config={"logTypes": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    remediation="Set `enabled_cluster_log_types` to every type of `components.eks_cluster.LOG_TYPES` "
    "(api, audit, authenticator, controllerManager, scheduler).",
)
