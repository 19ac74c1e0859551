"""A data product of the lake: its zones' buckets, replicas, access points and grants."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import _iam, product_access
from components._validation import Problems
from components.lake_bucket import LakeBucket, LakeBucketArgs
from platform_spec.tables import lake_classes, tiering

OWNER_ACCESS = product_access.READ_ACTIONS + product_access.WRITE_ACTIONS


@dataclass(frozen=True, kw_only=True, slots=True)
class ZoneArgs:
    data_class: str
    """A class of core/platform_spec/tables/lake_classes.py; it fixes the zone's key, tiering and Object Lock."""
    region: str
    personal_data: bool = False
    """The class holds personal data (environments/org.yaml): no consumer access points, residency."""
    access: str | None = None
    """Access profile (core/platform_spec/tables/tiering.py); None: the class's default."""
    transitions: Sequence[tiering.Transition] | None = None
    """Explicit lifecycle transitions instead of an access profile."""
    retention_days: int | None = None
    object_lock_days: int | None = None
    replicate_to: Sequence[str] = ()
    inventory: bool = False
    """Weekly S3 Inventory of every version (for the big zones)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class DataProductArgs:
    product: str
    """Product key; part of bucket and access point names."""
    name_prefix: str
    domain: str
    owner_team: str
    """The team that writes the product (and reads every zone, personal data included)."""
    consumers: Sequence[str]
    """Teams that read the product's zones that hold no personal data."""
    account_id: pulumi.Input[str]
    """The data account."""
    consumer_account_ids: Sequence[pulumi.Input[str]]
    """Accounts whose roles, tagged `team=<team>`, may use the access points (data and training)."""
    residency_regions: Sequence[str]
    """Where personal data may be stored."""
    providers: Mapping[str, pulumi.ProviderResource]
    """Data-account provider per region."""
    kms_key_arns: Mapping[str, Mapping[str, pulumi.Input[str]]]
    """region -> data class -> key ARN (the foundation's keys)."""
    access_log_buckets: Mapping[str, pulumi.Input[str]]
    inventory_bucket_arns: Mapping[str, pulumi.Input[str]]
    zones: Mapping[str, ZoneArgs]
    formats: Sequence[str] = ()
    lustre_reader_account_ids: Sequence[pulumi.Input[str]] = ()
    """Accounts whose FSx for Lustre file systems link the training-snapshot zone (read only)."""
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = Problems("DataProduct")
        if not self.zones:
            problems.add("zones", {}, f"at least one of {', '.join(lake_classes.ZONES)}")
        for zone, spec in self.zones.items():
            for problem in lake_classes.zone_problems(
                zone,
                spec.data_class,
                personal_data=spec.personal_data,
                residency_regions=self.residency_regions,
                region=spec.region,
                access=spec.access,
                transitions=spec.transitions,
                retention_days=spec.retention_days,
                object_lock_days=spec.object_lock_days,
                replicate_to=spec.replicate_to,
            ):
                problems.add(f"zones.{zone}.{problem.path}".rstrip("."), problem.value, problem.message)
            for region in (spec.region, *spec.replicate_to):
                if region not in self.providers or region not in self.access_log_buckets:
                    problems.add(
                        f"zones.{zone}.region", region, f"a lake region: {', '.join(self.providers)}"
                    )
                elif spec.data_class not in self.kms_key_arns.get(region, {}):
                    problems.add(f"zones.{zone}.data_class", spec.data_class, f"no key for it in {region}")
            if zone in lake_classes.ZONES:
                for team in self.teams(zone):
                    name = lake_classes.access_point_name(self.product, zone, team)
                    if len(name) > lake_classes.ACCESS_POINT_NAME_MAX:
                        problems.add(
                            "product", self.product, f"access point name {name} exceeds 50 characters"
                        )
        problems.raise_if_any()

    def teams(self, zone: str) -> list[str]:
        return lake_classes.access_point_teams(
            self.owner_team, self.consumers, personal_data=self.zones[zone].personal_data
        )


