"""The edge-artefact store: released, deployment-ready artefacts that can never change."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems
from components.lake_bucket import LakeBucket, LakeBucketArgs
from platform_spec.tables import lake_classes

RELEASE_PREFIX = "releases/"
"""Artefacts live under releases/<model>/<version>/ (docs/release-manifest.md)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class EdgeArtefactStoreArgs:
    name_prefix: str
    account_id: pulumi.Input[str]
    region: str
    kms_key_arn: pulumi.Input[str]
    """The registry account's safety-evidence key: released artefacts are release evidence."""
    access_log_bucket: pulumi.Input[str]
    object_lock_days: int
    release_principal_arns: Sequence[str]
    """Who may assume the release role (the CI runners that publish approved releases)."""

    def __post_init__(self) -> None:
        problems = Problems("EdgeArtefactStore")
        minimum = lake_classes.LAKE_CLASSES["safety-evidence"].object_lock_min_days or 1
        if self.object_lock_days < minimum:
            problems.add(
                "object_lock_days", self.object_lock_days, f"safety evidence: at least {minimum} days"
            )
        if not self.release_principal_arns:
            problems.add("release_principal_arns", [], "at least one principal")
        problems.raise_if_any()


class EdgeArtefactStore(pulumi.ComponentResource):
    """Creates the release role and an Object-Locked (compliance mode), versioned, KMS-encrypted bucket
    for QNN context binaries, TensorRT engines and calibration data, which only the release role may
    write to.
    """

    def __init__(
        self, name: str, args: EdgeArtefactStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:registry:EdgeArtefactStore", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.release_role = aws.iam.Role(
            f"{name}-release",
            description="Publishes approved model artefacts to the edge-artefact store; the only writer",
            assume_role_policy=json.dumps(_iam.trust_principals(args.release_principal_arns)),
            opts=child,
        )
        self.bucket = LakeBucket(
            name,
            LakeBucketArgs(
                bucket_name=f"{args.name_prefix}-edge-artefacts-{args.region}",
                account_id=args.account_id,
                kms_key_arn=args.kms_key_arn,
                lifecycle=lake_classes.zone_lifecycle("safety-evidence"),
                object_lock_days=args.object_lock_days,
                access_log_bucket=args.access_log_bucket,
                writer_arns=[self.release_role.arn],
                tags={
                    "data-class": "safety-evidence",
                    "safety-relevant": "true",
                    "purpose": "edge-artefacts",
                },
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-release",
            role=self.release_role.name,
            policy=pulumi.Output.all(self.bucket.arn, args.kms_key_arn, args.account_id).apply(
                lambda values: json.dumps(_release_policy(values[0], values[1], args.region, values[2]))
            ),
            opts=child,
        )
        self.bucket_name = self.bucket.bucket_name
        self.release_role_arn = self.release_role.arn
        self.register_outputs({"bucket_name": self.bucket_name, "release_role_arn": self.release_role_arn})


def _release_policy(bucket_arn: str, key_arn: str, region: str, account_id: str) -> dict:
    return _iam.document(
        {
            "Sid": "PublishReleases",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"],
            "Resource": [bucket_arn, f"{bucket_arn}/{RELEASE_PREFIX}*"],
        },
        {
            "Sid": "EncryptReleases",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"],
            "Resource": key_arn,
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
        },
        {
            "Sid": "ReadApprovals",
            "Effect": "Allow",
            # The manifest names the approved version's ARN; the release role only reads it.
            "Action": "sagemaker:DescribeModelPackage",
            "Resource": f"arn:aws:sagemaker:{region}:{account_id}:model-package/*",
        },
    )
