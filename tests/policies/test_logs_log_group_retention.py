import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.logs_log_group_retention import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
CONFIG = {"minimumDays": 365}


def group(days):
    return resource_args(LOG_GROUP, {"name": "/aws/eks/c/cluster", "retentionInDays": days}, config=CONFIG)


@pytest.mark.parametrize("days", [365, 400, 3653])
def test_a_retention_of_at_least_the_minimum_passes(days):
    assert run(POLICY, group(days)).violations == []


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (None, "the log group keeps events forever (no retentionInDays)"),
        (0, "the log group keeps events forever (no retentionInDays)"),
        (90, "the log group keeps events 90 days, less than the minimum of 365"),
    ],
)
def test_forever_or_too_short_fails(days, message):
    assert run(POLICY, group(days)).messages == [message]


def test_an_unknown_retention_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, group(UNKNOWN))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:cloudwatch/eventRule:EventRule", {}, config=CONFIG))
    assert result.not_applicable == f"applies to {LOG_GROUP}"
