import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_launch_template_ebs_encrypted import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
KEY = "arn:aws:kms:us-west-2:123456789012:key/platform"


def template(*ebs):
    mappings = [{"deviceName": f"/dev/xvd{chr(97 + i)}", "ebs": e} for i, e in enumerate(ebs)]
    return resource_args(TEMPLATE, {"blockDeviceMappings": mappings})


def test_volumes_with_the_customer_key_pass():
    encrypted = {"encrypted": "true", "kmsKeyId": KEY, "volumeType": "gp3"}
    assert run(POLICY, template(encrypted, encrypted)).violations == []


@pytest.mark.parametrize(
    ("ebs", "message"),
    [
        ({"encrypted": "false", "kmsKeyId": KEY}, "/dev/xvdb is not encrypted"),
        ({"volumeSize": 100}, "/dev/xvdb is not encrypted"),
        ({"encrypted": "true"}, "/dev/xvdb is encrypted with the AWS-managed key, not a customer key"),
        ({"encrypted": "true", "kmsKeyId": "alias/aws/ebs"},
         "/dev/xvdb is encrypted with the AWS-managed key, not a customer key"),
    ],
)  # fmt: skip
def test_a_weak_second_volume_fails(ebs, message):
    assert run(POLICY, template({"encrypted": "true", "kmsKeyId": KEY}, ebs)).messages == [message]


def test_a_template_without_volumes_fails():
    assert run(POLICY, resource_args(TEMPLATE, {"blockDeviceMappings": []})).messages == [
        "no EBS block device mapping: the root volume takes the AMI's settings, encrypted only if the "
        "account's default encryption is on, and not with the platform key"
    ]


def test_an_unknown_key_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, template({"encrypted": "true", "kmsKeyId": UNKNOWN}))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:ebs/volume:Volume", {}))
    assert result.not_applicable == f"applies to {TEMPLATE}"
