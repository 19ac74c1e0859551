"""budgets-budget-every-account: every account a foundation stack deploys into has a monthly cost budget
that alerts someone, and a Cost Anomaly Detection monitor with a subscription.

An account is known by the AWS providers of the stack (allowedAccountIds); a budget or monitor
belongs to the account of the provider it was created with. Spend that nobody is told about is
found on the invoice; the budget alerts on thresholds, the anomaly subscription on spikes.
"""

from __future__ import annotations

from collections import defaultdict

from pulumi_policy import Severity

from rules._support import (
    AWS_PROVIDER,
    COST_POLICY,
    LAYERS_CONFIG,
    Stack,
    as_list,
    effective_tags,
    json_value,
    number,
    stack_rule,
)

NAME = "budgets-budget-every-account"

BUDGET = "aws:budgets/budget:Budget"
MONITOR = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"
SUBSCRIPTION = "aws:costexplorer/anomalySubscription:AnomalySubscription"


def account_of(provider) -> str | None:
    if provider is None:
        return None
    accounts = as_list(json_value(provider.props.get("allowedAccountIds")))
    return str(accounts[0]) if accounts else None


def alerts(budget) -> bool:
    return any(
        as_list(n.get("subscriberEmailAddresses")) or as_list(n.get("subscriberSnsTopicArns"))
        for n in as_list(budget.props.get("notifications"))
    )


def whole_account(budget) -> bool:
    """An account budget counts all spend of the account, or of its environment in a shared account; a team
    budget (filtered on the tag `team`) watches a slice and does not count."""
    return all(
        f.get("name") == "TagKeyValue"
        and all(str(v).startswith("user:environment$") for v in as_list(f.get("values")))
        for f in as_list(budget.props.get("costFilters"))
    )


def check(args, report_violation) -> None:
    layers = args.get_config()["layers"]
    stack = Stack(args.resources)
    resources = [
        r for r in stack.resources if r.provider is not None and r.provider.resource_type == AWS_PROVIDER
    ]
    if not any(effective_tags(r.props, r.provider).get("layer") in layers for r in resources):
        args.not_applicable(f"the stack deploys no resources of layer {', '.join(layers)}")
    providers: dict[str, object] = {}
    for resource in resources:
        account = account_of(resource.provider)
        if account is not None:
            providers.setdefault(account, resource.provider)
    budgets: dict[str, list] = defaultdict(list)
    for budget in stack.of_type(BUDGET):
        monthly = budget.props.get("timeUnit") == "MONTHLY" and budget.props.get("budgetType") == "COST"
        limited = (number(budget.props.get("limitAmount")) or 0) > 0
        if monthly and limited and whole_account(budget) and alerts(budget):
            budgets[account_of(budget.provider)].append(budget)
    watched = set()
    for subscription in stack.of_type(SUBSCRIPTION):
        monitors = [
            m for m in stack.referenced(subscription, "monitorArnLists") if m.resource_type == MONITOR
        ]
        if monitors and as_list(subscription.props.get("subscribers")):
            watched.update(account_of(m.provider) for m in monitors)
    for account, provider in sorted(providers.items()):
        missing = []
        if not budgets.get(account):
            missing.append("no monthly cost budget of the whole account with an alert subscriber")
        if account not in watched:
            missing.append("no Cost Anomaly Detection monitor with a subscription")
        if missing:
            report_violation(f"account {account}: {' and '.join(missing)}", provider.urn)


POLICY = stack_rule(
    name=NAME,
    description="Checks whether every account a foundation stack deploys into has a monthly cost budget of the "
    "whole account (or of its environment, in a shared account) with alert subscribers, and a Cost Anomaly "
    "Detection monitor with a subscription.",
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config=LAYERS_CONFIG,
    remediation="Give the account an entry under cost.budget.accounts in environments/<env>.yaml; the "
    "foundation stack creates its budget and anomaly monitor (components/account_budget.py).",
)
