import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.kms_key_rotation_enabled import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

KEY = "aws:kms/key:Key"


def args(**props):
    return resource_args(KEY, {"enableKeyRotation": True, **props})


def test_a_rotating_key_passes():
    assert run(POLICY, args()).violations == []


@pytest.mark.parametrize("value", [False, None])
def test_a_key_without_rotation_fails(value):
    assert run(POLICY, args(enableKeyRotation=value)).messages == [
        f"enableKeyRotation is {value!r}, not true"
    ]


def test_unknown_rotation_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, args(enableKeyRotation=UNKNOWN))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:s3/bucket:Bucket", {})).not_applicable == f"applies to {KEY}"