class DataProduct(pulumi.ComponentResource):
    """Creates a `LakeBucket` per zone (and per replica region), the replication between them, and an
    access point per team: read for consumers, read and write for the owner team.

    `export` is the product as later layers see it; `grant_read`/`grant_write` attach a team role's
    identity policy (components/product_access.py).
    """

    def __init__(self, name: str, args: DataProductArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:data:DataProduct", name, None, opts)
        self.product = args.product
        zones: dict[str, pulumi.Output] = {}
        replication: dict[str, tuple[LakeBucket, dict[str, LakeBucket]]] = {}
        for zone, spec in args.zones.items():
            source = self._zone_bucket(name, args, zone, spec.region)
            replicas = {region: self._zone_bucket(name, args, zone, region) for region in spec.replicate_to}
            if replicas:
                replication[zone] = (source, replicas)

            access_points = {
                team: self._access_point(name, zone, team, source, args, write=team == args.owner_team)
                for team in args.teams(zone)
            }
            zones[zone] = pulumi.Output.all(
                bucket=source.bucket_name,
                bucket_arn=source.arn,
                kms_key_arn=args.kms_key_arns[spec.region][spec.data_class],
                access_points=pulumi.Output.all(**access_points) if access_points else {},
                replicas={
                    region: pulumi.Output.all(
                        bucket=replica.bucket_name,
                        bucket_arn=replica.arn,
                        kms_key_arn=args.kms_key_arns[region][spec.data_class],
                    )
                    for region, replica in replicas.items()
                },
            ).apply(
                lambda values, spec=spec: {
                    **values,
                    "region": spec.region,
                    "data_class": spec.data_class,
                    "personal_data": spec.personal_data,
                }
            )
        if replication:
            self._replicate(name, args, replication)

        self.export = pulumi.Output.all(**zones).apply(
            lambda resolved: {
                "domain": args.domain,
                "owner_team": args.owner_team,
                "formats": list(args.formats),
                "zones": resolved,
            }
        )
        self.register_outputs({"export": self.export})

    def grant_read(self, name: str, *, role: pulumi.Input[str], team: str) -> aws.iam.RolePolicy:
        return product_access.grant_read(
            name, role=role, team=team, product_key=self.product, product=self.export
        )

    def grant_write(self, name: str, *, role: pulumi.Input[str], team: str) -> aws.iam.RolePolicy:
        return product_access.grant_write(
            name, role=role, team=team, product_key=self.product, product=self.export
        )

    def _zone_bucket(self, name: str, args: DataProductArgs, zone: str, region: str) -> LakeBucket:
        """The zone's bucket in its home region (the source), or its replica in another region."""
        spec = args.zones[zone]
        primary = region == spec.region
        tags = {
            **args.tags,
            "data-product": args.product,
            "domain": args.domain,
            "zone": zone,
            "data-class": spec.data_class,
            "personal-data": str(spec.personal_data).lower(),
            "safety-relevant": str(lake_classes.LAKE_CLASSES[spec.data_class].safety_relevant).lower(),
            "replica": str(not primary).lower(),
        }
        return LakeBucket(
            f"{name}-{zone}" if primary else f"{name}-{zone}-{region}",
            LakeBucketArgs(
                bucket_name=lake_classes.bucket_name(args.name_prefix, args.product, zone, region),
                account_id=args.account_id,
                kms_key_arn=args.kms_key_arns[region][spec.data_class],
                lifecycle=lake_classes.zone_lifecycle(
                    spec.data_class,
                    access=spec.access,
                    transitions=spec.transitions,
                    retention_days=spec.retention_days,
                ),
                object_lock_days=spec.object_lock_days,
                access_log_bucket=args.access_log_buckets[region],
                inventory_destination_arn=args.inventory_bucket_arns[region] if spec.inventory else None,
                eventbridge=primary,
                delegate_to_access_points=primary,
                lustre_reader_account_ids=args.lustre_reader_account_ids
                if primary and zone == "training-snapshot"
                else (),
                tags=tags,
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=args.providers[region]),
        )

    def _access_point(
        self, name: str, zone: str, team: str, source: LakeBucket, args: DataProductArgs, *, write: bool
    ) -> pulumi.Output[str]:
        ap_name = lake_classes.access_point_name(args.product, zone, team)
        region = args.zones[zone].region
        policy = pulumi.Output.all(args.account_id, *args.consumer_account_ids).apply(
            lambda accounts: json.dumps(
                access_point_policy(
                    f"arn:aws:s3:{region}:{accounts[0]}:accesspoint/{ap_name}",
                    sorted(set(accounts)),
                    team,
                    OWNER_ACCESS if write else product_access.READ_ACTIONS,
                )
            )
        )
        access_point = aws.s3.AccessPoint(
            f"{name}-{zone}-{team}",
            bucket=source.bucket.id,
            name=ap_name,
            policy=policy,
            public_access_block_configuration={
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
            opts=pulumi.ResourceOptions(parent=self, provider=args.providers[region]),
        )
        return access_point.arn

    def _replicate(
        self,
        name: str,
        args: DataProductArgs,
        replication: dict[str, tuple[LakeBucket, dict[str, LakeBucket]]],
    ) -> None:
        home = next(iter(args.providers.values()))
        role = aws.iam.Role(
            f"{name}-replication",
            description=f"S3 replication of data product {args.product}",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(_iam.trust_service("s3.amazonaws.com", account))
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=home),
        )
        pairs = [
            (spec.region, source.arn, args.kms_key_arns[spec.region][spec.data_class], region, replica.arn,
             args.kms_key_arns[region][spec.data_class])
            for zone, (source, replicas) in replication.items()
            for spec in [args.zones[zone]]
            for region, replica in replicas.items()
        ]  # fmt: skip
        role_policy = aws.iam.RolePolicy(
            f"{name}-replication",
            role=role.name,
            policy=pulumi.Output.all(*[pulumi.Output.all(*pair) for pair in pairs]).apply(
                lambda resolved: json.dumps(replication_policy(resolved))
            ),
            opts=pulumi.ResourceOptions(parent=self, provider=home),
        )
        for zone, (source, replicas) in replication.items():
            spec = args.zones[zone]
            aws.s3.BucketReplicationConfig(
                f"{name}-{zone}",
                bucket=source.bucket.id,
                role=role.arn,
                rules=[
                    {
                        "id": f"to-{region}",
                        "status": "Enabled",
                        "priority": priority,
                        "filter": {},
                        # A delete in the source must not hide the copy: markers stay at home.
                        "delete_marker_replication": {"status": "Disabled"},
                        "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
                        "destination": {
                            "bucket": replica.arn,
                            "encryption_configuration": {
                                "replica_kms_key_id": args.kms_key_arns[region][spec.data_class]
                            },
                        },
                    }
                    for priority, (region, replica) in enumerate(replicas.items(), start=1)
                ],
                opts=pulumi.ResourceOptions(
                    parent=self,
                    provider=args.providers[spec.region],
                    depends_on=[source.versioning, role_policy, *(r.versioning for r in replicas.values())],
                ),
            )


def access_point_policy(access_point_arn: str, account_ids: Sequence[str], team: str, actions) -> dict:
    """Roles of the platform's accounts that carry the tag `team=<team>` may use the access point."""
    return _iam.document(
        {
            "Sid": "TeamAccess",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in account_ids]},
            "Action": list(actions),
            "Resource": [access_point_arn, f"{access_point_arn}/object/*"],
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": team}},
        }
    )


