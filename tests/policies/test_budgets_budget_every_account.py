import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.budgets_budget_every_account import POLICY
from tests.policies.harness import BASELINE_TAGS, UNKNOWN, Stack, provider, run

CONFIG = {"layers": ["foundation"]}
FOUNDATION = provider(tags={**BASELINE_TAGS, "layer": "foundation"})
ALERT = {"comparisonOperator": "GREATER_THAN", "notificationType": "ACTUAL", "threshold": 80,
         "thresholdType": "PERCENTAGE", "subscriberEmailAddresses": ["owner@acme.example"]}  # fmt: skip


def stack(p=FOUNDATION) -> Stack:
    s = Stack()
    s.add("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"}, provider_resource=p)
    s.add("aws:budgets/budget:Budget", "budget",
          {"budgetType": "COST", "timeUnit": "MONTHLY", "limitAmount": "1000.00", "costFilters": [], "notifications": [ALERT]},
          provider_resource=p)  # fmt: skip
    s.add(
        "aws:costexplorer/anomalyMonitor:AnomalyMonitor",
        "monitor",
        {"monitorType": "DIMENSIONAL"},
        provider_resource=p,
    )
    s.add("aws:costexplorer/anomalySubscription:AnomalySubscription", "subscription",
          {"subscribers": [{"type": "EMAIL", "address": "owner@acme.example"}]},
          links={"monitorArnLists": ["monitor"]}, provider_resource=p)  # fmt: skip
    return s


def test_an_account_with_a_budget_and_a_monitor_passes():
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_an_account_without_a_budget_fails():
    s = stack()
    s.remove("budget")
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "account 123456789012: no monthly cost budget of the whole account with an alert subscriber",
            FOUNDATION.urn,
        )
    ]


def test_a_team_budget_is_not_an_account_budget():
    s = stack()
    s.props("budget")["costFilters"] = [{"name": "TagKeyValue", "values": ["user:team$perception"]}]
    assert run(POLICY, s.args(CONFIG)).messages == [
        "account 123456789012: no monthly cost budget of the whole account with an alert subscriber"
    ]


def test_a_budget_nobody_hears_from_fails():
    s = stack()
    s.props("budget")["notifications"] = [{**ALERT, "subscriberEmailAddresses": []}]
    assert run(POLICY, s.args(CONFIG)).messages == [
        "account 123456789012: no monthly cost budget of the whole account with an alert subscriber"
    ]


def test_an_account_without_an_anomaly_subscription_fails():
    s = stack()
    s.remove("subscription")
    assert run(POLICY, s.args(CONFIG)).messages == [
        "account 123456789012: no Cost Anomaly Detection monitor with a subscription"
    ]


def test_a_budget_in_another_account_does_not_count():
    s = stack()
    other = provider(
        tags={**BASELINE_TAGS, "layer": "foundation"}, allowedAccountIds=json.dumps(["210987654321"])
    )
    s.add("aws:kms/key:Key", "key", {}, provider_resource=other)
    assert run(POLICY, s.args(CONFIG)).messages == [
        "account 210987654321: no monthly cost budget of the whole account with an alert subscriber and no Cost "
        "Anomaly Detection monitor with a subscription"
    ]


def test_unknown_notifications_cannot_be_judged():
    s = stack()
    s.props("budget")["notifications"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_stacks_of_other_layers_are_not_applicable():
    s = stack(provider(tags={**BASELINE_TAGS, "layer": "data"}))
    assert run(POLICY, s.args(CONFIG)).not_applicable == "the stack deploys no resources of layer foundation"
