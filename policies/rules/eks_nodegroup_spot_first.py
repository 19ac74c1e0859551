"""eks-nodegroup-spot-first: spot GPUs cost a third to a half of on-demand. Batch and evaluation jobs
checkpoint, so their GPU pools run on spot first, with an on-demand group only as a smaller fallback;
only the configured pool kinds (multi-node training, which loses every node's work when one is
reclaimed) may run on demand or on a Capacity Block.

A pool is the node groups of one cluster with the same `mlplatform.io/pool` label; its kind is the
`mlplatform.io/pool-kind` label components/node_group.py sets (a group without it is judged as a
batch pool). A managed node group has one capacity type, so a spot-first pool is a SPOT group and an
ON_DEMAND group (core/platform_spec/tables/node_pools.py `groups`).

Karpenter NodePools are judged the same way, per cluster and pool label: a NodePool that may only
launch on-demand nodes needs a spot NodePool of the same pool with a higher weight (Karpenter tries
it first) and GPU limits at least as large. A NodePool allowing both capacity types is spot first
already: Karpenter prefers spot when a NodePool allows it.
"""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import Severity

from rules._compute import ACCELERATOR_RESOURCES, karpenter_pools, node_groups
from rules._support import COST_POLICY, Stack, number, stack_rule


def check(args, report_violation) -> None:
    config = args.get_config()
    on_demand_kinds, accelerators = config["onDemandPoolKinds"], config["accelerators"]
    stack = Stack(args.resources)
    groups = [g for g in node_groups(stack) if g.accelerator in accelerators]
    nodepools = [p for p in karpenter_pools(stack) if p.accelerator in accelerators]
    if not groups and not nodepools:
        args.not_applicable(f"the stack has no {' or '.join(accelerators)} node group or NodePool")
    _check_nodepools(nodepools, on_demand_kinds, accelerators, report_violation)
    pools = defaultdict(list)
    for group in groups:
        pools[group.cluster, group.pool].append(group)
    for (cluster, pool), members in sorted(pools.items()):
        if any(g.kind in on_demand_kinds for g in members):
            continue
        kind = members[0].kind or "unlabelled"
        spot = [g for g in members if g.capacity_type == "SPOT"]
        for group in members:
            if group.capacity_type == "CAPACITY_BLOCK":
                report_violation(
                    f"pool {pool} ({kind}) of {cluster}: node group {group.name} runs on a Capacity Block; "
                    f"only {', '.join(on_demand_kinds)} pools may",
                    group.resource.urn,
                )
        if not spot:
            report_violation(
                f"pool {pool} ({kind}) of {cluster} has no SPOT node group: {kind} pools run on spot first, "
                f"with on-demand only as a fallback; only {', '.join(on_demand_kinds)} pools may run on demand",
                members[0].resource.urn,
            )
            continue
        spot_max = sum(g.max_size or 0 for g in spot)
        for group in members:
            if group.capacity_type == "ON_DEMAND" and (group.max_size or 0) > spot_max:
                report_violation(
                    f"pool {pool} ({kind}) of {cluster}: the on-demand fallback {group.name} (max "
                    f"{int(group.max_size or 0)}) is larger than its spot capacity (max {int(spot_max)})",
                    group.resource.urn,
                )


def _check_nodepools(nodepools, on_demand_kinds, accelerators, report_violation) -> None:
    pools = defaultdict(list)
    for nodepool in nodepools:
        pools[nodepool.cluster, nodepool.pool].append(nodepool)
    for (_, pool), members in sorted(pools.items()):
        kind = members[0].kind or "unlabelled"
        if kind in on_demand_kinds:
            continue
        spot = [p for p in members if "spot" in p.capacity_types]
        for nodepool in members:
            if "spot" in nodepool.capacity_types:
                continue
            preferred = [p for p in spot if p.weight > nodepool.weight]
            if not preferred:
                report_violation(
                    f"Karpenter pool {pool} ({kind}): NodePool {nodepool.name} launches on-demand nodes only, "
                    f"and no spot NodePool of the pool has a higher weight than its {int(nodepool.weight)}, "
                    "so Karpenter may not try spot first",
                    nodepool.resource.urn,
                )
                continue
            for accelerator in accelerators:
                resource = ACCELERATOR_RESOURCES[accelerator]
                fallback = number(nodepool.limits.get(resource)) or 0
                spot_limit = sum(number(p.limits.get(resource)) or 0 for p in preferred)
                if fallback > spot_limit:
                    report_violation(
                        f"Karpenter pool {pool} ({kind}): the on-demand NodePool {nodepool.name} may launch "
                        f"{int(fallback)} {resource}, more than its spot NodePools ({int(spot_limit)})",
                        nodepool.resource.urn,
                    )


POLICY = stack_rule(
    name="eks-nodegroup-spot-first",
    description="Checks whether every GPU pool outside the configured training kinds has a SPOT node group, "
    "with on-demand only as a fallback no larger than its spot capacity and no Capacity Block, and whether "
    "every such Karpenter pool tries a spot NodePool first (higher weight, limits at least the fallback's).",
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config={
        "onDemandPoolKinds": {"type": "array", "items": {"type": "string"}},
        "accelerators": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    },
    remediation="Give the pool `capacity: spot-first` (or `spot`) in environments/<env>.yaml, with "
    "`on_demand_max_size` at most its `max_size`; reserved or on-demand capacity is for training pools.",
)
