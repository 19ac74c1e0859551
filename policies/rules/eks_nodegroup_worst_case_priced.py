"""eks-nodegroup-worst-case-priced: every node pool's worst case and every team's accelerator quota has a
price, or the gate says which has none.

The cost rules cannot count what the price table does not price (core/platform_cost/data/prices.yaml says "not
found"): `budgets-environment-worst-case-under-cap` counts an unpriced node pool as $0, and
`eks-nodegroup-team-gpu-worst-case-under-budget` leaves an unpriced quota out, so both pass on a lower
bound. A CrossGuard policy either reports a violation or does not, so this rule, advisory in every
environment, makes the unpriced part of their verdicts visible: one finding per node group or
Karpenter NodePool whose worst case (max size x 730 h, or its accelerator limit) has no price, and one
per team quota whose pools have none (docs/cost-model.md). Other unpriced lines (storage tiers,
endpoints) are far smaller and are named by `mlplat cost` and `mlplat plan`.
"""

from __future__ import annotations

from pulumi_policy import Severity

from rules import budgets_environment_worst_case_under_cap as budget_rule
from rules import eks_nodegroup_team_gpu_worst_case_under_budget as team_rule
from rules._cost import CLUSTER_QUEUE, POOLS, team_quotas, unpriced_pools
from rules._support import COST_POLICY, stack_rule

NAME = "eks-nodegroup-worst-case-priced"


def check(args, report_violation) -> None:
    if not any(r.resource_type in (*POOLS, CLUSTER_QUEUE) for r in args.resources):
        args.not_applicable("the stack has no node group, Karpenter NodePool or Kueue ClusterQueue")
    for pool, line in unpriced_pools(args.resources):
        report_violation(
            f"node pool {line.resource}: its worst case ({line.what.split('; worst case ')[-1]}) has no price: "
            f"{'; '.join(line.missing)}; {budget_rule.NAME} counts it as $0, so the stack's worst case is a lower bound",
            pool.urn,
        )
    for quota in team_quotas(args.resources):
        if quota.worst_usd is None:
            report_violation(
                f"team {quota.team}: its quota of {quota.describe()} is left out of {team_rule.NAME}",
                quota.queue.urn,
            )


POLICY = stack_rule(
    name=NAME,
    description="Checks whether every node group's and Karpenter NodePool's worst case, and every team's "
    "accelerator quota, has a price in the cost model's price table (the cost rules count an unpriced one as $0).",
    check=check,
    severity=Severity.LOW,
    framework=COST_POLICY,
    remediation="Add the missing price to core/platform_cost/data/prices.yaml (a sourced figure, or `mlplat prices refresh` "
    "with credentials for the rows the AWS Price List API answers), or move the pool to an instance type and "
    "region the table prices; until then read the cost rules' verdicts as lower bounds.",
)
