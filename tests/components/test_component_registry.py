"""Registry components under the recording mocks, and ECR policies replayed into moto."""

from __future__ import annotations

import json

import boto3
import pulumi_aws as aws
import pytest
from moto import mock_aws

from components import registry_access
from components.container_registry import ContainerRegistry, ContainerRegistryArgs, RepositoryArgs
from components.edge_artefact_store import EdgeArtefactStore, EdgeArtefactStoreArgs
from components.model_registry import ModelRegistry, ModelRegistryArgs
from tests.support.synthesis import policy, run_component

REGISTRY, TRAINING = "444444444444", "333333333333"
CI = "arn:aws:iam::111111111111:role/mlplatform-ci"
KEY = {r: f"arn:aws:kms:{r}:{REGISTRY}:key/platform" for r in ("eu-central-1", "us-west-2")}
EVIDENCE_KEY = f"arn:aws:kms:eu-central-1:{REGISTRY}:key/safety-evidence"


def build(provider):
    providers = {
        "eu-central-1": provider,
        "us-west-2": aws.Provider("test-usw2", region="us-west-2", allowed_account_ids=[REGISTRY]),
    }
    ecr = ContainerRegistry(
        "ecr",
        ContainerRegistryArgs(
            account_id=REGISTRY,
            providers=providers,
            kms_key_arns=KEY,
            repositories={
                "perception-train": RepositoryArgs(kind="training", enhanced_scanning=True, keep_releases=50),
                "qnn-builder": RepositoryArgs(kind="toolchain", keep_releases=20),
            },
            puller_account_ids=[TRAINING, TRAINING],
            untagged_expiry_days=14,
            pull_through_caches=["ecr-public", "quay"],
        ),
    )
    ModelRegistry(
        "models",
        ModelRegistryArgs(
            name_prefix="acme-prod",
            account_id=REGISTRY,
            region="eu-central-1",
            kms_key_arn=KEY["eu-central-1"],
            access_log_bucket="acme-prod-registry-access-logs-eu-central-1",
            mlflow_version="3.0",
            mlflow_size="Medium",
            model_groups={"camera-detector": "3D detection", "motion-planner": "planning"},
            approver_team="validation",
        ),
    )
    EdgeArtefactStore(
        "edge",
        EdgeArtefactStoreArgs(
            name_prefix="acme-prod",
            account_id=REGISTRY,
            region="eu-central-1",
            kms_key_arn=EVIDENCE_KEY,
            access_log_bucket="acme-prod-registry-access-logs-eu-central-1",
            object_lock_days=3650,
            release_principal_arns=[CI],
        ),
    )
    role = aws.iam.Role("node", assume_role_policy="{}")
    registry_access.grant_pull(
        "node-pulls",
        role=role.name,
        repositories={
            name: {"arn": ecr.repository_arns[name], "url": url} for name, url in ecr.repository_urls.items()
        },
    )


@pytest.fixture(scope="module")
def recorded():
    return run_component(build, account=REGISTRY)


def test_repositories_are_immutable_scanned_and_encrypted_with_the_region_key(recorded):
    repositories = recorded.of_type("aws:ecr/repository:Repository")
    assert sorted(r.inputs["name"] for r in repositories) == [
        "toolchain/qnn-builder",
        "training/perception-train",
    ]
    for repository in repositories:
        assert repository.inputs["imageTagMutability"] == "IMMUTABLE"
        assert repository.inputs["imageScanningConfiguration"] == {"scanOnPush": True}
        assert repository.inputs["encryptionConfigurations"] == [
            {"encryptionType": "KMS", "kmsKey": KEY["eu-central-1"]}
        ]
        assert repository.inputs["forceDelete"] is False and repository.protect


def test_lifecycle_expires_untagged_and_keeps_the_last_releases(recorded):
    rules = json.loads(
        recorded.one("aws:ecr/lifecyclePolicy:LifecyclePolicy", "ecr-perception-train").inputs["policy"]
    )
    assert rules["rules"][0]["selection"] == {
        "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14,
    }  # fmt: skip
    assert rules["rules"][1]["selection"] == {
        "tagStatus": "tagged", "tagPrefixList": ["release-"], "countType": "imageCountMoreThan", "countNumber": 50,
    }  # fmt: skip


