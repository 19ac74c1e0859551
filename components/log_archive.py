"""The log archive: an Object-Locked, KMS-encrypted bucket that receives the organization trail."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems
from components.lake_bucket import LakeBucket, delivery_bucket_args


@dataclass(frozen=True, kw_only=True, slots=True)
class LogArchiveArgs:
    account_id: pulumi.Input[str]
    """The log-archive account the bucket and key live in."""
    region: str
    management_account_id: str
    """Account of the organization trail."""
    organization_id: pulumi.Input[str]
    trail_arn: str
    """ARN of the organization trail that may write here (SourceArn condition)."""
    retention_days: int
    """Object Lock retention (compliance mode) of every log object, and its expiry."""
    key_alias: str
    """Alias of the archive's KMS key, e.g. alias/acme/cloudtrail."""
    access_log_bucket_name: str
    """Bucket of the archive's server access logs: who read or tried to change the audit trail."""

    def __post_init__(self) -> None:
        problems = Problems("LogArchive")
        if not 365 <= self.retention_days <= 3650:
            problems.add("retention_days", self.retention_days, "from 365 to 3650 days")
        if not self.key_alias.startswith("alias/") or self.key_alias.startswith("alias/aws/"):
            problems.add(
                "key_alias", self.key_alias, "an alias/... name outside the reserved alias/aws/ prefix"
            )
        problems.raise_if_any()


class LogArchive(pulumi.ComponentResource):
    """Creates the trail's KMS key and its Object-Locked bucket in the log-archive account.

    The bucket is versioned, locked in compliance mode for `retention_days`, encrypted with
    its own key, closed to the public, TLS-only, writable only by the named trail, logged to
    an access-log bucket kept as long as the trail, and moves to archive storage as it ages.
    Bucket and key are protected and retained on delete.
    """

    def __init__(self, name: str, args: LogArchiveArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:org:LogArchive", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        stateful = pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True)

        key_policy = pulumi.Output.from_input(args.account_id).apply(
            lambda account: json.dumps(
                _iam.key_policy(
                    account,
                    via_services=[f"s3.{args.region}.amazonaws.com"],
                    service_principals=_cloudtrail_key_statements(args.management_account_id, args.trail_arn),
                )
            )
        )
        self.key = aws.kms.Key(
            f"{name}-key",
            description="Encrypts the organization CloudTrail archive",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=key_policy,
            opts=stateful,
        )
        aws.kms.Alias(f"{name}-key", name=args.key_alias, target_key_id=self.key.key_id, opts=child)

        self.bucket = aws.s3.Bucket(name, object_lock_enabled=True, force_destroy=False, opts=stateful)
        bucket_id = self.bucket.id
        aws.s3.BucketOwnershipControls(
            name, bucket=bucket_id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child
        )
        self.access_logs = LakeBucket(
            f"{name}-access-logs",
            delivery_bucket_args(
                args.access_log_bucket_name,
                account_id=args.account_id,
                purpose="s3-access-logs",
                retention_days=args.retention_days,
            ),
            opts=child,
        )
        aws.s3.BucketLogging(
            name,
            bucket=bucket_id,
            target_bucket=self.access_logs.bucket_name,
            target_prefix="cloudtrail-archive/",
            target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
            opts=child,
        )
        aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            name, bucket=bucket_id, versioning_configuration={"status": "Enabled"}, opts=child
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket_id,
            rules=[
                {
                    "apply_server_side_encryption_by_default": {
                        "sse_algorithm": "aws:kms",
                        "kms_master_key_id": self.key.arn,
                    },
                    "bucket_key_enabled": True,
                }
            ],
            opts=child,
        )
        aws.s3.BucketObjectLockConfiguration(
            name,
            bucket=bucket_id,
            object_lock_enabled="Enabled",
            rule={"default_retention": {"mode": "COMPLIANCE", "days": args.retention_days}},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=bucket_id,
            rules=[
                {
                    "id": "archive-then-expire",
                    "status": "Enabled",
                    "filter": {},
                    # S3 does not transition objects under 128 KiB by default, so small
                    # digest files stay in Standard instead of paying archive overheads.
                    "transitions": [
                        {"days": 90, "storage_class": "GLACIER_IR"},
                        {"days": 365, "storage_class": "DEEP_ARCHIVE"},
                    ],
                    "expiration": {"days": args.retention_days},
                    "noncurrent_version_expiration": {"noncurrent_days": 1},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        bucket_policy = pulumi.Output.all(self.bucket.arn, args.organization_id).apply(
            lambda values: json.dumps(
                _trail_bucket_policy(values[0], args.management_account_id, values[1], args.trail_arn)
            )
        )
        self.bucket_policy = aws.s3.BucketPolicy(name, bucket=bucket_id, policy=bucket_policy, opts=child)

        self.bucket_name = self.bucket.bucket
        self.bucket_arn = self.bucket.arn
        self.key_arn = self.key.arn
        self.register_outputs(
            {"bucket_name": self.bucket_name, "bucket_arn": self.bucket_arn, "key_arn": self.key_arn}
        )


def _cloudtrail_key_statements(management_account_id: str, trail_arn: str) -> list[dict]:
    return [
        {
            "Sid": "CloudTrailEncryptLogs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:SourceArn": trail_arn},
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": f"arn:aws:cloudtrail:*:{management_account_id}:trail/*"
                },
            },
        },
        {
            "Sid": "CloudTrailDescribeKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
    ]


def _trail_bucket_policy(
    bucket_arn: str, management_account_id: str, organization_id: str, trail_arn: str
) -> dict:
    return _iam.document(
        _iam.deny_insecure_transport(bucket_arn),
        {
            "Sid": "CloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": bucket_arn,
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
        {
            "Sid": "CloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": [
                f"{bucket_arn}/AWSLogs/{management_account_id}/*",
                f"{bucket_arn}/AWSLogs/{organization_id}/*",
            ],
            "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
        },
    )
