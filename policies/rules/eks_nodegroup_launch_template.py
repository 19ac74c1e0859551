"""eks-nodegroup-launch-template: a managed node group without a launch template runs on the one EKS
generates, which allows IMDSv1 with a hop limit of 2 and leaves volumes without the platform key; the
launch template rules judge only templates the node groups actually name."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_NODE_GROUP
from rules._support import GDPR_SECURITY, resource_rule


def check(args, report_violation) -> None:
    # Whether it names one, not which: a new template's id is unknown until it is created.
    template = args.props.get("launchTemplate") or {}
    if not {"id", "name"} & set(template):  # keys only: reading an unknown value would raise
        report_violation(
            "the node group names no launch template: EKS's generated one allows IMDSv1 and does not "
            "encrypt volumes with the platform key"
        )
    if args.props.get("remoteAccess"):
        report_violation("the node group opens SSH (remoteAccess); use SSM Session Manager")


POLICY = resource_rule(
    name="eks-nodegroup-launch-template",
    description="Checks whether every EKS managed node group launches its nodes from its own launch template "
    "and opens no SSH access.",
    types=[EKS_NODE_GROUP],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Create node groups with `components.node_group.NodeGroup`, which gives each one a launch "
    "template (IMDSv2, encrypted volumes, tags) and no remote access.",
)