def test_only_the_platform_accounts_may_pull(recorded):
    (statement,) = policy(recorded.one("aws:ecr/repositoryPolicy:RepositoryPolicy", "ecr-qnn-builder"))[
        "Statement"
    ]
    assert statement["Principal"] == {"AWS": [f"arn:aws:iam::{TRAINING}:root"]}
    assert statement["Action"] == [
        "ecr:BatchGetImage",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchCheckLayerAvailability",
    ]


def test_images_replicate_to_every_other_region_with_the_same_settings(recorded):
    replication = recorded.one("aws:ecr/replicationConfiguration:ReplicationConfiguration", "ecr-replication")
    (rule,) = replication.inputs["replicationConfiguration"]["rules"]
    assert rule["destinations"] == [{"region": "us-west-2", "registryId": REGISTRY}]
    assert rule["repositoryFilters"] == [
        {"filter": "toolchain/", "filterType": "PREFIX_MATCH"},
        {"filter": "training/", "filterType": "PREFIX_MATCH"},
    ]
    template = recorded.one(
        "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", "ecr-template-us-west-2"
    )
    assert template.inputs["imageTagMutability"] == "IMMUTABLE"
    assert template.inputs["encryptionConfigurations"] == [
        {"encryptionType": "KMS", "kmsKey": KEY["us-west-2"]}
    ]
    assert template.inputs["appliedFors"] == ["REPLICATION", "PULL_THROUGH_CACHE"]
    scanning = recorded.one(
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "ecr-scanning-us-west-2"
    )
    assert scanning.inputs["scanType"] == "ENHANCED"
    assert scanning.inputs["rules"][0]["repositoryFilters"] == [
        {"filter": "training/perception-train", "filterType": "WILDCARD"}
    ]
    caches = {r.inputs["ecrRepositoryPrefix"]: r.inputs["upstreamRegistryUrl"]
              for r in recorded.of_type("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")}  # fmt: skip
    assert caches == {"ecr-public": "public.ecr.aws", "quay": "quay.io"}
    assert len(recorded.of_type("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")) == 4  # both regions


def test_only_the_approver_role_may_approve(recorded):
    group = recorded.one(
        "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy", "models-camera-detector"
    )
    deny = policy(group, "resourcePolicy")["Statement"][0]
    approver = recorded.one("aws:iam/role:Role", "models-approver")
    assert deny["Effect"] == "Deny" and deny["Principal"] == "*"
    assert deny["Condition"] == {
        "StringEquals": {"sagemaker:ModelApprovalStatus": "Approved"},
        "ArnNotEquals": {"aws:PrincipalArn": [approver.outputs["arn"]]},
    }
    trust = json.loads(approver.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Condition"] == {"StringEquals": {"aws:PrincipalTag/team": "validation"}}


def test_an_approval_notifies_the_encrypted_handoff_topic(recorded):
    rule = recorded.one("aws:cloudwatch/eventRule:EventRule", "models-approved")
    assert json.loads(rule.inputs["eventPattern"]) == {
        "source": ["aws.sagemaker"],
        "detail-type": ["SageMaker Model Package State Change"],
        "detail": {
            "ModelPackageGroupName": ["camera-detector", "motion-planner"],
            "ModelApprovalStatus": ["Approved"],
        },
    }
    topic = recorded.one("aws:sns/topic:Topic", "models-handoff")
    key = recorded.one("aws:kms/key:Key", "models-handoff")
    assert topic.inputs["kmsMasterKeyId"] == key.outputs["arn"]
    target = recorded.one("aws:cloudwatch/eventTarget:EventTarget", "models-approved")
    assert target.inputs["arn"] == topic.outputs["arn"]
    publish = policy(recorded.one("aws:sns/topicPolicy:TopicPolicy", "models-handoff"))["Statement"][0]
    assert publish["Condition"] == {"ArnEquals": {"aws:SourceArn": rule.outputs["arn"]}}
    server = recorded.one("aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer", "models-mlflow")
    assert server.inputs["artifactStoreUri"] == "s3://acme-prod-mlflow-artifacts-eu-central-1/"
    assert server.inputs["mlflowVersion"] == "3.0"


def test_the_edge_store_is_locked_and_written_only_by_the_release_role(recorded):
    lock = recorded.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "edge")
    assert lock.inputs["rule"] == {"defaultRetention": {"days": 3650, "mode": "COMPLIANCE"}}
    sse = recorded.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "edge"
    )
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"] == EVIDENCE_KEY
    statements = {
        s["Sid"]: s for s in policy(recorded.one("aws:s3/bucketPolicy:BucketPolicy", "edge"))["Statement"]
    }
    release = recorded.one("aws:iam/role:Role", "edge-release")
    assert statements["OnlyNamedWriters"]["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": [release.outputs["arn"]]}
    }
    assert "s3:PutObject" in statements["OnlyNamedWriters"]["Action"]
    assert json.loads(release.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"AWS": [CI]}


