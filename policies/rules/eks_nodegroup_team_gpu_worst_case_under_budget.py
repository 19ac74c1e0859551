"""eks-nodegroup-team-gpu-worst-case-under-budget: a team's accelerator quota used all month, on the dearest
pool it can land on, must cost less than the team's budget (cost.budget.teams in the spec).

The quotas are the Kueue ClusterQueues of the stack (nominal quota of `nvidia.com/gpu` and
`qualcomm.com/qaic`, one queue per team and cluster); the price per accelerator-hour is the
dearest on-demand price per accelerator among the node groups and Karpenter NodePools of the
queue's cluster. Borrowing inside the cohort is spend of other teams' unused quota and is not
counted. Quotas whose pools have no price are left out and named in the message.
"""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import Severity

from mlplat.cost import provider_place
from mlplat.cost_policy import TEAM_RULE, accelerator_prices, stack_resources, usd
from mlplat.prices import HOURS_PER_MONTH
from rules._support import COST_POLICY, name_of, number, stack_rule

CLUSTER_QUEUE = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
ACCELERATORS = ("nvidia.com/gpu", "qualcomm.com/qaic")


def quotas(queue) -> dict[str, float]:
    found: dict[str, float] = defaultdict(float)
    for group in (queue.props.get("spec") or {}).get("resourceGroups") or []:
        for flavor in group.get("flavors") or []:
            for resource in flavor.get("resources") or []:
                if resource.get("name") in ACCELERATORS:
                    found[resource["name"]] += number(str(resource.get("nominalQuota", "0"))) or 0.0
    return found


def check(args, report_violation) -> None:
    budgets = args.get_config()["teamBudgetsUsd"]
    queues = [r for r in args.resources if r.resource_type == CLUSTER_QUEUE]
    if not queues:
        args.not_applicable("the stack has no Kueue ClusterQueue")
    _, resources = stack_resources(args.resources)
    dearest = accelerator_prices(resources)
    worst: dict[str, float] = defaultdict(float)
    unpriced: dict[str, list[str]] = defaultdict(list)
    first: dict[str, object] = {}
    for queue in queues:
        team = str((queue.props.get("metadata") or {}).get("name") or name_of(queue))
        if team not in budgets:
            continue
        region, _ = provider_place(queue.provider.props) if queue.provider is not None else (None, None)
        first.setdefault(team, queue)
        for resource, count in quotas(queue).items():
            if not count:
                continue
            price, instance_type = dearest.get((str(region), resource), (None, "no pool"))
            if price is None:
                unpriced[team].append(f"{count:g} {resource} in {region} ({instance_type}: no price)")
            else:
                worst[team] += count * price * HOURS_PER_MONTH
    for team, total in sorted(worst.items()):
        cap = float(budgets[team])
        if total > cap:
            left_out = f"; not priced: {', '.join(unpriced[team])}" if unpriced[team] else ""
            report_violation(
                f"team {team}: its accelerator quotas used all month on the dearest pools cost {usd(total)}, "
                f"over its budget of {usd(cap)}{left_out}",
                first[team].urn,
            )


POLICY = stack_rule(
    name=TEAM_RULE,
    description="Checks whether each team's accelerator quotas (Kueue nominal quotas of GPUs and AI 100 "
    "devices), used all month on the dearest on-demand pool of their cluster, cost less than the team's budget.",
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config={
        "teamBudgetsUsd": {
            "type": "object",
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
        }
    },
    remediation="Lower the team's nvidia_gpus / qaic_devices under compute.clusters.<region>.teams in "
    "environments/<env>.yaml, or raise cost.budget.teams.<team>.monthly_usd in a reviewed change and "
    "regenerate the config with `python -m mlplat.cost_policy`.",
)
