"""What the data products of an environment share: per-region log and inventory buckets, and the catalog."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components._validation import Problems
from components.lake_bucket import LakeBucket, delivery_bucket_args

PARTITION_STANDARD = "vehicle_id=/date=/sensor="
"""Hive-style partition keys every curated table uses (docs/data-lake.md)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CatalogDatabaseArgs:
    region: str
    description: str
    owner_team: str


@dataclass(frozen=True, kw_only=True, slots=True)
class DataLakeArgs:
    name_prefix: str
    """Start of every physical name, e.g. `acme-prod`."""
    account_id: pulumi.Input[str]
    """The data account."""
    providers: Mapping[str, pulumi.ProviderResource]
    """One provider per region of the lake, bound to the data account."""
    access_log_retention_days: int
    """Server access logs and inventory reports expire after this many days."""
    databases: Mapping[str, CatalogDatabaseArgs]
    """Glue databases by domain key."""

    def __post_init__(self) -> None:
        problems = Problems("DataLake")
        if not self.providers:
            problems.add("providers", {}, "at least one region")
        if not 90 <= self.access_log_retention_days <= 3650:
            problems.add("access_log_retention_days", self.access_log_retention_days, "from 90 to 3650 days")
        for domain, database in self.databases.items():
            if database.region not in self.providers:
                problems.add(
                    f"databases.{domain}.region", database.region, f"one of {', '.join(self.providers)}"
                )
        problems.raise_if_any()


def catalog_name(name_prefix: str, domain: str) -> str:
    """Glue database name: Athena and Spark want lower-case letters, digits and underscores."""
    return re.sub(r"[^a-z0-9]+", "_", f"{name_prefix}_{domain}".lower())


class DataLake(pulumi.ComponentResource):
    """Creates, in every lake region, the bucket that receives server access logs and the one that
    receives S3 Inventory reports, and a Glue database per domain.

    Both buckets are written by S3 itself, so they use SSE-S3 (server access logging cannot deliver
    to SSE-KMS buckets), expire their objects after the retention and are otherwise hardened like
    every lake bucket.
    """

    def __init__(self, name: str, args: DataLakeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:data:DataLake", name, None, opts)
        self.access_log_buckets: dict[str, pulumi.Output[str]] = {}
        self.inventory_bucket_arns: dict[str, pulumi.Output[str]] = {}
        for region, provider in args.providers.items():
            in_region = pulumi.ResourceOptions(parent=self, provider=provider)
            logs = LakeBucket(
                f"{name}-access-logs-{region}",
                delivery_bucket_args(
                    f"{args.name_prefix}-lake-access-logs-{region}",
                    account_id=args.account_id,
                    purpose="s3-access-logs",
                    retention_days=args.access_log_retention_days,
                ),
                opts=in_region,
            )
            inventory = LakeBucket(
                f"{name}-inventory-{region}",
                delivery_bucket_args(
                    f"{args.name_prefix}-lake-inventory-{region}",
                    account_id=args.account_id,
                    purpose="s3-inventory",
                    retention_days=args.access_log_retention_days,
                    access_log_bucket=logs.bucket_name,
                ),
                opts=in_region,
            )
            self.access_log_buckets[region] = logs.bucket_name
            self.inventory_bucket_arns[region] = inventory.arn

        self.databases: dict[str, pulumi.Output[str]] = {}
        for domain, database in args.databases.items():
            created = aws.glue.CatalogDatabase(
                f"{name}-{domain}",
                name=catalog_name(args.name_prefix, domain),
                description=database.description,
                parameters={"owner-team": database.owner_team, "partition-standard": PARTITION_STANDARD},
                opts=pulumi.ResourceOptions(parent=self, provider=args.providers[database.region]),
            )
            self.databases[domain] = created.name

        self.register_outputs(
            {
                "access_log_buckets": self.access_log_buckets,
                "inventory_bucket_arns": self.inventory_bucket_arns,
                "databases": self.databases,
            }
        )