def replication_policy(pairs: Sequence[Sequence[str]]) -> dict:
    """What S3 needs to copy each (source region, bucket, key) to (replica region, bucket, key)."""
    sources = sorted({p[1] for p in pairs})
    replicas = sorted({p[4] for p in pairs})
    statements = [
        {
            "Sid": "ReadSourceConfiguration",
            "Effect": "Allow",
            "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"],
            "Resource": sources,
        },
        {
            "Sid": "ReadSourceVersions",
            "Effect": "Allow",
            "Action": [
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
                "s3:GetObjectRetention",
                "s3:GetObjectLegalHold",
            ],
            "Resource": [f"{arn}/*" for arn in sources],
        },
        {
            "Sid": "WriteReplicas",
            "Effect": "Allow",
            "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            "Resource": [f"{arn}/*" for arn in replicas],
        },
    ]
    for region in sorted({p[0] for p in pairs}):
        statements.append(
            {
                "Sid": "DecryptSource" + region.replace("-", ""),
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": sorted({p[2] for p in pairs if p[0] == region}),
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    for region in sorted({p[3] for p in pairs}):
        statements.append(
            {
                "Sid": "EncryptReplicas" + region.replace("-", ""),
                "Effect": "Allow",
                "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": sorted({p[5] for p in pairs if p[3] == region}),
                "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            }
        )
    return _iam.document(*statements)
