import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.aws_provider_allowed_account_ids import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

PROVIDER = "pulumi:providers:aws"


@pytest.mark.parametrize("value", [json.dumps(["123456789012"]), ["123456789012"]])
def test_a_bound_provider_passes(value):
    assert run(POLICY, resource_args(PROVIDER, {"allowedAccountIds": value})).violations == []


@pytest.mark.parametrize("props", [{}, {"allowedAccountIds": "[]"}])
def test_an_unbound_provider_fails(props):
    assert run(POLICY, resource_args(PROVIDER, props)).messages == [
        "allowedAccountIds is empty: the provider acts on whatever account its credentials reach"
    ]


def test_unknown_accounts_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(PROVIDER, {"allowedAccountIds": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("pulumi:providers:kubernetes", {})).not_applicable
        == f"applies to {PROVIDER}"
    )
