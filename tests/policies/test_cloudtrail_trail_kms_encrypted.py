import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.cloudtrail_trail_kms_encrypted import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

TRAIL = "aws:cloudtrail/trail:Trail"


def test_a_kms_encrypted_trail_passes():
    assert (
        run(POLICY, resource_args(TRAIL, {"kmsKeyId": "arn:aws:kms:eu-central-1:1:key/k"})).violations == []
    )


@pytest.mark.parametrize("props", [{}, {"kmsKeyId": ""}])
def test_a_trail_without_a_key_fails(props):
    assert run(POLICY, resource_args(TRAIL, props)).messages == [
        "kmsKeyId is not set: log files are encrypted with SSE-S3 only"
    ]


def test_unknown_key_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(TRAIL, {"kmsKeyId": UNKNOWN}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:kms/key:Key", {})).not_applicable == f"applies to {TRAIL}"
