import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ecr_repository_scan_on_push import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

REPOSITORY = "aws:ecr/repository:Repository"


def test_scan_on_push_passes():
    args = resource_args(REPOSITORY, {"imageScanningConfiguration": {"scanOnPush": True}})
    assert run(POLICY, args).violations == []


@pytest.mark.parametrize("scanning", [{"scanOnPush": False}, {}, None])
def test_no_scan_on_push_fails(scanning):
    expected = None if not scanning else scanning.get("scanOnPush")
    assert run(POLICY, resource_args(REPOSITORY, {"imageScanningConfiguration": scanning})).messages == [
        f"imageScanningConfiguration.scanOnPush is {expected!r}, not true"
    ]


def test_unknown_setting_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(REPOSITORY, {"imageScanningConfiguration": {"scanOnPush": UNKNOWN}}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:kms/key:Key", {})).not_applicable == f"applies to {REPOSITORY}"
