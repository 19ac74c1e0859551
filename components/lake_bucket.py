"""One hardened lake bucket: every control a bucket of the lake must have, in one place."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import _iam, lustre_access
from components._validation import Problems
from platform_spec.tables import tiering

INVENTORY_FIELDS = (
    "Size", "LastModifiedDate", "StorageClass", "IntelligentTieringAccessTier", "ETag",
    "ReplicationStatus", "EncryptionStatus", "BucketKeyStatus", "ObjectLockMode",
    "ObjectLockRetainUntilDate", "ObjectLockLegalHoldStatus",
)  # fmt: skip
"""What S3 Inventory reports per object: enough to audit tiering, cost and immutability at PB scale."""

SERVICE_PRINCIPALS = ("logging.s3.amazonaws.com", "s3.amazonaws.com")


@dataclass(frozen=True, kw_only=True, slots=True)
class LakeBucketArgs:
    bucket_name: str
    """Physical name: 3 to 63 characters of a-z, 0-9 and '-'."""
    account_id: pulumi.Input[str]
    """The account that owns the bucket (conditions of its policy)."""
    kms_key_arn: pulumi.Input[str] | None
    """The data class's key. None only for a bucket S3 delivers into (`delivery_service`): S3 server
    access logging cannot write to SSE-KMS buckets, so those use SSE-S3."""
    lifecycle: tiering.Lifecycle
    object_lock_days: int | None = None
    """Object Lock in compliance mode with this default retention; None: no Object Lock."""
    access_log_bucket: pulumi.Input[str] | None = None
    """Name of the bucket that receives this bucket's server access logs; None for that bucket itself."""
    inventory_destination_arn: pulumi.Input[str] | None = None
    """Bucket receiving a weekly S3 Inventory of every object version; None: no inventory."""
    eventbridge: bool = True
    """Send object events to EventBridge (pipelines react to new drives and snapshots)."""
    delegate_to_access_points: bool = False
    """Let the account's access points decide who reads and writes (their policies do the granting)."""
    delivery_service: str | None = None
    """Service principal allowed to write objects (access logs, inventory reports) from this account."""
    writer_arns: Sequence[pulumi.Input[str]] = ()
    """When set, only these principals may write, delete or re-lock objects (a release area)."""
    lustre_reader_account_ids: Sequence[pulumi.Input[str]] = ()
    """Accounts whose FSx for Lustre file systems may link the bucket read only (training snapshots;
    components/lustre_access.py)."""
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = Problems("LakeBucket")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", self.bucket_name) or "--" in self.bucket_name:
            problems.add(
                "bucket_name", self.bucket_name, "3 to 63 characters of a-z, 0-9 and single '-' inside"
            )
        for problem in tiering.lifecycle_problems(self.lifecycle):
            problems.add(f"lifecycle.{problem.path}", problem.value, problem.message)
        if self.object_lock_days is not None and self.object_lock_days < 1:
            problems.add("object_lock_days", self.object_lock_days, "at least 1 day, or None for no lock")
        if self.delivery_service is not None and self.delivery_service not in SERVICE_PRINCIPALS:
            problems.add("delivery_service", self.delivery_service, f"one of {', '.join(SERVICE_PRINCIPALS)}")
        if self.kms_key_arn is None and self.delivery_service is None:
            problems.add("kms_key_arn", None, "a KMS key ARN; only S3 delivery targets may use SSE-S3")
        problems.raise_if_any()


def delivery_bucket_args(
    bucket_name: str,
    *,
    account_id: pulumi.Input[str],
    purpose: str,
    retention_days: int,
    access_log_bucket: pulumi.Input[str] | None = None,
) -> LakeBucketArgs:
    """A bucket S3 itself writes into (`s3-access-logs` or `s3-inventory`): SSE-S3, because server
    access logging cannot deliver to SSE-KMS buckets; objects expire after `retention_days`."""
    service = {"s3-access-logs": "logging.s3.amazonaws.com", "s3-inventory": "s3.amazonaws.com"}[purpose]
    return LakeBucketArgs(
        bucket_name=bucket_name,
        account_id=account_id,
        kms_key_arn=None,
        lifecycle=tiering.Lifecycle(expiration_days=retention_days, noncurrent_days=1),
        access_log_bucket=access_log_bucket,
        eventbridge=False,
        delivery_service=service,
        tags={"purpose": purpose, "data-class": "platform"},
    )


