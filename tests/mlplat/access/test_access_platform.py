"""Decisions that are true of today's prod platform, read off its synthesized inventory. Principals and
resources are found by what they are (tags, logical names), not by the ARNs the fake cloud derives."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mlplat.access import Inventory, Outcome, Principal, Request, evaluate
from mlplat.access.inventory import Role

SSE_TYPE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


@pytest.fixture(scope="module")
def documents(plans) -> dict[str, Any]:
    return json.loads(plans.inventory("prod").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def prod(documents) -> Inventory:
    return Inventory(documents)


@pytest.fixture(scope="module")
def bucket_keys(documents) -> dict[str, str]:
    """Bucket name -> the KMS key its default encryption uses."""
    keys = {}
    for stack in documents["stacks"].values():
        for resource in stack["deployment"]["resources"]:
            if resource["type"] == SSE_TYPE:
                default = resource["outputs"]["rules"][0]["applyServerSideEncryptionByDefault"]
                if "kmsMasterKeyId" in default:
                    keys[resource["outputs"]["bucket"]] = default["kmsMasterKeyId"]
    return keys


def decide(inventory: Inventory, principal: str, action: str, resource: str, **context: object):
    return evaluate(inventory, Request(Principal(principal), action, resource, context))


def one_role(prod: Inventory, logical_name: str) -> Role:
    (role,) = [role for role in prod.roles.values() if role.name == logical_name]
    return role


def team_roles(prod: Inventory) -> list[Role]:
    roles = [
        role for role in prod.roles.values() if role.name.split("-tenancy-")[-1] == role.tags.get("team")
    ]
    assert len(roles) >= 6
    return roles


def lake_buckets(prod: Inventory):
    buckets = [bucket for bucket in prod.buckets.values() if "zone" in bucket.tags]
    assert {bucket.tags["zone"] for bucket in buckets} == {"raw", "curated", "training-snapshot"}
    return buckets


def test_the_release_role_publishes_to_the_edge_artefact_store(
    prod: Inventory, bucket_keys: dict[str, str]
) -> None:
    release = one_role(prod, "edge-artefacts-release")
    (store,) = [bucket for bucket in prod.buckets.values() if bucket.tags.get("purpose") == "edge-artefacts"]
    headers = {
        "s3:x-amz-server-side-encryption": "aws:kms",
        "s3:x-amz-server-side-encryption-aws-kms-key-id": bucket_keys[store.bucket],
    }
    decision = decide(
        prod, release.arn, "s3:PutObject", f"{store.arn}/releases/camera-detector/7/model.qnn", **headers
    )
    assert decision.outcome is Outcome.ALLOW
    assert "PublishReleases" in {ref.sid for ref in decision.statements}
    key = decide(
        prod,
        release.arn,
        "kms:GenerateDataKey",
        bucket_keys[store.bucket],
        **{"kms:ViaService": f"s3.{store.region}.amazonaws.com"},
    )
    assert key.outcome is Outcome.ALLOW
    outside_releases = decide(prod, release.arn, "s3:PutObject", f"{store.arn}/scratch/model.qnn", **headers)
    assert outside_releases.outcome is Outcome.IMPLICIT_DENY
    other_key = decide(
        prod,
        release.arn,
        "s3:PutObject",
        f"{store.arn}/releases/m.qnn",
        **{**headers, "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:aws:kms:eu-central-1:1:key/x"},
    )
    assert {ref.sid for ref in other_key.statements} == {"DenyUploadsUnderOtherKeys"}
    for role in prod.roles.values():
        if role.arn != release.arn:
            denied = decide(prod, role.arn, "s3:PutObject", f"{store.arn}/releases/m.qnn", **headers)
            assert {ref.sid for ref in denied.statements} == {"OnlyNamedWriters"}, role.arn


def test_each_team_role_reads_the_non_personal_zones_of_its_products(
    prod: Inventory, bucket_keys: dict[str, str]
) -> None:
    checked = 0
    for role in team_roles(prod):
        team = role.tags["team"]
        for point in prod.access_points.values():
            bucket = prod.buckets[point.bucket]
            if "zone" not in bucket.tags or not point.arn.endswith(f"-{team}"):
                continue
            read = decide(prod, role.arn, "s3:GetObject", f"{point.arn}/object/drive-0001/part-0.mcap")
            decrypt = decide(
                prod,
                role.arn,
                "kms:Decrypt",
                bucket_keys[bucket.bucket],
                **{"kms:ViaService": f"s3.{bucket.region}.amazonaws.com"},
            )
            if bucket.tags.get("personal-data") == "true":
                assert (read.outcome, decrypt.outcome) == (Outcome.IMPLICIT_DENY, Outcome.IMPLICIT_DENY), (
                    point.arn
                )
            else:
                assert (read.outcome, decrypt.outcome) == (Outcome.ALLOW, Outcome.ALLOW), (
                    role.arn,
                    point.arn,
                )
                kinds = {ref.source.kind for ref in read.statements}
                assert {"identity", "access-point-policy", "bucket-policy", "scp"} <= kinds
            checked += 1
    assert checked >= 60


def test_a_team_role_reads_no_other_teams_access_point(prod: Inventory) -> None:
    for role in team_roles(prod):
        for point in prod.access_points.values():
            if "zone" in prod.buckets[point.bucket].tags and not point.arn.endswith(f"-{role.tags['team']}"):
                decision = decide(prod, role.arn, "s3:GetObject", f"{point.arn}/object/x")
                assert decision.outcome is Outcome.IMPLICIT_DENY, (role.arn, point.arn)


def test_only_the_data_accounts_deploy_role_can_write_to_a_lake_zone(prod: Inventory) -> None:
    """No workload principal writes a lake zone today (issue 15); `pulumi up`'s deploy role, which has
    AdministratorAccess in the data account, is the one principal that can."""
    writers = set()
    for role in prod.roles.values():
        for bucket in lake_buckets(prod):
            points = [point.arn for point in prod.access_points.values() if point.bucket == bucket.bucket]
            for resource in [f"{bucket.arn}/drive-0001.mcap"] + [
                f"{arn}/object/drive-0001.mcap" for arn in points
            ]:
                decision = decide(prod, role.arn, "s3:PutObject", resource)
                assert decision.outcome is not Outcome.UNKNOWN, (role.arn, resource)
                if decision.outcome is Outcome.ALLOW:
                    writers.add(role.name)
    data_account = next(bucket.account for bucket in lake_buckets(prod))
    assert writers == {one_role_in(prod, data_account, "mlplatform-deploy-prod").name}


def one_role_in(prod: Inventory, account: str, role_name: str) -> Role:
    (role,) = [
        role for role in prod.roles.values() if role.account == account and role.role_name == role_name
    ]
    return role


def test_the_training_account_cannot_decrypt_a_personal_class_key(prod: Inventory) -> None:
    training = {role.account for role in team_roles(prod)}
    personal_keys = [key for key in prod.keys.values() if key.name.endswith("-sensor-raw")]
    assert len(training) == 1 and len(personal_keys) >= 2
    for role in prod.roles.values():
        if role.account not in training:
            continue
        for key in personal_keys:
            for via in (None, f"s3.{key.region}.amazonaws.com"):
                context = {"kms:ViaService": via} if via else {}
                decision = decide(prod, role.arn, "kms:Decrypt", key.arn, **context)
                assert decision.outcome is Outcome.IMPLICIT_DENY, (role.arn, key.arn)
                assert f"the key policy of {key.arn}" in decision.reason


def test_a_principal_outside_the_organization_reads_no_bucket(prod: Inventory) -> None:
    outsider = Principal(
        "arn:aws:iam::999999999999:role/anyone",
        identity_policies=({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},),
    )
    for bucket in prod.buckets.values():
        decision = evaluate(prod, Request(outsider, "s3:GetObject", f"{bucket.arn}/any"))
        assert decision.outcome in (Outcome.IMPLICIT_DENY, Outcome.EXPLICIT_DENY), bucket.arn


def test_the_personal_data_scp_keeps_the_data_account_in_the_eu(prod: Inventory) -> None:
    data_account = next(
        bucket.account for bucket in lake_buckets(prod) if bucket.tags.get("personal-data") == "true"
    )
    deploy = one_role_in(prod, data_account, "mlplatform-deploy-prod")
    at_home = decide(
        prod,
        deploy.arn,
        "ec2:RunInstances",
        f"arn:aws:ec2:eu-central-1:{data_account}:instance/*",
        **{"ec2:MetadataHttpTokens": "required"},
    )
    assert at_home.outcome is Outcome.ALLOW
    abroad = decide(
        prod,
        deploy.arn,
        "ec2:RunInstances",
        f"arn:aws:ec2:us-west-2:{data_account}:instance/*",
        **{"ec2:MetadataHttpTokens": "required"},
    )
    assert abroad.outcome is Outcome.EXPLICIT_DENY
    assert {ref.sid for ref in abroad.statements} == {"DenyRegionsOutsideResidency"}
