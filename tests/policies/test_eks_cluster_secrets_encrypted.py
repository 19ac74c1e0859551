import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_cluster_secrets_encrypted import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

CLUSTER = "aws:eks/cluster:Cluster"
KEY = "arn:aws:kms:eu-central-1:123456789012:key/platform"


def cluster(encryption):
    return resource_args(CLUSTER, {"encryptionConfig": encryption})


def test_secrets_with_a_customer_key_pass():
    assert run(POLICY, cluster({"provider": {"keyArn": KEY}, "resources": ["secrets"]})).violations == []


@pytest.mark.parametrize(
    ("encryption", "message"),
    [
        (None, "Kubernetes secrets are not envelope-encrypted with a KMS key (no encryptionConfig for secrets)"),
        ({"provider": {"keyArn": KEY}, "resources": []},
         "Kubernetes secrets are not envelope-encrypted with a KMS key (no encryptionConfig for secrets)"),
        ({"provider": {}, "resources": ["secrets"]}, "secrets encryption names no customer-managed KMS key (keyArn None)"),
        ({"provider": {"keyArn": "arn:aws:kms:eu-central-1:123456789012:alias/aws/eks"}, "resources": ["secrets"]},
         "secrets encryption names no customer-managed KMS key "
         "(keyArn 'arn:aws:kms:eu-central-1:123456789012:alias/aws/eks')"),
    ],
)  # fmt: skip
def test_unencrypted_or_aws_managed_fails(encryption, message):
    assert run(POLICY, cluster(encryption)).messages == [message]


def test_an_unknown_key_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, cluster({"provider": {"keyArn": UNKNOWN}, "resources": ["secrets"]}))


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:kms/key:Key", {})).not_applicable == f"applies to {CLUSTER}"
