import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.aws_resource_required_tags import POLICY
from tests.policies.harness import BASELINE_TAGS, UNKNOWN, provider, resource_args, run

CONFIG = {"requiredTags": list(BASELINE_TAGS)}


def args(tags=None, provider_tags=None, with_provider=True):
    props = {} if tags is None else {"tags": tags}
    p = provider(tags=BASELINE_TAGS if provider_tags is None else provider_tags) if with_provider else None
    return resource_args("aws:ec2/vpc:Vpc", props, config=CONFIG, provider_resource=p)


def test_tags_from_the_provider_pass():
    assert run(POLICY, args({"Name": "vpc"})).violations == []


def test_own_tags_fill_what_the_provider_lacks():
    assert run(POLICY, args({"owner": "team@acme.example"}, {**BASELINE_TAGS, "owner": ""})).violations == []


def test_an_own_tag_that_empties_a_default_fails():
    assert run(POLICY, args({"cost-center": ""})).messages == [
        "missing or empty after merging its provider's default tags with its own tags: cost-center"
    ]


def test_a_default_provider_fails():
    assert run(POLICY, args({"project": "mlplatform"}, with_provider=False)).messages == [
        "missing or empty after merging a default provider (no default tags) with its own tags: "
        "environment, layer, owner, cost-center, managed-by"
    ]


def test_unknown_tags_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(UNKNOWN))


@pytest.mark.parametrize(
    "resource_type", ["pulumi:providers:aws", "mlplatform:data:LakeBucket", "pulumi:pulumi:Stack"]
)
def test_non_aws_resources_are_not_applicable(resource_type):
    assert run(POLICY, resource_args(resource_type, {}, config=CONFIG)).not_applicable == "applies to aws:*"
