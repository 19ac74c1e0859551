import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.s3_bucket_personal_data_residency import POLICY
from tests.policies.harness import UNKNOWN, provider, resource_args, run

BUCKET = "aws:s3/bucket:Bucket"
CONFIG = {"regions": ["eu-central-1", "eu-west-1"], "personalDataClasses": ["sensor-raw"]}


def args(tags, provider_region="eu-central-1", **props):
    return resource_args(
        BUCKET, {"tags": tags, **props}, config=CONFIG, provider_resource=provider(provider_region)
    )


def test_personal_data_in_residency_passes():
    assert run(POLICY, args({"data-class": "sensor-raw"}, "eu-west-1")).violations == []


def test_personal_data_class_outside_residency_fails():
    assert run(POLICY, args({"data-class": "sensor-raw"}, "us-west-2")).messages == [
        "personal data (data-class 'sensor-raw') in region 'us-west-2'; allowed: eu-central-1, eu-west-1"
    ]


def test_a_zone_marked_personal_outside_residency_fails():
    assert run(POLICY, args({"data-class": "labels", "personal-data": "true"}, "us-east-1")).messages == [
        "personal data (data-class 'labels') in region 'us-east-1'; allowed: eu-central-1, eu-west-1"
    ]


def test_the_resource_region_overrides_the_provider_region():
    assert run(POLICY, args({"data-class": "sensor-raw"}, "eu-central-1", region="us-west-2")).messages == [
        "personal data (data-class 'sensor-raw') in region 'us-west-2'; allowed: eu-central-1, eu-west-1"
    ]


def test_unknown_tags_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(UNKNOWN))


def test_buckets_without_personal_data_are_not_applicable():
    assert (
        run(POLICY, args({"data-class": "curated"}, "us-west-2")).not_applicable
        == "the bucket holds no personal data"
    )
