"""Customer-managed KMS keys, one per data class, for one account and region."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _iam, lustre_access
from components._validation import Problems


@dataclass(frozen=True, kw_only=True, slots=True)
class DataClassKeyArgs:
    description: str
    via_services: Sequence[str]
    """Service prefixes (s3, ec2, eks, ...) the account's principals may use the key through."""
    cloudwatch_logs: bool = False
    """Also let CloudWatch Logs in this account and region encrypt log groups with the key."""
    reader_account_ids: Sequence[pulumi.Input[str]] = ()
    """Other accounts whose principals may decrypt through S3 in this region (lake consumers)."""
    lustre_grant_account_ids: Sequence[pulumi.Input[str]] = ()
    """Other accounts that may grant their FSx for Lustre file systems Decrypt, for one bucket at a time."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DataClassKeysArgs:
    account_id: pulumi.Input[str]
    region: str
    alias_prefix: str
    """Each key gets the alias `<alias_prefix>/<class>`, e.g. alias/acme/prod/sensor-raw."""
    keys: Mapping[str, DataClassKeyArgs]
    deletion_window_days: int = 30
    """Waiting period before a scheduled deletion completes. Defaults to the maximum, 30."""

    def __post_init__(self) -> None:
        problems = Problems("DataClassKeys")
        if not self.keys:
            problems.add("keys", {}, "at least one data class")
        for key, spec in self.keys.items():
            if not spec.via_services:
                problems.add(f"keys.{key}.via_services", [], "at least one service")
        if not self.alias_prefix.startswith("alias/") or self.alias_prefix.startswith("alias/aws"):
            problems.add(
                "alias_prefix", self.alias_prefix, "an alias/... prefix outside the reserved alias/aws"
            )
        if not 7 <= self.deletion_window_days <= 30:
            problems.add("deletion_window_days", self.deletion_window_days, "from 7 to 30 days")
        problems.raise_if_any()


class DataClassKeys(pulumi.ComponentResource):
    """Creates one rotating, protected KMS key and alias per data class.

    The key policy delegates administration to IAM in the account and allows cryptographic
    use only to the account's principals through the named services.
    """

    def __init__(
        self, name: str, args: DataClassKeysArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:foundation:DataClassKeys", name, None, opts)
        self.keys: dict[str, aws.kms.Key] = {}
        for data_class, spec in args.keys.items():
            policy = pulumi.Output.all(
                args.account_id,
                pulumi.Output.all(*spec.reader_account_ids),
                pulumi.Output.all(*spec.lustre_grant_account_ids),
            ).apply(
                lambda accounts, spec=spec: json.dumps(
                    _policy(accounts[0], accounts[1], args.region, spec, lustre=accounts[2])
                )
            )
            key = aws.kms.Key(
                f"{name}-{data_class}",
                description=spec.description,
                enable_key_rotation=True,
                deletion_window_in_days=args.deletion_window_days,
                policy=policy,
                opts=pulumi.ResourceOptions(parent=self, protect=True, retain_on_delete=True),
            )
            aws.kms.Alias(
                f"{name}-{data_class}",
                name=f"{args.alias_prefix}/{data_class}",
                target_key_id=key.key_id,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.keys[data_class] = key
        self.key_arns = pulumi.Output.all(**{data_class: key.arn for data_class, key in self.keys.items()})
        self.register_outputs({"key_arns": self.key_arns})


def _policy(
    account_id: str, readers: Sequence[str], region: str, spec: DataClassKeyArgs, lustre: Sequence[str] = ()
) -> dict:
    services = [f"{service}.{region}.amazonaws.com" for service in spec.via_services]
    extra = []
    granters = sorted(set(lustre) - {account_id})  # the key's own account grants as key administrator
    readers = sorted(set(readers) - {account_id})
    if readers:
        extra.append(
            {
                "Sid": "DecryptThroughS3ForReaderAccounts",
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{reader}:root" for reader in readers]},
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    if granters:
        extra.append(lustre_access.key_grant_statement(granters))
    if spec.cloudwatch_logs:
        extra.append(
            {
                "Sid": "CloudWatchLogsEncryptLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": list(_iam.KEY_USAGE_ACTIONS),
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:*"
                    }
                },
            }
        )
    return _iam.key_policy(account_id, via_services=services, service_principals=extra)
