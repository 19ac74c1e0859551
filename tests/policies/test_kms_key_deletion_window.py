import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.kms_key_deletion_window import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

KEY = "aws:kms/key:Key"
CONFIG = {"minimumDays": 30}


def args(**props):
    return resource_args(KEY, {"deletionWindowInDays": 30.0, **props}, config=CONFIG)


def test_thirty_days_pass():
    assert run(POLICY, args()).violations == []


def test_the_aws_default_passes():
    assert run(POLICY, resource_args(KEY, {}, config=CONFIG)).violations == []


def test_a_short_window_fails():
    assert run(POLICY, args(deletionWindowInDays=7)).messages == [
        "deletionWindowInDays is 7; at least 30 days are required"
    ]


def test_unknown_window_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(deletionWindowInDays=UNKNOWN))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:kms/alias:Alias", {}, config=CONFIG)).not_applicable
        == f"applies to {KEY}"
    )
