import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.cloudtrail_trail_multi_region_validated import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

TRAIL = "aws:cloudtrail/trail:Trail"
GOOD = {"isMultiRegionTrail": True, "includeGlobalServiceEvents": True, "enableLogFileValidation": True}


def test_a_complete_trail_passes():
    assert run(POLICY, resource_args(TRAIL, GOOD)).violations == []


def test_global_events_default_to_true():
    props = {k: v for k, v in GOOD.items() if k != "includeGlobalServiceEvents"}
    assert run(POLICY, resource_args(TRAIL, props)).violations == []


@pytest.mark.parametrize("setting", list(GOOD))
def test_each_setting_turned_off_fails(setting):
    assert run(POLICY, resource_args(TRAIL, {**GOOD, setting: False})).messages == [f"not true: {setting}"]


def test_unknown_setting_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(TRAIL, {**GOOD, "enableLogFileValidation": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:s3/bucket:Bucket", {})).not_applicable == f"applies to {TRAIL}"
