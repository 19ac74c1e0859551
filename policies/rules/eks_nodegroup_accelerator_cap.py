"""eks-nodegroup-accelerator-cap: the most a stack's node pools can scale to is the most the environment can
be billed for. Managed node groups count max size times accelerators per instance; Karpenter NodePools
count their limit of the accelerator's resource (`nvidia.com/gpu`), which Karpenter enforces. The sum
stays within the environment's cap per accelerator (NVIDIA GPUs, Qualcomm AI 100 cards).

Accelerators per instance type come from the pack's table (rules/_compute.py, pinned to
core/platform_spec/tables/node_pools.py by tests/gate/test_gate_pack_contract.py); a type the table does not know,
or a NodePool that lists no instance types, cannot be counted and is reported. A node group of several
types counts its largest. A NodePool of accelerator types without a limit on the accelerator is unbounded.
"""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import Severity

from rules._compute import ACCELERATOR_RESOURCES, accelerators_of, karpenter_pools, node_groups
from rules._support import COST_POLICY, Stack, number, stack_rule

NAMES = {"nvidia": "NVIDIA GPUs", "qualcomm": "Qualcomm AI 100 cards"}


def check(args, report_violation) -> None:
    caps = args.get_config()["maximum"]
    stack = Stack(args.resources)
    groups, pools = node_groups(stack), karpenter_pools(stack)
    if not groups and not pools:
        args.not_applicable("the stack has no EKS node group or Karpenter NodePool")
    totals: dict[str, float] = defaultdict(float)
    largest: dict[str, tuple[float, str, str]] = {}

    def add(accelerator: str, count: float, name: str, urn: str) -> None:
        totals[accelerator] += count
        if count > largest.get(accelerator, (-1.0, "", ""))[0]:
            largest[accelerator] = (count, name, urn)

    for group in groups:
        if group.accelerators_per_node is None:
            what = (
                f"instance type(s) {', '.join(group.instance_types)} not in the pack's accelerator table"
                if group.instance_types
                else "no instance type named by the group or its launch template"
            )
            report_violation(
                f"node group {group.name}: {what}, so its accelerators cannot be counted", group.resource.urn
            )
        elif group.accelerator is not None and group.accelerators_per_node:
            add(
                group.accelerator,
                (group.max_size or 0) * group.accelerators_per_node,
                group.name,
                group.resource.urn,
            )
    for pool in pools:
        if pool.instance_types is None or any(accelerators_of(t) is None for t in pool.instance_types):
            what = (
                f"instance type(s) {', '.join(pool.instance_types)} not in the pack's accelerator table"
                if pool.instance_types is not None
                else "no node.kubernetes.io/instance-type requirement (any type)"
            )
            report_violation(
                f"Karpenter NodePool {pool.name}: {what}, so its accelerators cannot be counted",
                pool.resource.urn,
            )
            continue
        if pool.accelerator is None:
            continue
        resource = ACCELERATOR_RESOURCES.get(pool.accelerator, pool.accelerator)
        limit = number(pool.limits.get(resource))
        if limit is None:
            report_violation(
                f"Karpenter NodePool {pool.name} launches {pool.accelerator} nodes without a {resource} limit: "
                "its accelerators are unbounded",
                pool.resource.urn,
            )
            continue
        add(pool.accelerator, limit, pool.name, pool.resource.urn)
    for accelerator, total in sorted(totals.items()):
        cap = caps.get(accelerator, 0)
        if total > cap:
            count, name, urn = largest[accelerator]
            report_violation(
                f"node groups and NodePools can scale to {int(total)} {NAMES.get(accelerator, accelerator)}, "
                f"above this environment's cap of {cap} (largest: {name}, {int(count)})",
                urn,
            )


POLICY = stack_rule(
    name="eks-nodegroup-accelerator-cap",
    description="Checks whether the node groups and Karpenter NodePools of a stack can together scale to no "
    "more GPUs and AI 100 cards than the environment's caps (max size times accelerators per instance; "
    "NodePool limits).",
    check=check,
    severity=Severity.HIGH,
    framework=COST_POLICY,
    config={
        "maximum": {
            "type": "object",
            "properties": {
                "nvidia": {"type": "integer", "minimum": 0},
                "qualcomm": {"type": "integer", "minimum": 0},
            },
            "required": ["nvidia", "qualcomm"],
            "additionalProperties": False,
        }
    },
    remediation="Lower the pools' `max_size` (Karpenter pools: their accelerator limits) in "
    "environments/<env>.yaml, or raise `maximum` in policies/config/<env>.json in a reviewed change with "
    "the budget.",
)
