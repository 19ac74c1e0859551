import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ecr_repository_kms_encrypted import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

REPOSITORY = "aws:ecr/repository:Repository"
KEY = "arn:aws:kms:eu-central-1:444444444444:key/platform"


def test_a_customer_key_passes():
    args = resource_args(REPOSITORY, {"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY}]})
    assert run(POLICY, args).violations == []


@pytest.mark.parametrize(
    ("configurations", "message"),
    [
        (None, "encryption is AES256 (the default), not KMS with a customer key"),
        ([{"encryptionType": "AES256"}], "encryption is AES256, not KMS with a customer key"),
        ([{"encryptionType": "KMS"}], "encryption is KMS with the AWS-managed key, not a customer key"),
    ],
)
def test_other_encryption_fails(configurations, message):
    args = resource_args(REPOSITORY, {"encryptionConfigurations": configurations})
    assert run(POLICY, args).messages == [message]


def test_unknown_key_cannot_be_judged():
    args = resource_args(
        REPOSITORY, {"encryptionConfigurations": [{"encryptionType": UNKNOWN, "kmsKey": KEY}]}
    )
    with pytest.raises(UnknownValueError):
        run(POLICY, args)


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:kms/key:Key", {}))
    assert result.not_applicable.startswith("applies to aws:ecr/repository:Repository")