def test_grant_pull_covers_every_repository_in_every_region(recorded):
    statements = policy(recorded.one("aws:iam/rolePolicy:RolePolicy", "node-pulls"))["Statement"]
    assert statements[1]["Resource"] == [
        f"arn:aws:ecr:*:{REGISTRY}:repository/toolchain/qnn-builder",
        f"arn:aws:ecr:*:{REGISTRY}:repository/training/perception-train",
    ]


@mock_aws
def test_ecr_policies_replay_into_moto(recorded):
    """moto applies ECR's own validation of lifecycle and repository policies and replication rules."""
    client = boto3.client("ecr", region_name="eu-central-1")
    lifecycles = recorded.of_type("aws:ecr/lifecyclePolicy:LifecyclePolicy")
    policies = {
        r.urn.rsplit("::", 1)[1]: r for r in recorded.of_type("aws:ecr/repositoryPolicy:RepositoryPolicy")
    }
    for repository in recorded.of_type("aws:ecr/repository:Repository"):
        client.create_repository(
            repositoryName=repository.inputs["name"],
            imageTagMutability=repository.inputs["imageTagMutability"],
            imageScanningConfiguration=repository.inputs["imageScanningConfiguration"],
            encryptionConfiguration=repository.inputs["encryptionConfigurations"][0],
        )
    replayed = 0
    for lifecycle in lifecycles:
        name = next(r.inputs["name"] for r in recorded.of_type("aws:ecr/repository:Repository")
                    if r.urn.endswith(lifecycle.urn.rsplit("::", 1)[1]))  # fmt: skip
        client.put_lifecycle_policy(repositoryName=name, lifecyclePolicyText=lifecycle.inputs["policy"])
        client.set_repository_policy(
            repositoryName=name, policyText=policies[lifecycle.urn.rsplit("::", 1)[1]].inputs["policy"]
        )
        stored = client.get_lifecycle_policy(repositoryName=name)["lifecyclePolicyText"]
        assert json.loads(stored) == json.loads(lifecycle.inputs["policy"])
        replayed += 1
    assert replayed == len(lifecycles) == 2
    replication = recorded.one("aws:ecr/replicationConfiguration:ReplicationConfiguration", "ecr-replication")
    (rule,) = replication.inputs["replicationConfiguration"]["rules"]
    client.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [
                        {"region": d["region"], "registryId": d["registryId"]} for d in rule["destinations"]
                    ],
                    "repositoryFilters": [
                        {"filter": f["filter"], "filterType": f["filterType"]}
                        for f in rule["repositoryFilters"]
                    ],
                }
            ]
        }
    )
    # moto checks the structure of a lifecycle policy (properties, action type, tag status, count
    # type), not every rule AWS has (e.g. tagPrefixList for tagged rules): this one it refuses.
    wrong_action = json.loads(lifecycles[0].inputs["policy"])
    wrong_action["rules"][0]["action"] = {"type": "delete"}
    with pytest.raises(client.exceptions.InvalidParameterException):
        client.put_lifecycle_policy(
            repositoryName="toolchain/qnn-builder", lifecyclePolicyText=json.dumps(wrong_action)
        )
