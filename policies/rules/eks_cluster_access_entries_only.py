"""eks-cluster-access-entries-only: with the aws-auth ConfigMap, anyone who can edit one object in
kube-system grants cluster admin, and the cluster's creator holds an admin binding nobody sees in IAM.
Access entries (authentication mode API) keep every grant an AWS API call, logged in CloudTrail."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_CLUSTER
from rules._support import GDPR_SECURITY, resource_rule


def check(args, report_violation) -> None:
    access = args.props.get("accessConfig") or {}
    mode = access.get("authenticationMode")
    if mode != "API":
        report_violation(
            f"authentication mode is {mode or 'not set (CONFIG_MAP, the default)'}, not API: the aws-auth "
            "ConfigMap can grant access outside IAM"
        )
    if access.get("bootstrapClusterCreatorAdminPermissions") is not False:
        report_violation(
            "the cluster creator gets implicit cluster admin (bootstrapClusterCreatorAdminPermissions is "
            "not false)"
        )


POLICY = resource_rule(
    name="eks-cluster-access-entries-only",
    description="Checks whether every EKS cluster admits principals only through access entries "
    "(authentication mode API) and gives its creator no implicit admin.",
    types=[EKS_CLUSTER],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Set `access_config={'authentication_mode': 'API', 'bootstrap_cluster_creator_admin_permissions': "
    "False}` and grant admins with access entries (components/eks_cluster.py does).",
)
