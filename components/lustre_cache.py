"""FSx for Lustre next to a training cluster: a read cache of the lake's training snapshots.

Design and the constraints it rests on: docs/adr/0009-team-tenancy-and-lustre.md.

- PERSISTENT_2 (SSD, Lustre 2.15): the only deployment type with data repository associations
  (DRAs), several linked buckets and a throughput tier per TiB; encrypted with the platform key of
  the training account and region; one AZ (Lustre is a single-AZ service), the training pool's.
- One DRA per linked product: `s3://<snapshot bucket>/snapshots/` <-> `/<product>`, metadata
  imported when the DRA is created, files loaded lazily on first read. No automatic import and no
  automatic export: snapshots are immutable (Object Lock), automatic import works only within one
  region, and it would manage the bucket's event notifications, which the lake owns.
- The lake is in the data account: its bucket policy admits this account's FSx S3 service-linked
  roles (read only) and its key policy lets this account grant them Decrypt; the grant itself is
  made here, for the file system's own role, constrained to the bucket's encryption context.
- A security group for Lustre's ports (988, 1018-1023) between the file servers and the cluster's
  nodes only, and the matching rules on the cluster security group.
- The FSx CSI driver (EKS add-on, pinned, no AWS permissions: volumes are provisioned statically),
  a StorageClass without a provisioner, and per entitled team a read-only PersistentVolume bound
  to the claim `lustre-snapshots` in the team's namespace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components import _kubernetes
from components._validation import Problems
from components.lustre_access import fsx_s3_role_arn
from platform_spec import formats
from platform_spec.tables import lake_classes
from platform_spec.tables.lustre import THROUGHPUTS, storage_gib, storage_problem

DEPLOYMENT_TYPE = "PERSISTENT_2"
LUSTRE_VERSION = "2.15"
MAX_DRAS = 8
"""Data repository associations per file system (FSx quota)."""
LUSTRE_PORTS = ((988, 988), (1018, 1023))
"""LNet (988) and the file servers' ports (1018-1023), between servers and from and to clients."""
SNAPSHOT_PREFIX = "snapshots/"
"""Where training snapshots live in a snapshot bucket (docs/data-lake.md)."""
CSI_DRIVER = "fsx.csi.aws.com"
ADDON = "aws-fsx-csi-driver"
STORAGE_CLASS = "fsx-lustre-snapshots"
CLAIM = "lustre-snapshots"
MAINTENANCE_WINDOW = "7:02:00"
"""Sunday 02:00 UTC: the file servers are patched when the fewest jobs read."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SnapshotLinkArgs:
    """One product's training-snapshot zone, linked into the file system at `/<product>`."""

    region: str
    """The bucket's (and its key's) region."""
    personal_data: bool
    bucket: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    """The zone's key in the data account: this account's FSx S3 role gets a Decrypt grant on it."""


@dataclass(frozen=True, kw_only=True, slots=True)
class LustreCacheArgs:
    cluster_name: pulumi.Input[str]
    region: str
    account_id: pulumi.Input[str]
    """The training account (file system, security groups, the FSx S3 role)."""
    vpc_id: pulumi.Input[str]
    subnet_id: pulumi.Input[str]
    """The private subnet of `zone`."""
    zone: str
    cluster_security_group_id: pulumi.Input[str]
    """The EKS cluster security group, which every node of the cluster carries: the Lustre clients."""
    kms_key_arn: pulumi.Input[str]
    """The platform key of the training account and region (file system and its log group)."""
    storage_tib: float
    throughput_per_tib: int
    log_retention_days: int
    links: Mapping[str, SnapshotLinkArgs]
    grant_providers: Mapping[str, pulumi.ProviderResource]
    """Training-account provider per key region: a KMS grant is made in the key's region."""
    csi_driver_version: str
    mounts: Mapping[str, pulumi.Input[str]]
    """Team -> its namespace: the teams that may read every linked product get a read-only claim."""

    def __post_init__(self) -> None:
        problems = Problems("LustreCache")
        reason = storage_problem(self.storage_tib)
        if reason is not None:
            problems.add("storage_tib", self.storage_tib, reason)
        if self.throughput_per_tib not in THROUGHPUTS:
            problems.add(
                "throughput_per_tib", self.throughput_per_tib, f"one of {', '.join(map(str, THROUGHPUTS))}"
            )
        if not re.fullmatch(re.escape(self.region) + r"[a-z]", self.zone):
            problems.add("zone", self.zone, f"a zone of {self.region}")
        if not 1 <= len(self.links) <= MAX_DRAS:
            problems.add(
                "links", sorted(self.links), f"1 to {MAX_DRAS} products (data repository associations)"
            )
        for product, link in self.links.items():
            if link.personal_data:
                problems.add(
                    f"links.{product}",
                    product,
                    f"its snapshots hold personal data; {lake_classes.PERSONAL_DATA_STAYS}",
                )
            if link.region not in self.grant_providers:
                problems.add(
                    f"links.{product}.region",
                    link.region,
                    f"a region of grant_providers: {', '.join(self.grant_providers)}",
                )
        if not formats.matches(formats.ADDON_VERSION, self.csi_driver_version):
            problems.add("csi_driver_version", self.csi_driver_version, "a pinned version vX.Y.Z-eksbuild.N")
        problems.raise_if_any()


