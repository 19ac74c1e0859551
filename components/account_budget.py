"""An account's cost guard rails: an AWS Budget with alerts, optional team budgets, and Cost Anomaly Detection.

AWS Budgets and Cost Anomaly Detection are global services of the account they are created in
(the provider's region does not matter). A budget alerts by e-mail when actual spend passes each
threshold and when the month's forecast passes the forecast threshold; a budget notification
takes at most 10 e-mail subscribers, a budget at most 10 notifications (AWS Budgets API,
`Notification`). An account shared by several environments (log-archive) scopes its budget and
its anomaly monitor to the cost allocation tag `environment`; a dedicated account watches all
its spend with an AWS-managed monitor per service. Team budgets filter on the tag `team`. Tag
filters only see spend once the tag is activated as a cost allocation tag in the management
account (components/cost_allocation_tags.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components._validation import Problems
from platform_spec.naming import BUDGET_NAME_MAX, MAX_EMAIL_SUBSCRIBERS, MAX_NOTIFICATIONS


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamBudgetArgs:
    monthly_usd: float
    contact: str
    """The team's address; alerted together with the account budget's subscribers."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountBudgetArgs:
    budget_name: str
    """Name of the account budget, e.g. acme-prod-prod-data; team budgets append -team-<team>."""
    monthly_usd: float
    subscribers: Sequence[str]
    """E-mail addresses every alert goes to (the environment owner first)."""
    thresholds_percent: Sequence[int] = (50, 80, 100)
    """Actual spend alerts, in percent of the budget."""
    forecast_threshold_percent: int | None = 100
    environment_tag: str | None = None
    """Set for an account shared by several environments: count only resources tagged environment=<this>."""
    anomaly_threshold_usd: float = 1000.0
    """Anomalies with at least this total impact are sent, daily."""
    teams: Mapping[str, TeamBudgetArgs] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = Problems("AccountBudget")
        if self.monthly_usd <= 0:
            problems.add("monthly_usd", self.monthly_usd, "more than 0")
        if not self.subscribers:
            problems.add("subscribers", [], "at least one e-mail address")
        notifications = len(self.thresholds_percent) + (self.forecast_threshold_percent is not None)
        if not 1 <= notifications <= MAX_NOTIFICATIONS:
            problems.add(
                "thresholds_percent", list(self.thresholds_percent), f"1 to {MAX_NOTIFICATIONS} alerts in all"
            )
        if len(set(self.thresholds_percent)) != len(self.thresholds_percent):
            problems.add("thresholds_percent", list(self.thresholds_percent), "each threshold once")
        if self.anomaly_threshold_usd <= 0:
            problems.add("anomaly_threshold_usd", self.anomaly_threshold_usd, "more than 0")
        for key, team in self.teams.items():
            if team.monthly_usd <= 0:
                problems.add(f"teams.{key}.monthly_usd", team.monthly_usd, "more than 0")
            if len(_recipients(self.subscribers, team.contact)) > MAX_EMAIL_SUBSCRIBERS:
                problems.add(
                    f"teams.{key}.contact", team.contact, f"at most {MAX_EMAIL_SUBSCRIBERS} subscribers"
                )
        if len(self.subscribers) > MAX_EMAIL_SUBSCRIBERS:
            problems.add("subscribers", list(self.subscribers), f"at most {MAX_EMAIL_SUBSCRIBERS} addresses")
        if not 1 <= len(self.budget_name) <= BUDGET_NAME_MAX:
            problems.add(
                "budget_name",
                self.budget_name,
                f"1 to {BUDGET_NAME_MAX} characters (team budgets append a suffix)",
            )
        problems.raise_if_any()


def _recipients(subscribers: Sequence[str], *more: str) -> list[str]:
    return list(dict.fromkeys([*subscribers, *more]))


def notifications(args: AccountBudgetArgs, recipients: Sequence[str]) -> list[dict]:
    """The budget's alerts: one per actual threshold, and one on the forecast."""
    alerts = [("ACTUAL", t) for t in sorted(args.thresholds_percent)]
    if args.forecast_threshold_percent is not None:
        alerts.append(("FORECASTED", args.forecast_threshold_percent))
    return [
        {
            "comparison_operator": "GREATER_THAN",
            "notification_type": kind,
            "threshold": float(threshold),
            "threshold_type": "PERCENTAGE",
            "subscriber_email_addresses": list(recipients),
        }
        for kind, threshold in alerts
    ]


def tag_filter(key: str, value: str) -> dict:
    """A budget cost filter on a user-defined cost allocation tag (Budgets writes it `user:<key>$<value>`)."""
    return {"name": "TagKeyValue", "values": [f"user:{key}${value}"]}


class AccountBudget(pulumi.ComponentResource):
    """Creates the account budget (and team budgets) with alerts, and an anomaly monitor with a daily subscription."""

    def __init__(
        self, name: str, args: AccountBudgetArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:foundation:AccountBudget", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        filters = [tag_filter("environment", args.environment_tag)] if args.environment_tag else []
        self.budget = aws.budgets.Budget(
            name,
            name=args.budget_name,
            budget_type="COST",
            limit_amount=f"{args.monthly_usd:.2f}",
            limit_unit="USD",
            time_unit="MONTHLY",
            cost_filters=filters,
            notifications=notifications(args, _recipients(args.subscribers)),
            opts=child,
        )
        self.team_budgets = {
            team: aws.budgets.Budget(
                f"{name}-team-{team}",
                name=f"{args.budget_name}-team-{team}",
                budget_type="COST",
                limit_amount=f"{spec.monthly_usd:.2f}",
                limit_unit="USD",
                time_unit="MONTHLY",
                cost_filters=[tag_filter("team", team)],
                notifications=notifications(args, _recipients(args.subscribers, spec.contact)),
                opts=child,
            )
            for team, spec in args.teams.items()
        }
        if args.environment_tag:
            # Another environment's monitor may watch this account too: watch only this environment's tag.
            specification = {
                "Tags": {"Key": "environment", "Values": [args.environment_tag], "MatchOptions": ["EQUALS"]}
            }
            self.monitor = aws.costexplorer.AnomalyMonitor(
                f"{name}-anomalies",
                name=f"{args.budget_name}-environment",
                monitor_type="CUSTOM",
                monitor_specification=json.dumps(specification, sort_keys=True),
                opts=child,
            )
        else:
            self.monitor = aws.costexplorer.AnomalyMonitor(
                f"{name}-anomalies",
                name=f"{args.budget_name}-services",
                monitor_type="DIMENSIONAL",
                monitor_dimension="SERVICE",
                opts=child,
            )
        self.subscription = aws.costexplorer.AnomalySubscription(
            f"{name}-anomalies",
            name=f"{args.budget_name}-anomalies",
            frequency="DAILY",  # e-mail subscribers take DAILY or WEEKLY; IMMEDIATE needs SNS
            monitor_arn_lists=[self.monitor.arn],
            subscribers=[{"type": "EMAIL", "address": a} for a in _recipients(args.subscribers)],
            threshold_expression={
                "dimension": {
                    "key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
                    "match_options": ["GREATER_THAN_OR_EQUAL"],
                    "values": [f"{args.anomaly_threshold_usd:g}"],
                }
            },
            opts=child,
        )
        self.budget_name = self.budget.name
        self.monitor_arn = self.monitor.arn
        self.register_outputs({"budget_name": self.budget_name, "monitor_arn": self.monitor_arn})
