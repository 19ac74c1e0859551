"""Experiment tracking and model registry (SageMaker managed MLflow and Model Package Groups).

Build versus buy: docs/adr/0006-registry-services.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems
from components.lake_bucket import LakeBucket, LakeBucketArgs
from platform_spec.tables import tiering

APPROVAL_EVENT = "SageMaker Model Package State Change"


@dataclass(frozen=True, kw_only=True, slots=True)
class ModelRegistryArgs:
    name_prefix: str
    account_id: pulumi.Input[str]
    region: str
    kms_key_arn: pulumi.Input[str]
    """The registry account's platform key: MLflow artifacts."""
    access_log_bucket: pulumi.Input[str]
    mlflow_version: str
    mlflow_size: str
    model_groups: Mapping[str, str]
    """Model Package Group name -> description."""
    approver_team: str
    """Roles of the account tagged `team=<approver_team>` may assume the approver role, the only
    principal that may set a model version's status to Approved."""

    def __post_init__(self) -> None:
        problems = Problems("ModelRegistry")
        if self.mlflow_size not in ("Small", "Medium", "Large"):
            problems.add("mlflow_size", self.mlflow_size, "Small, Medium or Large")
        if not self.model_groups:
            problems.add("model_groups", {}, "at least one Model Package Group")
        if not self.approver_team:
            problems.add("approver_team", self.approver_team, "a team key")
        problems.raise_if_any()


def approval_policy(group_arn: str, account_id: str, approvers: Sequence[str]) -> dict:
    """Anyone in the account may register versions; only the approvers may approve one."""
    packages = group_arn.replace(":model-package-group/", ":model-package/") + "/*"
    return _iam.document(
        {
            "Sid": "OnlyApproversApprove",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["sagemaker:UpdateModelPackage", "sagemaker:CreateModelPackage"],
            "Resource": packages,
            "Condition": {
                "StringEquals": {"sagemaker:ModelApprovalStatus": "Approved"},
                "ArnNotEquals": {"aws:PrincipalArn": sorted(approvers)},
            },
        },
        {
            "Sid": "RegisterVersions",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": [
                "sagemaker:CreateModelPackage",
                "sagemaker:DescribeModelPackage",
                "sagemaker:ListModelPackages",
                "sagemaker:UpdateModelPackage",
            ],
            "Resource": [group_arn, packages],
        },
    )