class LustreCache(pulumi.ComponentResource):
    """Creates the file system with its security group, rules and log group, a data repository association
    and a KMS grant per linked product, the FSx CSI driver add-on, the StorageClass and the volumes and
    claims of the entitled teams.

    AWS resources use the component's `aws` provider (grants: `grant_providers`), Kubernetes objects its
    `kubernetes` provider: pass both with `ResourceOptions(providers=[...])`.
    """

    def __init__(self, name: str, args: LustreCacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:compute:LustreCache", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.security_group = aws.ec2.SecurityGroup(
            name,
            vpc_id=args.vpc_id,
            description=f"FSx for Lustre of {args.region}: Lustre ports from the cluster's nodes only",
            opts=child,
        )
        sg = self.security_group.id
        peers = {"servers": sg, "nodes": args.cluster_security_group_id}
        for peer, peer_sg in peers.items():
            for low, high in LUSTRE_PORTS:
                ports = f"{low}" if low == high else f"{low}-{high}"
                common = dict(
                    ip_protocol="tcp", from_port=low, to_port=high, referenced_security_group_id=peer_sg
                )
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-from-{peer}-{ports}",
                    security_group_id=sg,
                    description=f"Lustre {ports} from the {peer}",
                    **common,
                    opts=child,
                )
                aws.vpc.SecurityGroupEgressRule(
                    f"{name}-to-{peer}-{ports}",
                    security_group_id=sg,
                    description=f"Lustre {ports} to the {peer}",
                    **common,
                    opts=child,
                )
        for low, high in LUSTRE_PORTS:
            ports = f"{low}" if low == high else f"{low}-{high}"
            aws.vpc.SecurityGroupIngressRule(
                f"{name}-nodes-from-servers-{ports}",
                security_group_id=args.cluster_security_group_id,
                description=f"Lustre {ports} from the FSx file servers",
                ip_protocol="tcp",
                from_port=low,
                to_port=high,
                referenced_security_group_id=sg,
                opts=child,
            )

        log_group = aws.cloudwatch.LogGroup(
            name,
            name=pulumi.Output.concat("/aws/fsx/lustre/", args.cluster_name),
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        gib = storage_gib(args.storage_tib)
        self.file_system = aws.fsx.LustreFileSystem(
            name,
            deployment_type=DEPLOYMENT_TYPE,
            file_system_type_version=LUSTRE_VERSION,
            storage_type="SSD",
            storage_capacity=gib,
            per_unit_storage_throughput=args.throughput_per_tib,
            subnet_ids=args.subnet_id,
            security_group_ids=[sg],
            kms_key_id=args.kms_key_arn,
            data_compression_type="LZ4",
            # Root on a client is nobody on the file system: a container can never act as root on the cache.
            root_squash_configuration={"root_squash": "65534:65534"},
            log_configuration={"level": "WARN_ERROR", "destination": log_group.arn},
            # A cache of Object-Locked snapshots: the lake is the copy of record, backups would be a second bill.
            automatic_backup_retention_days=0,
            weekly_maintenance_start_time=MAINTENANCE_WINDOW,
            opts=child,
        )
        fs_id = self.file_system.id
        self.associations: dict[str, aws.fsx.DataRepositoryAssociation] = {}
        for product, link in sorted(args.links.items()):
            association = aws.fsx.DataRepositoryAssociation(
                f"{name}-{product}",
                file_system_id=fs_id,
                file_system_path=f"/{product}",
                data_repository_path=pulumi.Output.concat("s3://", link.bucket, "/", SNAPSHOT_PREFIX),
                batch_import_meta_data_on_create=True,
                # Neither direction is automatic: snapshots never change, new ones arrive with an import task.
                s3={"auto_import_policy": {"events": []}, "auto_export_policy": {"events": []}},
                delete_data_in_filesystem=False,
                opts=child,
            )
            # FSx creates the file system's S3 role; the grant lets it decrypt this bucket's objects only.
            aws.kms.Grant(
                f"{name}-{product}",
                key_id=link.kms_key_arn,
                grantee_principal=pulumi.Output.all(args.account_id, fs_id).apply(
                    lambda v: fsx_s3_role_arn(*v)
                ),
                operations=["Decrypt"],
                constraints=[
                    {
                        "encryption_context_subset": pulumi.Output.from_input(link.bucket_arn).apply(
                            lambda arn: {"aws:s3:arn": arn}
                        )
                    }
                ],
                opts=pulumi.ResourceOptions(
                    parent=self, provider=args.grant_providers[link.region], depends_on=[association]
                ),
            )
            self.associations[product] = association

        addon = aws.eks.Addon(
            f"{name}-csi",
            cluster_name=args.cluster_name,
            addon_name=ADDON,
            addon_version=args.csi_driver_version,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=child,
        )
        storage_class = k8s.storage.v1.StorageClass(
            name,
            metadata={"name": STORAGE_CLASS, "labels": _kubernetes.labels("lustre")},
            # Static volumes only: no claim can make the driver create (and bill) a file system.
            provisioner="kubernetes.io/no-provisioner",
            reclaim_policy="Retain",
            volume_binding_mode="Immediate",
            opts=child,
        )
        capacity = f"{gib}Gi"
        for team, namespace in sorted(args.mounts.items()):
            volume_name = f"{CLAIM}-{team}"
            volume = k8s.core.v1.PersistentVolume(
                f"{name}-{team}",
                metadata={
                    "name": volume_name,
                    "labels": _kubernetes.labels("lustre", {"team": team}),
                },
                spec={
                    "capacity": {"storage": capacity},
                    "volumeMode": "Filesystem",
                    "accessModes": ["ReadOnlyMany"],
                    "persistentVolumeReclaimPolicy": "Retain",
                    "storageClassName": STORAGE_CLASS,
                    "mountOptions": ["relatime", "flock"],
                    "claimRef": {"namespace": namespace, "name": CLAIM},
                    "csi": {
                        "driver": CSI_DRIVER,
                        # One handle per volume: kubelet keys mounts by driver and handle.
                        "volumeHandle": pulumi.Output.concat(fs_id, "-", team),
                        "readOnly": True,
                        "volumeAttributes": {
                            "dnsname": self.file_system.dns_name,
                            "mountname": self.file_system.mount_name,
                        },
                    },
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[addon, storage_class]),
            )
            k8s.core.v1.PersistentVolumeClaim(
                f"{name}-{team}",
                metadata={
                    "name": CLAIM,
                    "namespace": namespace,
                    "labels": _kubernetes.labels("lustre", {"team": team}),
                },
                spec={
                    "accessModes": ["ReadOnlyMany"],
                    "storageClassName": STORAGE_CLASS,
                    "volumeName": volume_name,
                    "resources": {"requests": {"storage": capacity}},
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[volume]),
            )

        self.file_system_id = fs_id
        self.dns_name = self.file_system.dns_name
        self.mount_name = self.file_system.mount_name
        self.security_group_id = sg
        self.register_outputs(
            {
                "file_system_id": self.file_system_id,
                "dns_name": self.dns_name,
                "mount_name": self.mount_name,
                "security_group_id": self.security_group_id,
                "storage_class": STORAGE_CLASS,
            }
        )
