import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.logs_log_group_kms_encrypted import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
KEY = "arn:aws:kms:eu-central-1:123456789012:key/platform"


def test_a_customer_key_passes():
    assert run(POLICY, resource_args(LOG_GROUP, {"kmsKeyId": KEY})).violations == []


@pytest.mark.parametrize("key", [None, "", "arn:aws:kms:eu-central-1:123456789012:alias/aws/logs"])
def test_cloudwatch_own_encryption_fails(key):
    assert run(POLICY, resource_args(LOG_GROUP, {"kmsKeyId": key})).messages == [
        "the log group is encrypted with CloudWatch's own key, not a customer-managed KMS key"
    ]


def test_an_unknown_key_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(LOG_GROUP, {"kmsKeyId": UNKNOWN}))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:cloudwatch/logStream:LogStream", {}))
    assert result.not_applicable == f"applies to {LOG_GROUP}"
