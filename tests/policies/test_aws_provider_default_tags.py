import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.aws_provider_default_tags import POLICY
from tests.policies.harness import BASELINE_TAGS, UNKNOWN, resource_args, run

PROVIDER = "pulumi:providers:aws"
CONFIG = {"requiredTags": list(BASELINE_TAGS)}


def args(tags):
    return resource_args(
        PROVIDER, {"region": "eu-central-1", "defaultTags": json.dumps({"tags": tags})}, config=CONFIG
    )


def test_all_required_default_tags_pass():
    assert run(POLICY, args(BASELINE_TAGS)).violations == []


def test_default_tags_given_as_an_object_pass():
    props = {"defaultTags": {"tags": BASELINE_TAGS}}
    assert run(POLICY, resource_args(PROVIDER, props, config=CONFIG)).violations == []


def test_a_missing_and_an_empty_tag_fail():
    tags = {**BASELINE_TAGS, "owner": ""}
    del tags["cost-center"]
    assert run(POLICY, args(tags)).messages == ["defaultTags lack owner, cost-center"]


def test_no_default_tags_fail():
    assert run(POLICY, resource_args(PROVIDER, {"region": "eu-central-1"}, config=CONFIG)).messages == [
        "defaultTags lack project, environment, layer, owner, cost-center, managed-by"
    ]


def test_unknown_default_tags_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(PROVIDER, {"defaultTags": UNKNOWN}, config=CONFIG))


def test_other_types_are_not_applicable():
    assert (
        run(POLICY, resource_args("aws:s3/bucket:Bucket", {}, config=CONFIG)).not_applicable
        == f"applies to {PROVIDER}"
    )