class ModelRegistry(pulumi.ComponentResource):
    """Creates the MLflow artifact bucket, the managed MLflow tracking server and its role, one Model
    Package Group per model with a policy that lets only the approvers approve, and the EventBridge
    rule that announces every approval on the encrypted hand-off topic (`handoff_topic_arn`).
    """

    def __init__(
        self, name: str, args: ModelRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:registry:ModelRegistry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        artifacts = LakeBucket(
            f"{name}-mlflow-artifacts",
            LakeBucketArgs(
                bucket_name=f"{args.name_prefix}-mlflow-artifacts-{args.region}",
                account_id=args.account_id,
                kms_key_arn=args.kms_key_arn,
                # Run artifacts are read at unpredictable times, from the UI too: Intelligent-Tiering
                # without the asynchronous archive tiers.
                lifecycle=tiering.Lifecycle(transitions=(tiering.Transition(0, "INTELLIGENT_TIERING"),)),
                access_log_bucket=args.access_log_bucket,
                tags={"data-class": "platform", "purpose": "mlflow-artifacts"},
            ),
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-mlflow",
            description="The SageMaker managed MLflow tracking server",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(_iam.trust_service("sagemaker.amazonaws.com", account))
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-mlflow",
            role=role.name,
            policy=pulumi.Output.all(artifacts.arn, args.kms_key_arn, args.account_id).apply(
                lambda values: json.dumps(_mlflow_policy(values[0], values[1], args.region, values[2]))
            ),
            opts=child,
        )
        self.tracking_server = aws.sagemaker.MlflowTrackingServer(
            f"{name}-mlflow",
            tracking_server_name=f"{args.name_prefix}-mlflow",
            artifact_store_uri=artifacts.bucket_name.apply(lambda bucket: f"s3://{bucket}/"),
            role_arn=role.arn,
            mlflow_version=args.mlflow_version,
            tracking_server_size=args.mlflow_size,
            automatic_model_registration=True,
            weekly_maintenance_window_start="Sun:02:00",
            opts=child,
        )

        self.approver = aws.iam.Role(
            f"{name}-approver",
            description=f"Approves model versions (team {args.approver_team}); nothing else can",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(
                    _iam.document(
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                            "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:PrincipalTag/team": args.approver_team}},
                        }
                    )
                )
            ),
            opts=child,
        )
        self.groups: dict[str, pulumi.Output[str]] = {}
        for group, description in args.model_groups.items():
            created = aws.sagemaker.ModelPackageGroup(
                f"{name}-{group}",
                model_package_group_name=group,
                model_package_group_description=description,
                opts=pulumi.ResourceOptions(parent=self, protect=True),
            )
            aws.sagemaker.ModelPackageGroupPolicy(
                f"{name}-{group}",
                model_package_group_name=created.model_package_group_name,
                resource_policy=pulumi.Output.all(created.arn, args.account_id, self.approver.arn).apply(
                    lambda values: json.dumps(approval_policy(values[0], values[1], values[2:]))
                ),
                opts=child,
            )
            self.groups[group] = created.arn
        aws.iam.RolePolicy(
            f"{name}-approver",
            role=self.approver.name,
            policy=pulumi.Output.all(*self.groups.values()).apply(
                lambda arns: json.dumps(
                    _iam.document(
                        {
                            "Sid": "ApproveModelVersions",
                            "Effect": "Allow",
                            "Action": [
                                "sagemaker:UpdateModelPackage",
                                "sagemaker:DescribeModelPackage",
                                "sagemaker:ListModelPackages",
                            ],
                            "Resource": sorted(
                                [
                                    *arns,
                                    *(
                                        a.replace(":model-package-group/", ":model-package/") + "/*"
                                        for a in arns
                                    ),
                                ]
                            ),
                        }
                    )
                )
            ),
            opts=child,
        )

        topic_key = aws.kms.Key(
            f"{name}-handoff",
            description="Encrypts the release hand-off topic (EventBridge publishes to it)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(
                    _iam.key_policy(
                        account,
                        via_services=[f"sns.{args.region}.amazonaws.com"],
                        service_principals=[
                            {
                                "Sid": "EventBridgePublishes",
                                "Effect": "Allow",
                                "Principal": {"Service": "events.amazonaws.com"},
                                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                                "Resource": "*",
                                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                            }
                        ],
                    )
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )
        topic = aws.sns.Topic(f"{name}-handoff", kms_master_key_id=topic_key.arn, opts=child)
        rule = aws.cloudwatch.EventRule(
            f"{name}-approved",
            description="A model version was approved: tell the deployment hand-off",
            event_pattern=json.dumps(
                {
                    "source": ["aws.sagemaker"],
                    "detail-type": [APPROVAL_EVENT],
                    "detail": {
                        "ModelPackageGroupName": sorted(args.model_groups),
                        "ModelApprovalStatus": ["Approved"],
                    },
                }
            ),
            opts=child,
        )
        aws.sns.TopicPolicy(
            f"{name}-handoff",
            arn=topic.arn,
            policy=pulumi.Output.all(topic.arn, rule.arn).apply(
                lambda values: json.dumps(
                    _iam.document(
                        {
                            "Sid": "ApprovalRulePublishes",
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": values[0],
                            "Condition": {"ArnEquals": {"aws:SourceArn": values[1]}},
                        }
                    )
                )
            ),
            opts=child,
        )
        aws.cloudwatch.EventTarget(f"{name}-approved", rule=rule.name, arn=topic.arn, opts=child)

        self.handoff_topic_arn = topic.arn
        self.tracking_server_arn = self.tracking_server.arn
        self.register_outputs(
            {
                "handoff_topic_arn": self.handoff_topic_arn,
                "tracking_server_arn": self.tracking_server_arn,
                "model_package_groups": self.groups,
            }
        )


def _mlflow_policy(bucket_arn: str, key_arn: str, region: str, account_id: str) -> dict:
    return _iam.document(
        {
            "Sid": "Artifacts",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation"],
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
        },
        {
            "Sid": "ArtifactKey",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
        {
            "Sid": "RegisterModels",
            "Effect": "Allow",
            "Action": [
                "sagemaker:CreateModelPackage",
                "sagemaker:CreateModelPackageGroup",
                "sagemaker:DescribeModelPackageGroup",
                "sagemaker:AddTags",
            ],
            "Resource": [
                f"arn:aws:sagemaker:{region}:{account_id}:model-package-group/*",
                f"arn:aws:sagemaker:{region}:{account_id}:model-package/*",
            ],
        },
    )
