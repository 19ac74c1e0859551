import json

import pulumi
import pytest

from components.data_class_keys import DataClassKeyArgs, DataClassKeys, DataClassKeysArgs
from components.deploy_role import DeployRole, DeployRoleArgs
from tests.support.synthesis import policy, run_component

KEYS = {
    "sensor-raw": DataClassKeyArgs(description="raw", via_services=["s3"]),
    "platform": DataClassKeyArgs(description="platform", via_services=["ec2", "eks"], cloudwatch_logs=True),
}


@pytest.fixture(scope="module")
def keys():
    args = DataClassKeysArgs(
        account_id="123456789012", region="eu-west-1", alias_prefix="alias/acme/prod", keys=KEYS
    )
    return run_component(lambda p: DataClassKeys("data-euw1", args, pulumi.ResourceOptions(provider=p)))


def test_one_rotating_protected_key_and_alias_per_class(keys):
    assert keys.counts() == {"aws:kms/alias:Alias": 2, "aws:kms/key:Key": 2}
    for data_class in KEYS:
        key = keys.one("aws:kms/key:Key", f"data-euw1-{data_class}")
        assert key.protect and key.retain_on_delete
        assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30
        alias = keys.one("aws:kms/alias:Alias", f"data-euw1-{data_class}")
        assert alias.inputs == {"name": f"alias/acme/prod/{data_class}", "targetKeyId": key.id}


def test_key_use_is_limited_to_the_account_through_its_services(keys):
    statements = {
        s["Sid"]: s for s in policy(keys.one("aws:kms/key:Key", "data-euw1-sensor-raw"))["Statement"]
    }
    assert set(statements) == {"KeyAdministration", "KeyUseThroughServices"}
    assert statements["KeyUseThroughServices"]["Condition"]["StringEquals"] == {
        "kms:CallerAccount": "123456789012",
        "kms:ViaService": ["s3.eu-west-1.amazonaws.com"],
    }
    platform = {s["Sid"]: s for s in policy(keys.one("aws:kms/key:Key", "data-euw1-platform"))["Statement"]}
    assert platform["CloudWatchLogsEncryptLogGroups"]["Principal"] == {
        "Service": "logs.eu-west-1.amazonaws.com"
    }
    assert platform["KeyUseThroughServices"]["Condition"]["StringEquals"]["kms:ViaService"] == [
        "ec2.eu-west-1.amazonaws.com", "eks.eu-west-1.amazonaws.com",
    ]  # fmt: skip


def test_keys_reject_empty_services_and_reserved_aliases():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        DataClassKeysArgs(account_id="1", region="eu-west-1", alias_prefix="alias/aws/x",
                          keys={"x": DataClassKeyArgs(description="x", via_services=[])}, deletion_window_days=3)  # fmt: skip
    assert [e["property_path"] for e in raised.value.errors] == [
        "keys.x.via_services",
        "alias_prefix",
        "deletion_window_days",
    ]


def test_deploy_role_trusts_only_the_ci_principals():
    args = DeployRoleArgs(
        role_name="mlplatform-deploy-prod", trusted_principal_arns=["arn:aws:iam::111111111111:role/ci"]
    )
    recorded = run_component(
        lambda p: DeployRole("prod-data-deploy", args, pulumi.ResourceOptions(provider=p))
    )
    assert recorded.counts() == {
        "aws:iam/role:Role": 1,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": 1,
    }
    role = recorded.one("aws:iam/role:Role", "prod-data-deploy")
    (statement,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::111111111111:role/ci"]}
    assert role.inputs["name"] == "mlplatform-deploy-prod" and role.inputs["maxSessionDuration"] == 3600
    assert role.outputs["arn"] == "arn:aws:iam::123456789012:role/mlplatform-deploy-prod"
    attachment = recorded.one(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "prod-data-deploy-administrator"
    )
    assert attachment.inputs["role"] == "mlplatform-deploy-prod"


def test_deploy_role_rejects_no_principals_and_long_sessions():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        DeployRoleArgs(role_name="r", trusted_principal_arns=[], max_session_duration_seconds=60)
    assert [e["property_path"] for e in raised.value.errors] == [
        "trusted_principal_arns",
        "max_session_duration_seconds",
    ]
