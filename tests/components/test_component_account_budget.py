import json

import pulumi
import pytest

from components.account_budget import AccountBudget, AccountBudgetArgs, TeamBudgetArgs
from components.cost_allocation_tags import CostAllocationTags, CostAllocationTagsArgs
from tests.support.synthesis import run_component

BUDGET = "aws:budgets/budget:Budget"
MONITOR = "aws:costexplorer/anomalyMonitor:AnomalyMonitor"
SUBSCRIPTION = "aws:costexplorer/anomalySubscription:AnomalySubscription"


def build(args: AccountBudgetArgs):
    return run_component(
        lambda p: AccountBudget("prod-training-budget", args, pulumi.ResourceOptions(provider=p))
    )


@pytest.fixture(scope="module")
def training():
    return build(
        AccountBudgetArgs(
            budget_name="acme-prod-prod-training",
            monthly_usd=350000,
            subscribers=["ml-platform@acme.example", "finops@acme.example"],
            anomaly_threshold_usd=2500,
            teams={"perception": TeamBudgetArgs(monthly_usd=400000, contact="perception@acme.example")},
        )
    )


def test_an_account_budget_a_team_budget_and_an_anomaly_monitor_with_a_subscription(training):
    assert training.counts() == {BUDGET: 2, MONITOR: 1, SUBSCRIPTION: 1}
    budget = training.one(BUDGET, "prod-training-budget")
    assert {k: budget.inputs[k] for k in ("name", "budgetType", "limitAmount", "limitUnit", "timeUnit", "costFilters")} == {
        "name": "acme-prod-prod-training", "budgetType": "COST", "limitAmount": "350000.00", "limitUnit": "USD",
        "timeUnit": "MONTHLY", "costFilters": [],
    }  # fmt: skip
    alerts = [(n["notificationType"], n["threshold"]) for n in budget.inputs["notifications"]]
    assert alerts == [("ACTUAL", 50), ("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)]
    assert {tuple(n["subscriberEmailAddresses"]) for n in budget.inputs["notifications"]} == {
        ("ml-platform@acme.example", "finops@acme.example")
    }


def test_a_team_budget_filters_on_the_team_tag_and_alerts_the_team(training):
    team = training.one(BUDGET, "prod-training-budget-team-perception")
    assert team.inputs["name"] == "acme-prod-prod-training-team-perception"
    assert team.inputs["limitAmount"] == "400000.00"
    assert team.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:team$perception"]}]
    assert team.inputs["notifications"][0]["subscriberEmailAddresses"] == [
        "ml-platform@acme.example", "finops@acme.example", "perception@acme.example"
    ]  # fmt: skip


def test_a_dedicated_account_is_watched_per_service_daily(training):
    monitor = training.one(MONITOR, "prod-training-budget-anomalies")
    assert monitor.inputs == {
        "monitorDimension": "SERVICE",
        "monitorType": "DIMENSIONAL",
        "name": "acme-prod-prod-training-services",
    }
    subscription = training.one(SUBSCRIPTION, "prod-training-budget-anomalies")
    assert subscription.inputs["frequency"] == "DAILY"
    assert subscription.inputs["monitorArnLists"] == [monitor.outputs["arn"]]
    assert subscription.inputs["thresholdExpression"] == {
        "dimension": {
            "key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
            "matchOptions": ["GREATER_THAN_OR_EQUAL"],
            "values": ["2500"],
        }
    }
    assert [s["address"] for s in subscription.inputs["subscribers"]] == [
        "ml-platform@acme.example",
        "finops@acme.example",
    ]


def test_a_shared_account_counts_only_its_environment():
    shared = build(
        AccountBudgetArgs(
            budget_name="acme-dev-log-archive", monthly_usd=200, subscribers=["ml-platform@acme.example"],
            environment_tag="dev", forecast_threshold_percent=None,
        )
    )  # fmt: skip
    budget = shared.one(BUDGET, "prod-training-budget")
    assert budget.inputs["costFilters"] == [{"name": "TagKeyValue", "values": ["user:environment$dev"]}]
    assert [n["notificationType"] for n in budget.inputs["notifications"]] == ["ACTUAL"] * 3
    monitor = shared.one(MONITOR, "prod-training-budget-anomalies")
    assert monitor.inputs["monitorType"] == "CUSTOM"
    assert json.loads(monitor.inputs["monitorSpecification"]) == {
        "Tags": {"Key": "environment", "MatchOptions": ["EQUALS"], "Values": ["dev"]}
    }


def test_budget_arguments_are_refused_with_every_problem():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        AccountBudgetArgs(
            budget_name="", monthly_usd=0, subscribers=[], thresholds_percent=[80, 80], anomaly_threshold_usd=0,
            teams={"x": TeamBudgetArgs(monthly_usd=-1, contact="x@acme.example")},
        )  # fmt: skip
    assert [e["property_path"] for e in raised.value.errors] == [
        "monthly_usd", "subscribers", "thresholds_percent", "anomaly_threshold_usd", "teams.x.monthly_usd", "budget_name",
    ]  # fmt: skip


def test_cost_allocation_tags_are_activated_one_resource_per_key():
    recorded = run_component(
        lambda p: CostAllocationTags(
            "cost-allocation-tags",
            CostAllocationTagsArgs(tag_keys=["environment", "team", "data-product", "cost-center"]),
            pulumi.ResourceOptions(provider=p),
        )
    )
    keys = ("environment", "team", "data-product", "cost-center")
    assert recorded.names("aws:costexplorer/costAllocationTag:CostAllocationTag") == sorted(
        f"cost-allocation-tags-{key}" for key in keys
    )
    for key in keys:
        tag = recorded.one(
            "aws:costexplorer/costAllocationTag:CostAllocationTag", f"cost-allocation-tags-{key}"
        )
        assert tag.inputs == {"status": "Active", "tagKey": key}
        assert tag.id == key


def test_reserved_or_repeated_tag_keys_are_refused():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        CostAllocationTagsArgs(tag_keys=["aws:createdBy", "team", "team"])
    assert [e["property_path"] for e in raised.value.errors] == ["tag_keys[0]", "tag_keys"]


def test_tag_keys_that_would_share_a_resource_name_are_refused():
    """`Team` and `team`, `cost center` and `cost-center` would be one child name (a duplicate URN)."""
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        CostAllocationTagsArgs(tag_keys=["team", "Team", "cost center", "cost-center"])
    assert [(e["property_path"], e["reason"]) for e in raised.value.errors] == [
        ("tag_keys[1]", "'Team': a key whose resource name differs from tag_keys[0] ('team')"),
        ("tag_keys[3]", "'cost-center': a key whose resource name differs from tag_keys[2] ('cost center')"),
    ]
