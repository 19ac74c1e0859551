"""eks-cluster-standard-support: a cluster left on a Kubernetes version past standard support moves to
extended support at six times the control-plane price ($0.60 instead of $0.10 an hour), silently,
unless its upgrade policy says STANDARD; EKS's default is EXTENDED."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_CLUSTER
from rules._support import COST_POLICY, resource_rule


def check(args, report_violation) -> None:
    support = (args.props.get("upgradePolicy") or {}).get("supportType")
    if support != "STANDARD":
        report_violation(
            f"support type is {support or 'not set (EXTENDED, the default)'}: past standard support the "
            "control plane costs six times as much instead of being upgraded"
        )


POLICY = resource_rule(
    name="eks-cluster-standard-support",
    description="Checks whether every EKS cluster's upgrade policy is STANDARD support, so it is upgraded "
    "rather than billed for extended support.",
    types=[EKS_CLUSTER],
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    remediation="Set `upgrade_policy={'support_type': 'STANDARD'}` (`support_type` in environments/<env>.yaml) "
    "and upgrade the cluster before its version leaves standard support.",
)