class LakeBucket(pulumi.ComponentResource):
    """A versioned, encrypted, private, TLS-only, logged and tiered bucket, protected against deletion.

    Children: the bucket (protected, retained on delete, Object Lock when asked), ownership
    controls (ACLs off), a full public access block, versioning, default encryption with a
    bucket key, a policy (TLS only, no upload under another key or without KMS), server access
    logging, EventBridge notifications, the lifecycle rules and, as needed, Intelligent-Tiering
    archive tiers, the Object Lock default retention and a weekly inventory.
    """

    def __init__(self, name: str, args: LakeBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:data:LakeBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        locked = args.object_lock_days is not None

        self.bucket = aws.s3.Bucket(
            name,
            bucket=args.bucket_name,
            force_destroy=False,
            object_lock_enabled=locked or None,
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
        )
        bucket_id = self.bucket.id
        aws.s3.BucketOwnershipControls(
            name, bucket=bucket_id, rule={"object_ownership": "BucketOwnerEnforced"}, opts=child
        )
        public_access_block = aws.s3.BucketPublicAccessBlock(
            name,
            bucket=bucket_id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=child,
        )
        self.versioning = aws.s3.BucketVersioning(
            name, bucket=bucket_id, versioning_configuration={"status": "Enabled"}, opts=child
        )
        encryption = (
            {"sse_algorithm": "aws:kms", "kms_master_key_id": args.kms_key_arn}
            if args.kms_key_arn is not None
            else {"sse_algorithm": "AES256"}
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            bucket=bucket_id,
            rules=[{"apply_server_side_encryption_by_default": encryption, "bucket_key_enabled": True}],
            opts=child,
        )
        policy = pulumi.Output.all(
            self.bucket.arn,
            args.account_id,
            args.kms_key_arn,
            pulumi.Output.all(*args.writer_arns),
            pulumi.Output.all(*args.lustre_reader_account_ids),
        ).apply(
            lambda values: json.dumps(
                bucket_policy(
                    values[0], values[1], values[2], args, writers=values[3], lustre_readers=values[4]
                )
            )
        )
        # The policy waits for the public access block so that a policy is never live without it.
        bucket_policy_resource = aws.s3.BucketPolicy(
            name,
            bucket=bucket_id,
            policy=policy,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_access_block]),
        )
        if args.access_log_bucket is not None:
            aws.s3.BucketLogging(
                name,
                bucket=bucket_id,
                target_bucket=args.access_log_bucket,
                target_prefix=f"{args.bucket_name}/",
                # Date-partitioned keys, so that Athena can prune a day of PB-scale logs.
                target_object_key_format={"partitioned_prefix": {"partition_date_source": "EventTime"}},
                opts=child,
            )
        if args.eventbridge:
            aws.s3.BucketNotification(name, bucket=bucket_id, eventbridge=True, opts=child)
        after_versioning = pulumi.ResourceOptions(parent=self, depends_on=[self.versioning])
        aws.s3.BucketLifecycleConfiguration(
            name,
            bucket=bucket_id,
            rules=tiering.lifecycle_rules(args.lifecycle),
            # Objects under 128 KiB stay in their class: archive overheads would cost more than they save.
            transition_default_minimum_object_size="all_storage_classes_128K",
            opts=after_versioning,
        )
        if args.lifecycle.intelligent_tiering is not None:
            aws.s3.BucketIntelligentTieringConfiguration(
                name,
                bucket=bucket_id,
                name="archive-tiers",
                status="Enabled",
                tierings=tiering.intelligent_tiering_tierings(args.lifecycle.intelligent_tiering),
                opts=child,
            )
        if locked:
            aws.s3.BucketObjectLockConfiguration(
                name,
                bucket=bucket_id,
                object_lock_enabled="Enabled",
                rule={"default_retention": {"mode": "COMPLIANCE", "days": args.object_lock_days}},
                opts=after_versioning,
            )
        if args.inventory_destination_arn is not None:
            aws.s3.Inventory(
                name,
                bucket=bucket_id,
                name="weekly-all-versions",
                included_object_versions="All",
                schedule={"frequency": "Weekly"},
                destination={
                    "bucket": {
                        "bucket_arn": args.inventory_destination_arn,
                        "account_id": args.account_id,
                        "format": "Parquet",
                        "prefix": "inventory",
                        "encryption": {"sse_s3": {}},
                    }
                },
                optional_fields=list(INVENTORY_FIELDS),
                opts=child,
            )

        # Handed out only once the policy is live: a bucket that receives access logs must grant
        # the logging service before another bucket names it as its target.
        self.bucket_name = pulumi.Output.all(self.bucket.bucket, bucket_policy_resource.id).apply(
            lambda v: v[0]
        )
        self.arn = self.bucket.arn
        self.register_outputs({"bucket_name": self.bucket_name, "arn": self.arn})


WRITE_ACTIONS = (
    "s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:DeleteObject",
    "s3:DeleteObjectVersion", "s3:BypassGovernanceRetention",
)  # fmt: skip


def bucket_policy(
    bucket_arn: str,
    account_id: str,
    kms_key_arn: str | None,
    args: LakeBucketArgs,
    writers: Sequence[str] = (),
    lustre_readers: Sequence[str] = (),
) -> dict:
    """TLS only; uploads only under the bucket's own key; plus delivery, access-point delegation or
    a writer allow-list."""
    objects = f"{bucket_arn}/*"
    statements = [_iam.deny_insecure_transport(bucket_arn)]
    if writers:
        statements.append(
            {
                "Sid": "OnlyNamedWriters",
                "Effect": "Deny",
                "Principal": "*",
                "Action": list(WRITE_ACTIONS),
                "Resource": objects,
                "Condition": {"ArnNotEquals": {"aws:PrincipalArn": sorted(writers)}},
            }
        )
    if kms_key_arn is not None:
        statements += [
            {
                "Sid": "DenyUploadsWithoutKms",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": objects,
                # Only when the header is sent: uploads without it get the bucket's default key.
                "Condition": {
                    "StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
                    "Null": {"s3:x-amz-server-side-encryption": "false"},
                },
            },
            {
                "Sid": "DenyUploadsUnderOtherKeys",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {
                    "StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": kms_key_arn},
                    "Null": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "false"},
                },
            },
        ]
    if args.delegate_to_access_points:
        statements.append(
            {
                "Sid": "DelegateToOwnAccessPoints",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": "s3:*",
                "Resource": [bucket_arn, objects],
                "Condition": {"StringEquals": {"s3:DataAccessPointAccount": account_id}},
            }
        )
    if lustre_readers:
        statements.append(lustre_access.bucket_policy_statement(bucket_arn, sorted(set(lustre_readers))))
    if args.delivery_service is not None:
        statements.append(
            {
                "Sid": "ServiceDelivery",
                "Effect": "Allow",
                "Principal": {"Service": args.delivery_service},
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        )
    return _iam.document(*statements)
