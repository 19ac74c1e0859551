import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.aws_provider_region_allowed import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

PROVIDER = "pulumi:providers:aws"
CONFIG = {"regions": ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]}


def test_an_allowed_region_passes():
    assert run(POLICY, resource_args(PROVIDER, {"region": "us-west-2"}, config=CONFIG)).violations == []


@pytest.mark.parametrize("props", [{"region": "ap-southeast-1"}, {}])
def test_another_region_fails(props):
    assert run(POLICY, resource_args(PROVIDER, props, config=CONFIG)).messages == [
        f"region {props.get('region')!r}; allowed: eu-central-1, eu-west-1, us-east-1, us-west-2"
    ]


def test_unknown_region_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(PROVIDER, {"region": UNKNOWN}, config=CONFIG))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:ec2/vpc:Vpc", {}, config=CONFIG)).not_applicable
        == f"applies to {PROVIDER}"
    )
