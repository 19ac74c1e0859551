"""eks-nodegroup-team-gpu-worst-case-under-budget: a team's accelerator quota used all month, on the dearest
pool it can land on, must cost less than the team's budget (cost.budget.teams in the spec).

The quotas are the Kueue ClusterQueues of the stack (nominal quota of `nvidia.com/gpu` and
`qualcomm.com/qaic`, one queue per team and cluster); the price per accelerator-hour is the
dearest on-demand price per accelerator among the node groups and Karpenter NodePools of the
queue's cluster. Borrowing inside the cohort is spend of other teams' unused quota and is not
counted. Quotas whose pools have no price are left out of the sum and named in the message; a team
whose quotas are all unpriced passes here, so `eks-nodegroup-worst-case-priced` (advisory) names every
unpriced quota whatever the budget says.
"""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import Severity

from platform_cost.values import money
from rules._cost import CLUSTER_QUEUE, team_quotas
from rules._support import COST_POLICY, stack_rule

NAME = "eks-nodegroup-team-gpu-worst-case-under-budget"


def check(args, report_violation) -> None:
    budgets = args.get_config()["teamBudgetsUsd"]
    if not any(r.resource_type == CLUSTER_QUEUE for r in args.resources):
        args.not_applicable("the stack has no Kueue ClusterQueue")
    worst: dict[str, float] = defaultdict(float)
    unpriced: dict[str, list[str]] = defaultdict(list)
    first: dict[str, object] = {}
    for quota in team_quotas(args.resources):
        if quota.team not in budgets:
            continue
        first.setdefault(quota.team, quota.queue)
        if quota.worst_usd is None:  # named here, and one by one by eks-nodegroup-worst-case-priced
            unpriced[quota.team].append(quota.describe())
        else:
            worst[quota.team] += quota.worst_usd
    for team, total in sorted(worst.items()):
        cap = float(budgets[team])
        if total > cap:
            left_out = f"; not priced: {', '.join(unpriced[team])}" if unpriced[team] else ""
            report_violation(
                f"team {team}: its accelerator quotas used all month on the dearest pools cost {money(total)}, "
                f"over its budget of {money(cap)}{left_out}",
                first[team].urn,
            )


POLICY = stack_rule(
    name=NAME,
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
    "regenerate the config with `python -m mlplat.gate.cost_config`.",
)
