import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.budgets_environment_worst_case_under_cap import POLICY
from tests.policies.harness import BASELINE_TAGS, UNKNOWN, Stack, provider, run

US_EAST = provider("us-east-1", tags={**BASELINE_TAGS, "layer": "compute"})
WORST = 4 * 730 * 1.006  # 4 g5.xlarge at on-demand all month: $2,937.52


def config(cap: float = 5000, others: dict | None = None) -> dict:
    return {
        "capUsd": cap,
        "stackWorstCaseUsd": {"prod-data": 1000} if others is None else others,
        "usage": {},
    }


def stack(max_size: int = 4, capacity: str = "SPOT") -> Stack:
    s = Stack()
    s.add(
        "aws:eks/nodeGroup:NodeGroup",
        "batch",
        {
            "capacityType": capacity,
            "instanceTypes": ["g5.xlarge"],
            "labels": {"mlplatform.io/pool": "batch"},
            "scalingConfig": {"minSize": 0, "maxSize": max_size, "desiredSize": 0},
        },
        provider_resource=US_EAST,
    )
    return s


def test_a_worst_case_under_the_cap_passes():
    assert run(POLICY, stack().args(config())).violations == []


def test_the_cap_below_the_worst_case_fails():
    assert run(POLICY, stack().args(config(cap=3000))).violations == [
        (
            "worst case $3,938 a month (every pool at max size for 730 h) is over the budget cap of $3,000: "
            "this stack $2,938, the other 1 stack(s) $1,000 as last planned",
            None,
        )
    ]


def test_a_pool_grown_past_the_cap_fails():
    assert run(POLICY, stack(max_size=8).args(config())).messages == [
        "worst case $6,875 a month (every pool at max size for 730 h) is over the budget cap of $5,000: "
        "this stack $5,875, the other 1 stack(s) $1,000 as last planned"
    ]


def test_the_other_stacks_recorded_worst_case_counts():
    assert run(POLICY, stack().args(config(others={"prod-data": 2500}))).violations != []


def test_this_stacks_recorded_figure_is_replaced_by_the_live_one():
    """The harness's stack is `prod`: its own recorded worst case is what it was, the live one is what counts."""
    assert run(POLICY, stack().args(config(others={"prod": 10**9}))).violations == []


def test_unpriced_lines_are_named_not_guessed():
    s = stack(max_size=8)
    s.add(
        "aws:eks/nodeGroup:NodeGroup",
        "ai100",
        {"capacityType": "ON_DEMAND", "instanceTypes": ["dl2q.24xlarge"], "labels": {"mlplatform.io/pool": "ai100"},
         "scalingConfig": {"minSize": 0, "maxSize": 4, "desiredSize": 0}},
        provider_resource=US_EAST,
    )  # fmt: skip
    assert run(POLICY, s.args(config())).messages == [
        "worst case $6,875 a month (every pool at max size for 730 h) is over the budget cap of $5,000: "
        "this stack $5,875 (+1 unpriced line(s)), the other 1 stack(s) $1,000 as last planned"
    ]


def test_an_unknown_max_size_cannot_be_judged():
    s = stack()
    s.props("batch")["scalingConfig"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(config()))


def test_the_organization_stack_is_not_applicable():
    s = Stack()
    s.add("aws:kms/key:Key", "trail", {}, provider_resource=provider(tags={**BASELINE_TAGS, "layer": "org"}))
    assert (
        run(POLICY, s.args(config())).not_applicable
        == "the organization's stack is shared by every environment and in no budget"
    )
