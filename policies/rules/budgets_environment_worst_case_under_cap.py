"""budgets-environment-worst-case-under-cap: if every node pool ran at its max size all month, the
environment's bill must still fit under the budget cap its spec sets (cost.budget.monthly_cap_usd).

One stack is analyzed at a time, so the rule prices this stack's resources live with the project's
cost model (platform_cost.model, core/platform_cost/data/prices.yaml) and adds the other stacks' worst cases as last
planned, which the config carries with the cap and the usage assumptions (all generated from the
specs by `python -m mlplat.gate.cost_config`; docs/adr/0010-cost-model.md). Lines without a price
("not found" in the table) cannot count, so a pass is a pass of a lower bound: the message of a failure
says how many lines are unpriced, and `eks-nodegroup-worst-case-priced` (advisory) names every node pool
whose worst case has no price, pass or fail.
"""

from __future__ import annotations

from pulumi_policy import Severity

from platform_cost.stack import stack_estimate
from platform_cost.values import money
from rules._support import AWS_PROVIDER, COST_POLICY, default_tags, stack_rule

NAME = "budgets-environment-worst-case-under-cap"


def check(args, report_violation) -> None:
    config = args.get_config()
    layers = {
        default_tags(r.provider).get("layer") for r in args.resources if r.resource_type != AWS_PROVIDER
    }
    if not args.resources or "org" in layers:
        args.not_applicable("the organization's stack is shared by every environment and in no budget")
    stack, estimate = stack_estimate(args.resources, config["usage"])
    own = estimate.worst()
    others = {name: float(value) for name, value in config["stackWorstCaseUsd"].items() if name != stack}
    total, cap = own + sum(others.values()), float(config["capUsd"])
    if total > cap:
        unpriced = len(estimate.unpriced())
        report_violation(
            f"worst case {money(total)} a month (every pool at max size for 730 h) is over the budget cap of "
            f"{money(cap)}: this stack {money(own)}"
            + (f" (+{unpriced} unpriced line(s))" if unpriced else "")
            + f", the other {len(others)} stack(s) {money(sum(others.values()))} as last planned"
        )


POLICY = stack_rule(
    name=NAME,
    description="Checks whether the environment's worst-case monthly cost (this stack priced live, every "
    "node pool at max size for 730 hours, plus the other stacks' worst cases) stays under its budget cap.",
    check=check,
    severity=Severity.HIGH,
    framework=COST_POLICY,
    config={
        "capUsd": {"type": "number", "exclusiveMinimum": 0},
        "stackWorstCaseUsd": {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
        "usage": {"type": "object"},
    },
    remediation="Lower max sizes or limits of the node pools (or other resources) the message names, or raise "
    "cost.budget.monthly_cap_usd in environments/<env>.yaml in a reviewed change; then regenerate the config "
    "with `python -m mlplat.gate.cost_config` (`mlplat cost <env>` shows the lines).",
)
