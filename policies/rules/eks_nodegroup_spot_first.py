"""eks-nodegroup-spot-first: spot GPUs cost a third to a half of on-demand. Batch and evaluation jobs
checkpoint, so their GPU pools run on spot first, with an on-demand group only as a smaller fallback;
only the configured pool kinds (multi-node training, which loses every node's work when one is
reclaimed) may run on demand or on a Capacity Block.

A pool is the node groups of one cluster with the same `mlplatform.io/pool` label; its kind is the
`mlplatform.io/pool-kind` label components/node_group.py sets (a group without it is judged as a
batch pool). A managed node group has one capacity type, so a spot-first pool is a SPOT group and an
ON_DEMAND group (components/node_pools.py `groups`).
"""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import Severity

from rules._compute import node_groups
from rules._support import COST_POLICY, Stack, stack_rule


def check(args, report_violation) -> None:
    config = args.get_config()
    on_demand_kinds, accelerators = config["onDemandPoolKinds"], config["accelerators"]
    groups = [g for g in node_groups(Stack(args.resources)) if g.accelerator in accelerators]
    if not groups:
        args.not_applicable(f"the stack has no {' or '.join(accelerators)} node group")
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


POLICY = stack_rule(
    name="eks-nodegroup-spot-first",
    description="Checks whether every GPU pool outside the configured training kinds has a SPOT node group, "
    "with on-demand only as a fallback no larger than its spot capacity and no Capacity Block.",
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
