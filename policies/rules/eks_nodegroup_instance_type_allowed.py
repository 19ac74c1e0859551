"""eks-nodegroup-instance-type-allowed: an instance type is a price: a p5.48xlarge costs about $55 an
hour, a g6e.xlarge under $2. Each environment lists the types its node groups may launch, so that a
larger type is a reviewed change to policies/config/<env>.json, not a line in a spec.

Node groups name their types; a Capacity Block group names its one type in its launch template, so
both are judged. A node group with neither a type nor a launch template gets EKS's default (t3.medium).
Karpenter NodePools list theirs in a `node.kubernetes.io/instance-type In [...]` requirement; a NodePool
without one lets Karpenter launch any type a pending pod fits, and is refused.
"""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_NODE_GROUP, KARPENTER_NODE_POOL, LAUNCH_TEMPLATE, node_pool_instance_types
from rules._support import COST_POLICY, as_list, resource_rule


def check(args, report_violation) -> None:
    allowed = args.get_config()["instanceTypes"]
    if args.resource_type == LAUNCH_TEMPLATE:
        types = [str(t) for t in as_list(args.props.get("instanceType"))]
    elif args.resource_type == KARPENTER_NODE_POOL:
        listed = node_pool_instance_types(args.props.get("spec") or {})
        if listed is None:
            report_violation(
                "the NodePool lists no instance types (a node.kubernetes.io/instance-type In requirement): "
                "Karpenter may launch any type"
            )
            return
        types = list(listed)
    else:
        types = [str(t) for t in as_list(args.props.get("instanceTypes"))]
        if not types and not args.props.get("launchTemplate"):
            types = ["t3.medium"]  # what EKS launches when nothing names a type
    refused = [t for t in types if t not in allowed]
    if refused:
        report_violation(
            f"instance type(s) {', '.join(refused)} not allowed in this environment; allowed: {', '.join(allowed)}"
        )


POLICY = resource_rule(
    name="eks-nodegroup-instance-type-allowed",
    description="Checks whether every EKS node group, launch template and Karpenter NodePool uses only the "
    "instance types the environment allows.",
    types=[EKS_NODE_GROUP, LAUNCH_TEMPLATE, KARPENTER_NODE_POOL],
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config={"instanceTypes": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    remediation="Use a type of `instanceTypes` in policies/config/<env>.json, or add the type there in a "
    "reviewed change with its cost.",
)
