import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_data_classification_tags import POLICY
from tests.policies.harness import BASELINE_TAGS, UNKNOWN, provider, resource_args, run

BUCKET = "aws:s3/bucket:Bucket"
CONFIG = {
    "layers": ["data"],
    "dataClasses": ["curated", "platform", "safety-evidence", "sensor-raw", "training-snapshot"],
    "safetyRelevantClasses": ["safety-evidence", "training-snapshot"],
}


def args(tags, layer="data"):
    return resource_args(
        BUCKET,
        {"tags": tags},
        config=CONFIG,
        provider_resource=provider(tags={**BASELINE_TAGS, "layer": layer}),
    )


@pytest.mark.parametrize(
    "tags",
    [
        {"data-class": "curated", "safety-relevant": "false"},
        {"data-class": "training-snapshot", "safety-relevant": "true"},
        {"data-class": "platform", "purpose": "s3-access-logs"},
    ],
)
def test_classified_buckets_pass(tags):
    assert run(POLICY, args(tags)).violations == []


def test_a_missing_data_class_fails():
    assert run(POLICY, args({"safety-relevant": "false"})).messages == [
        "tag data-class is None; allowed: curated, platform, safety-evidence, sensor-raw, training-snapshot"
    ]


def test_an_unknown_data_class_fails():
    assert run(POLICY, args({"data-class": "misc", "safety-relevant": "false"})).messages == [
        "tag data-class is 'misc'; allowed: curated, platform, safety-evidence, sensor-raw, training-snapshot"
    ]


def test_a_safety_class_marked_not_relevant_fails():
    assert run(POLICY, args({"data-class": "safety-evidence", "safety-relevant": "false"})).messages == [
        "tag safety-relevant is 'false'; data class safety-evidence requires 'true'"
    ]


def test_a_missing_safety_tag_fails():
    assert run(POLICY, args({"data-class": "curated"})).messages == [
        "tag safety-relevant is None; data class curated requires 'false'"
    ]


def test_unknown_tags_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(UNKNOWN))


def test_buckets_of_other_layers_are_not_applicable():
    assert run(POLICY, args({}, layer="org")).not_applicable == "layer 'org' is not one of data"
