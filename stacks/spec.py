"""The environment spec: the typed, validated form of environments/<env>.yaml and org.yaml.

The spec files are the single source of truth a user edits. They are read once, validated
here and frozen; stacks derive every resource from them and environments differ only by
values. Every problem is collected and reported as one line naming the file, the field path,
the value given and what is allowed (`SpecError`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from components import _cidr, _formats, lake_classes, node_pools, tiering

ENVIRONMENTS_DIR = Path(__file__).resolve().parent.parent / "environments"
ORG_SPEC = "org"

# Commercial AWS regions; the platform rejects anything else so that typos fail here,
# not halfway through a deploy.
AWS_REGIONS = (
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2",
    "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "sa-east-1", "us-east-1", "us-east-2",
    "us-west-1", "us-west-2",
)  # fmt: skip

# Interface endpoints the network can create, by the service-name suffix AWS uses.
INTERFACE_ENDPOINTS = (
    "ecr.api", "ecr.dkr", "sts", "logs", "sqs", "eks", "eks-auth", "ec2", "ssm", "kms",
    "elasticloadbalancing", "autoscaling", "monitoring",
)  # fmt: skip

AccountRole = Literal["data", "training", "registry", "security"]
KeyService = Literal[
    "s3", "ec2", "eks", "ecr", "sqs", "sns", "rds", "secretsmanager", "glue", "fsx", "sagemaker", "logs"
]
ACCOUNT_ROLES: tuple[str, ...] = ("data", "training", "registry", "security")
# EKS managed add-ons every cluster runs, each at a pinned version.
EKS_ADDONS = ("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "eks-pod-identity-agent")
# Retention periods CloudWatch Logs accepts.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
DATA_FORMATS = (
    "mcap", "rosbag", "mdf4", "parquet", "images", "video", "point-clouds", "json",
    "opendrive", "openscenario",
)  # fmt: skip


def _region(value: str) -> str:
    if value not in AWS_REGIONS:
        raise ValueError(f"not an AWS region; allowed: {', '.join(AWS_REGIONS)}")
    return value


def _key(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,30}[a-z0-9]", value):
        raise ValueError("a key is 2 to 32 characters of a-z, 0-9 and '-', starting with a letter")
    return value


def _account_id(value: str) -> str:
    if not re.fullmatch(r"\d{12}", value):
        raise ValueError("an AWS account id is exactly 12 digits, quoted as a string")
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", value):
        raise ValueError("expected an e-mail address such as aws+prod-data@example.com")
    return value


def _role_arn(value: str) -> str:
    if not re.fullmatch(r"arn:aws:iam::\d{12}:role/[\w+=,.@/-]+", value):
        raise ValueError("expected an IAM role ARN such as arn:aws:iam::123456789012:role/ci")
    return value


def _unique(values: list[Any]) -> list[Any]:
    duplicates = sorted({str(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise ValueError(f"each value may appear once; repeated: {', '.join(duplicates)}")
    return values


Region = Annotated[str, AfterValidator(_region)]
Key = Annotated[str, AfterValidator(_key)]
AccountId = Annotated[str, AfterValidator(_account_id)]
Email = Annotated[str, AfterValidator(_email)]
RoleArn = Annotated[str, AfterValidator(_role_arn)]
Regions = Annotated[list[Region], Field(min_length=1), AfterValidator(_unique)]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, use_attribute_docstrings=True)


# --- the organization (environments/org.yaml) -------------------------------------------


class OrganizationalUnit(Frozen):
    """An OU; `parent` names another OU key, or the root when omitted."""

    parent: Key | None = None
    """Key of the parent OU; omitted for an OU directly under the root."""


class MemberAccount(Frozen):
    """A member account, created by Organizations and protected against deletion."""

    email: Email
    """Root e-mail address of the account; unique across AWS."""
    ou: Key
    """Key of the OU the account is placed in."""
    personal_data: bool = False
    """Holds or processes personal data (GDPR): restricted to the personal-data regions by SCP."""


class CloudTrailSpec(Frozen):
    """The organization trail and its Object-Locked archive in the log-archive account."""

    log_archive_account: Key
    """Key of the account that holds the trail archive."""
    retention_days: Annotated[int, Field(ge=365, le=3650)]
    """Object Lock (compliance mode) retention of every log object, in days."""


class DataClass(Frozen):
    """A data classification: one KMS key per class, region and data account."""

    description: Annotated[str, Field(min_length=1)]
    """What the class holds; becomes the key description."""
    accounts: Annotated[list[AccountRole], Field(min_length=1), AfterValidator(_unique)]
    """Account roles that hold this class; each gets a key in every one of its regions."""
    key_services: Annotated[list[KeyService], Field(min_length=1), AfterValidator(_unique)]
    """Services through which the account's principals may use the key (`logs`: CloudWatch Logs)."""
    personal_data: bool = False
    """Personal data (GDPR): its keys exist only in the personal-data regions."""


class OrganizationSpec(Frozen):
    """The organization (environments/org.yaml)."""

    name: Key
    """Short company prefix used in physical names (aliases, roles, trail)."""
    owner: Email
    """Contact of the team that runs the organization (tag `owner`)."""
    cost_center: Annotated[str, Field(min_length=1)]
    """Cost center of the organization-level resources (tag `cost-center`)."""
    management_account_id: AccountId
    """The management account (quoted, 12 digits)."""
    management_role_name: str = "mlplatform-org-admin"
    """Role in the management account the `org` stack deploys through (created once; docs/bootstrap.md)."""
    home_region: Region
    """Region of the organization trail and its archive."""
    allowed_regions: Regions
    """Regions every member account may use (SCP allow-list)."""
    personal_data_regions: Regions
    """Regions where personal data may be stored or processed (GDPR residency)."""
    member_access_role_name: str = "OrganizationAccountAccessRole"
    """Role Organizations creates in each new account; the foundation layer deploys through it."""
    deploy_role_name: str = "mlplatform-deploy"
    """Role the foundation creates in each workload account for the later layers."""
    ci_principal_arns: Annotated[list[RoleArn], Field(min_length=1), AfterValidator(_unique)]
    """Principals (the CI runners' roles) allowed to assume the deploy roles."""
    organizational_units: Annotated[dict[Key, OrganizationalUnit], Field(min_length=1)]
    """OUs by key."""
    accounts: Annotated[dict[Key, MemberAccount], Field(min_length=1)]
    """Member accounts by key; environments name accounts by these keys."""
    cloudtrail: CloudTrailSpec
    """The organization trail."""
    data_classes: Annotated[dict[Key, DataClass], Field(min_length=1)]
    """The data classification standard, by class key."""
    cost_allocation_tags: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=128)]], AfterValidator(_unique)
    ] = []
    """Tag keys activated as cost allocation tags in the management account; add a key once resources carry it.
    Not `aws:...`, and no two keys alike once lower-cased with every run of other characters than a-z, 0-9 and -
    made one - (`Team` and `team`): each key is a resource named after it."""


# --- an environment (environments/<env>.yaml) -------------------------------------------


class AccountAssignment(Frozen):
    """Which organization account plays a role in this environment, and in which regions."""

    account: Key
    """Key of the account in environments/org.yaml."""
    regions: Regions
    """Regions this role uses in the account; a personal-data account only residency regions."""


class VpcSpec(Frozen):
    """A VPC in one account and region."""

    account: AccountRole
    """The account role (data, training, registry, security) whose account holds the VPC."""
    region: Region
    """One of that role's regions."""
    cidr: str
    """Private IPv4 range from /16 to /20, not overlapping the environment's other VPCs."""
    availability_zones: Annotated[list[str], Field(min_length=2, max_length=6), AfterValidator(_unique)]
    """Zone names (2 to 6); each gets a private subnet, and a public one when NAT is used."""


class NetworkSpec(Frozen):
    nat: Literal["none", "single", "per_az"]
    """NAT strategy: `single` (one NAT gateway per VPC, cheap) or `per_az` (no cross-AZ NAT traffic)."""
    interface_endpoints: Annotated[
        list[Literal[INTERFACE_ENDPOINTS]], Field(min_length=1), AfterValidator(_unique)  # type: ignore[valid-type]
    ]
    """Services that get interface endpoints in every VPC, so their traffic stays off NAT."""
    vpcs: Annotated[dict[Key, VpcSpec], Field(min_length=1)]
    """VPCs by key."""
    flow_log_retention_days: Literal[LOG_RETENTION_DAYS]  # type: ignore[valid-type]
    """Retention of every VPC's flow logs (all traffic, CloudWatch Logs, the account's platform key)."""


class Team(Frozen):
    """A team of engineers using the platform."""

    description: Annotated[str, Field(min_length=1)]
    """What the team does."""
    contact: Email
    """Team contact address (budgets and alerts go here)."""


class Domain(Frozen):
    """A data domain (data mesh): owned by one team."""

    description: Annotated[str, Field(min_length=1)]
    """What the domain's data products hold."""
    owner_team: Key
    """Key of the team that owns the domain's data products."""


class TransitionSpec(Frozen):
    """A lifecycle transition: objects move to `storage_class` at an age of `days`."""

    days: Annotated[int, Field(ge=0)]
    """Object age in days after creation."""
    storage_class: Literal[tiering.TRANSITION_TARGETS]  # type: ignore[valid-type]
    """Target storage class."""


class ZoneUsageSpec(Frozen):
    """How a zone's data is used, as the cost model assumes it (docs/cost-model.md)."""

    mean_object_mib: Annotated[float, Field(gt=0)] = 64.0
    """Mean object size in MiB: per-object fees (transitions, Intelligent-Tiering monitoring, archive overheads)."""
    age_days: Annotated[int, Field(ge=1)] | None = None
    """Age of the oldest bytes (stored bytes spread evenly from 0 to it); omitted: retention_days, else 730."""
    read_until_days: Annotated[int, Field(ge=0)] | None = None
    """Every byte is read at least monthly until this age; omitted: the access profile's default."""
    late_read_fraction: Annotated[float, Field(ge=0, le=1)] | None = None
    """Share of the older bytes still read every month; omitted: the access profile's default."""


class ZoneSpec(Frozen):
    """One zone of a data product: one bucket (plus replicas) holding one data class."""

    data_class: Key
    """A data class of environments/org.yaml with a storage policy in components/lake_classes.py."""
    volume_tib: Annotated[float, Field(ge=0)]
    """Expected stored volume in TiB (drives S3 Inventory and the cost model)."""
    access: Literal[tuple(tiering.ACCESS_PROFILES)] | None = None  # type: ignore[valid-type]
    """Access profile (docs/data-lake.md); omitted: the data class's default."""
    transitions: Annotated[list[TransitionSpec], Field(min_length=1)] | None = None
    """Explicit lifecycle transitions, for a known access pattern no profile fits."""
    retention_days: Annotated[int, Field(ge=1)] | None = None
    """Current objects expire at this age; omitted: kept. Required for personal data (GDPR)."""
    object_lock_days: Annotated[int, Field(ge=1)] | None = None
    """Object Lock (compliance mode) retention; required exactly for the classes that are locked."""
    replicate_to: Annotated[list[Region], AfterValidator(_unique)] = []
    """Other regions of the data account that keep a replica; personal data only within residency."""
    usage: ZoneUsageSpec = ZoneUsageSpec()
    """Object size and access pattern the cost model assumes; omitted: the documented defaults."""


class DataProductSpec(Frozen):
    """A data product (data mesh): owned by a domain's team, stored in zones."""

    domain: Key
    """Key of the domain the product belongs to."""
    description: Annotated[str, Field(min_length=1)]
    """What the product holds."""
    owner_team: Key | None = None
    """Team that writes the product; omitted: the domain's owner team."""
    formats: Annotated[list[Literal[DATA_FORMATS]], Field(min_length=1), AfterValidator(_unique)]  # type: ignore[valid-type]
    """File formats in the product."""
    region: Region | None = None
    """Home region of the zones (residency); omitted: the data account's first region."""
    consumers: Annotated[list[Key], AfterValidator(_unique)] = []
    """Teams that read the zones without personal data, through their own access points."""
    zones: Annotated[dict[Literal[lake_classes.ZONES], ZoneSpec], Field(min_length=1)]  # type: ignore[valid-type]
    """Zones by name: raw, curated, training-snapshot."""


class DataLakeSpec(Frozen):
    """The data lake of the environment (the `data` layer)."""

    access_log_retention_days: Annotated[int, Field(ge=90, le=3650)]
    """Expiry of server access logs (lake and registry buckets) and inventory reports."""
    inventory_min_tib: Annotated[float, Field(ge=0)]
    """Zones expected to hold at least this many TiB get a weekly S3 Inventory."""
    products: Annotated[dict[Key, DataProductSpec], Field(min_length=1)]
    """Data products by key."""


class RepositorySpec(Frozen):
    """An ECR repository, named `<kind>/<key>`."""

    kind: Literal["training", "evaluation", "toolchain"]
    """training and evaluation images, or compiler toolchains (QNN, TensorRT builders)."""
    description: Annotated[str, Field(min_length=1)]
    """What the images hold."""
    enhanced_scanning: bool = False
    """Continuous enhanced scanning (Amazon Inspector) instead of basic scan on push."""
    keep_releases: Annotated[int, Field(ge=1, le=1000)] = 30
    """Images tagged `release-*` kept; older ones expire (`approved-*` tags never expire)."""


class ModelGroupSpec(Frozen):
    """A SageMaker Model Package Group: the versions of one model and their approval status."""

    description: Annotated[str, Field(min_length=1)]
    """What the model does."""
    owner_team: Key
    """Team that registers versions of the model."""


class MlflowSpec(Frozen):
    """The managed MLflow tracking server (SageMaker)."""

    version: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)?$")]
    """MLflow version, pinned (e.g. "3.0")."""
    size: Literal["Small", "Medium", "Large"]
    """Tracking server size (concurrent users)."""


class RegistrySpec(Frozen):
    """Container registry, experiment tracking, model registry and the edge-artefact store."""

    repositories: Annotated[dict[Key, RepositorySpec], Field(min_length=1)]
    """ECR repositories by key."""
    untagged_expiry_days: Annotated[int, Field(ge=1, le=90)]
    """Untagged images expire after this many days."""
    pull_through_caches: Annotated[list[Literal["ecr-public", "k8s", "quay"]], AfterValidator(_unique)] = []
    """Public upstream registries cached in ECR: public.ecr.aws, registry.k8s.io, quay.io."""
    mlflow: MlflowSpec
    """Experiment tracking."""
    model_groups: Annotated[dict[Key, ModelGroupSpec], Field(min_length=1)]
    """Model Package Groups by key."""
    approver_team: Key
    """The only team whose roles may approve a model version (ISO 26262 release sign-off)."""
    edge_artefact_lock_days: Annotated[int, Field(ge=1)]
    """Object Lock (compliance mode) of released artefacts; at least the safety-evidence minimum."""


class NodeGroupSpec(Frozen):
    """A node pool of a cluster: an EKS managed node group with a launch template (two groups for
    `spot-first`). Kinds, instance families and taints: components/node_pools.py."""

    kind: Literal[node_pools.POOL_KINDS]  # type: ignore[valid-type]
    """system (cluster add-ons), nvidia-training (p4d/p5 class), nvidia-batch (g5/g6/g6e), qualcomm-ai100 (dl2q)."""
    instance_types: Annotated[list[str], Field(min_length=1), AfterValidator(_unique)]
    """Instance types of the pool's kind, all with the same number of accelerators."""
    capacity: Literal[node_pools.CAPACITIES] | None = None  # type: ignore[valid-type]
    """on-demand, spot, spot-first (spot with an on-demand fallback) or capacity-block; omitted: the kind's first."""
    min_size: Annotated[int, Field(ge=0, le=1000)] = 0
    """Fewest nodes; 0 for every accelerator pool (they scale from zero)."""
    max_size: Annotated[int, Field(ge=1, le=1000)]
    """Most nodes (of the spot group, for spot-first)."""
    desired_size: Annotated[int, Field(ge=0, le=1000)] | None = None
    """Nodes at creation; omitted: min_size. Later changes by autoscalers are kept (ignored by Pulumi)."""
    on_demand_max_size: Annotated[int, Field(ge=1, le=1000)] | None = None
    """Most on-demand nodes of a spot-first pool's fallback group; required exactly for spot-first."""
    availability_zones: Annotated[list[str], Field(min_length=1), AfterValidator(_unique)] | None = None
    """Zones of the cluster's VPC the pool uses; omitted: all. Training pools name exactly one."""
    root_volume_gib: Annotated[int, Field(ge=20, le=16384)] = 100
    """Root volume (gp3, encrypted with the platform key): container images of training jobs are large."""
    ami_id: Annotated[str, Field(pattern=r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")] | None = None
    """Custom AMI (EKS node with the accelerator's driver); required for qualcomm-ai100, refused otherwise."""
    capacity_reservation_id: Annotated[str, Field(pattern=r"^cr-[0-9a-f]{17}$")] | None = None
    """The purchased Capacity Block (cr-...); required exactly for capacity: capacity-block."""

    def purchase(self) -> str:
        return self.capacity or node_pools.KINDS[self.kind].capacities[0]

    def desired(self) -> int:
        return self.min_size if self.desired_size is None else self.desired_size


class TeamQuotaSpec(Frozen):
    """What one team is guaranteed in a cluster: the nominal quotas of its Kueue ClusterQueue. Teams share
    one cohort and borrow idle quota; the namespace's ResourceQuota is the cohort's total (ADR 0009)."""

    nvidia_gpus: Annotated[int, Field(ge=0, le=10000)] = 0
    """NVIDIA GPUs (`nvidia.com/gpu`) the team is guaranteed (Kueue nominal quota); more may be borrowed."""
    qaic_devices: Annotated[int, Field(ge=0, le=10000)] = 0
    """Qualcomm Cloud AI 100 devices (`qualcomm.com/qaic`) the team is guaranteed."""
    cpu: Annotated[int, Field(ge=1, le=100000)]
    """vCPUs the team is guaranteed (Kueue nominal quota)."""
    memory_gib: Annotated[int, Field(ge=1, le=1000000)]
    """Memory (GiB) the team is guaranteed (Kueue nominal quota)."""


CHART_VERSION = _formats.CHART_VERSION
KARPENTER_DURATION = _formats.KARPENTER_DURATION
DEVICE_PLUGIN_FIELDS = {"nvidia": "nvidia_chart_version", "qualcomm": "qualcomm_image"}
"""Accelerator -> the DevicePluginsSpec field of the plugin that advertises it."""


class DevicePluginsSpec(Frozen):
    """The device plugins that advertise accelerators to the scheduler (docs/adr/0008-cluster-software.md):
    each one exactly where the cluster has pools of its accelerator."""

    nvidia_chart_version: Annotated[str, Field(pattern=CHART_VERSION)] | None = None
    """Version of NVIDIA's `nvidia-device-plugin` Helm chart (it advertises `nvidia.com/gpu`); required exactly
    when the cluster has an NVIDIA pool (node group or Karpenter)."""
    qualcomm_image: Annotated[str, Field(pattern=_formats.IMAGE)] | None = None
    """Image of Qualcomm's Cloud AI 100 device plugin (it advertises `qualcomm.com/qaic`), pinned by tag or digest;
    required exactly when the cluster has a qualcomm-ai100 pool. UNVERIFIED: the environments name the tag
    quic/aic-operator's README gives, not a built and tested image; pin it by digest (`@sha256:...`) of the image
    you mirror and test before a production deploy (checkov CKV_K8S_43 is baselined as a known gap until then)."""


class KarpenterCapacitySpec(Frozen):
    """One purchase option of a Karpenter pool: one NodePool with its weight and limits."""

    weight: Annotated[int, Field(ge=1, le=100)]
    """NodePool weight: Karpenter tries the pool of highest weight first, so spot weighs more than on-demand."""
    nvidia_gpus: Annotated[int, Field(ge=1, le=10000)]
    """Limit on `nvidia.com/gpu`: the most GPUs this NodePool's nodes carry together."""
    cpu: Annotated[int, Field(ge=1, le=100000)]
    """Limit on `cpu`: the most vCPUs this NodePool's nodes carry together."""


class DisruptionBudgetSpec(Frozen):
    """How many of a pool's nodes Karpenter may disrupt at once (consolidation, drift, emptiness)."""

    nodes: Annotated[str, Field(pattern=r"^((100|[0-9]{1,2})%|[0-9]+)$")]
    """A node count or a percentage of the pool's nodes; "0" blocks disruption while the budget is active."""
    reasons: (
        Annotated[
            list[Literal["Underutilized", "Empty", "Drifted"]], Field(min_length=1), AfterValidator(_unique)
        ]
        | None
    ) = None
    """The disruption reasons the budget limits; omitted: all of them."""
    schedule: Annotated[str, Field(pattern=r"^(\S+\s+){4}\S+$")] | None = None
    """Cron schedule (UTC) when the budget starts to apply; given together with duration. Omitted: always."""
    duration: Annotated[str, Field(pattern=r"^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$")] | None = None
    """How long the budget applies from each scheduled start (e.g. 10h); given together with schedule."""


class KarpenterPoolSpec(Frozen):
    """A Karpenter pool: a spot NodePool and, behind it, an on-demand NodePool of lower weight."""

    kind: Literal[node_pools.POOL_KINDS]  # type: ignore[valid-type]
    """The pool kind (taint, labels, families of components/node_pools.py); Karpenter provisions nvidia-batch only."""
    instance_types: Annotated[list[str], Field(min_length=1), AfterValidator(_unique)]
    """Instance types Karpenter may choose from (sizes may differ: limits cap GPUs, not nodes)."""
    spot: KarpenterCapacitySpec
    """The spot NodePool, tried first."""
    on_demand: KarpenterCapacitySpec | None = None
    """The on-demand NodePool that takes pods when spot is short or at its limits; omitted: spot only."""
    consolidation_policy: Literal["WhenEmpty", "WhenEmptyOrUnderutilized"] = "WhenEmptyOrUnderutilized"
    """When Karpenter removes or replaces nodes: only empty ones, or also underutilized ones."""
    consolidate_after: Annotated[str, Field(pattern=KARPENTER_DURATION)] = "10m"
    """How long a node stays empty or underutilized before Karpenter consolidates it."""
    expire_after: Annotated[str, Field(pattern=KARPENTER_DURATION)] = "720h"
    """Nodes are replaced after this age (fresh AMIs and patches); Never keeps them."""
    budgets: Annotated[list[DisruptionBudgetSpec], Field(min_length=1, max_length=50)] = [
        DisruptionBudgetSpec(nodes="10%")
    ]
    """Disruption budgets of both NodePools."""
    root_volume_gib: Annotated[int, Field(ge=20, le=16384)] = 100
    """Root volume (gp3, encrypted with the platform key) of the pool's nodes."""


class KarpenterSpec(Frozen):
    """Karpenter: the controller's chart, the node AMI and the pools it provisions."""

    chart_version: Annotated[str, Field(pattern=CHART_VERSION)]
    """Version of the `karpenter` and `karpenter-crd` charts (oci://public.ecr.aws/karpenter)."""
    ami_alias: Annotated[str, Field(pattern=_formats.AMI_ALIAS)]
    """EKS-optimized AL2023 AMI release of Karpenter's nodes (`al2023@vYYYYMMDD`), pinned: @latest drifts every node."""
    node_pools: dict[Key, KarpenterPoolSpec] = {}
    """Pools by key: each is a spot and an optional on-demand NodePool sharing one EC2NodeClass."""


class KueueSpec(Frozen):
    """Kueue: quota-based admission of batch jobs, one ClusterQueue per team in a shared cohort."""

    chart_version: Annotated[str, Field(pattern=CHART_VERSION)]
    """Version of the `kueue` chart (oci://registry.k8s.io/kueue/charts)."""


class LustreSpec(Frozen):
    """FSx for Lustre next to the cluster: a read-only cache of the lake's training snapshots
    (docs/adr/0009-team-tenancy-and-lustre.md)."""

    storage_tib: Annotated[float, Field(gt=0, le=100000)]
    """Capacity of the PERSISTENT_2 SSD file system: 1.2, 2.4 or a multiple of 2.4 TiB."""
    throughput_per_tib: Literal[125, 250, 500, 1000]
    """Throughput tier in MB/s per TiB of storage (PERSISTENT_2: 125, 250, 500 or 1000)."""
    availability_zone: str
    """The file system's one zone: a zone of the cluster's VPC, and a training pool's zone when the cluster has one."""
    products: Annotated[list[Key], Field(min_length=1, max_length=8), AfterValidator(_unique)]
    """Data products whose training-snapshot zone is linked at /<product> (one data repository association each, at most 8)."""
    csi_driver_version: Annotated[str, Field(pattern=_formats.ADDON_VERSION)]
    """Pinned version of the EKS add-on aws-fsx-csi-driver (vX.Y.Z-eksbuild.N) that mounts the file system in pods."""


class ClusterSpec(Frozen):
    """An EKS cluster in one training region, in the training account's VPC there."""

    kubernetes_version: Annotated[str, Field(pattern=_formats.KUBERNETES_VERSION)]
    """Kubernetes minor version, pinned (e.g. "1.34"); node groups follow it."""
    support_type: Literal["STANDARD", "EXTENDED"] = "STANDARD"
    """STANDARD: the cluster must be upgraded before standard support ends, instead of silently
    paying for extended support."""
    deletion_protection: bool = True
    """EKS refuses to delete the cluster while set."""
    endpoint_public_access: bool = False
    """The API server endpoint is private (reached from the VPC); true adds a public endpoint."""
    public_access_cidrs: Annotated[list[str], AfterValidator(_unique)] = []
    """Networks allowed to reach a public endpoint; required with endpoint_public_access, refused without."""
    log_retention_days: Literal[LOG_RETENTION_DAYS]  # type: ignore[valid-type]
    """Retention of the control-plane logs (api, audit, authenticator, controllerManager, scheduler)."""
    addons: dict[Literal[EKS_ADDONS], Annotated[str, Field(pattern=_formats.ADDON_VERSION)]]  # type: ignore[valid-type]
    """Pinned version of every managed add-on (vX.Y.Z-eksbuild.N); kube-proxy matches kubernetes_version."""
    node_groups: Annotated[dict[Key, NodeGroupSpec], Field(min_length=1)]
    """Node pools by key; exactly one of kind system."""
    teams: Annotated[dict[Key, TeamQuotaSpec], Field(min_length=1)]
    """Teams that run jobs on this cluster, by team key: each gets a namespace and a queue with these quotas."""
    device_plugins: DevicePluginsSpec = DevicePluginsSpec()
    """NVIDIA and Qualcomm device plugins, each given exactly when the cluster has pools of its accelerator;
    omitted: none (a cluster without accelerator pools)."""
    karpenter: KarpenterSpec
    """Karpenter's release, node AMI and NodePools."""
    kueue: KueueSpec
    """Kueue's release (queues come from teams)."""
    lustre: LustreSpec | None = None
    """FSx for Lustre linked to the lake's training snapshots; omitted: the cluster has none."""


class ComputeSpec(Frozen):
    """Training compute (the `compute` layer): one EKS cluster per training region."""

    clusters: Annotated[dict[Region, ClusterSpec], Field(min_length=1)]
    """Clusters by region; every region of the training account has one."""


class AccountBudgetSpec(Frozen):
    """The AWS Budget of one account of the environment."""

    monthly_usd: Annotated[float, Field(gt=0)]
    """Monthly budget of the account in USD; alerts at the environment's thresholds."""
    shared: bool = False
    """The account also serves other environments (log-archive): its budget and anomaly monitor count
    only resources tagged `environment=<env>`."""


class TeamBudgetSpec(Frozen):
    """A team's monthly budget: an AWS Budget over its tagged spend, and the cap of its GPU worst case."""

    monthly_usd: Annotated[float, Field(gt=0)]
    """Monthly budget of the team in USD; its accelerator quotas at full use must stay under it (cost rule)."""


class BudgetSpec(Frozen):
    """Budgets and alerts of the environment (components/account_budget.py, docs/cost-model.md)."""

    monthly_cap_usd: Annotated[float, Field(gt=0)]
    """The environment's monthly cap in USD: its worst case (`mlplat cost`) must stay under it (cost rule)."""
    accounts: Annotated[dict[Key, AccountBudgetSpec], Field(min_length=1)]
    """Budget of every account the environment uses, by account key of environments/org.yaml."""
    teams: dict[Key, TeamBudgetSpec] = {}
    """Optional team budgets, by team key; created in the training account over the tag `team`."""
    alert_thresholds_percent: Annotated[
        list[Annotated[int, Field(ge=1, le=1000)]], Field(min_length=1, max_length=9), AfterValidator(_unique)
    ] = [50, 80, 100]
    """Alerts when actual spend passes these percentages of a budget."""
    forecast_threshold_percent: Annotated[int, Field(ge=1, le=1000)] | None = 100
    """Alert when the month's forecast passes this percentage; omitted: no forecast alert."""
    anomaly_threshold_usd: Annotated[float, Field(gt=0)] = 1000.0
    """Cost Anomaly Detection alerts on anomalies whose total impact is at least this many USD."""
    subscribers: Annotated[list[Email], Field(max_length=9), AfterValidator(_unique)] = []
    """Addresses alerted besides the environment owner (and the team contact, for a team budget); AWS Budgets takes
    10 addresses per alert, so 9 at most, 8 with a team budget whose contact is neither the owner nor listed here."""


class PoolUsageSpec(Frozen):
    """How much a node pool runs, as the cost model assumes it."""

    accelerator_hours_per_month: Annotated[float, Field(ge=0)] | None = None
    """GPU- or AI 100 device-hours jobs use per month; omitted: the pool runs at its minimum size (0)."""
    utilization: Annotated[float, Field(gt=0, le=1)] = 0.7
    """Share of provisioned accelerator-hours jobs use; node-hours = accelerator-hours / (per node x this)."""
    node_hours_per_month: Annotated[float, Field(ge=0)] | None = None
    """Node-hours per month of a pool without accelerators; omitted: its desired size all month."""
    on_demand_share: Annotated[float, Field(ge=0, le=1)] = 0.1
    """Share of a spot-first pool's node-hours that run on its on-demand fallback."""


class NetworkUsageSpec(Frozen):
    """Traffic of one VPC, as the cost model assumes it."""

    nat_gb_per_month: Annotated[float, Field(ge=0)] = 0.0
    """GB per month through the VPC's NAT gateways (what no endpoint keeps off NAT)."""
    cross_az_gb_per_month: Annotated[float, Field(ge=0)] = 0.0
    """GB per month crossing an AZ boundary inside the VPC (billed in each direction)."""


class UsageSpec(Frozen):
    """Usage the cost model assumes beyond each lake zone's own `usage`."""

    pools: dict[Region, dict[Key, PoolUsageSpec]] = {}
    """By cluster region and node pool key; pools not listed run at their minimum (accelerator pools: 0)."""
    networks: dict[Key, NetworkUsageSpec] = {}
    """By VPC key of network.vpcs; VPCs not listed: no NAT data and no cross-AZ traffic."""
    ecr_gb_per_repository: Annotated[float, Field(ge=0)] = 50.0
    """Image storage of each ECR repository, and of each of its replicas."""


class CostSpec(Frozen):
    """Cost governance: budgets, alerts and the usage the cost model assumes (docs/cost-model.md)."""

    budget: BudgetSpec
    """Caps, budgets per account and team, thresholds and subscribers."""
    usage: UsageSpec = UsageSpec()
    """Usage assumptions of pools and networks; omitted: the documented defaults."""


class EnvironmentSpec(Frozen):
    """One environment (environments/<name>.yaml)."""

    name: Key
    """Must equal the file name."""
    description: Annotated[str, Field(min_length=1)]
    """What the environment is for."""
    owner: Email
    """Contact of the team that runs the environment (tag `owner`)."""
    cost_center: Annotated[str, Field(min_length=1)]
    """Cost center every resource is tagged with (tag `cost-center`)."""
    accounts: dict[AccountRole, AccountAssignment]
    """The account and regions of each role: data, training, registry, security (all four required)."""
    network: NetworkSpec
    """VPCs, NAT strategy and endpoints."""
    teams: Annotated[dict[Key, Team], Field(min_length=1)]
    """Teams by key."""
    domains: Annotated[dict[Key, Domain], Field(min_length=1)]
    """Data domains (data mesh) by key."""
    data_lake: DataLakeSpec
    """Data products and lake settings."""
    registry: RegistrySpec
    """Registries and the release hand-off."""
    compute: ComputeSpec
    """Training clusters and their node pools."""
    cost: CostSpec
    """Budgets, alerts and the usage assumptions of the cost model."""

    def product_region(self, product: DataProductSpec) -> str:
        return product.region or self.accounts["data"].regions[0]

    def product_owner(self, product: DataProductSpec) -> str:
        return product.owner_team or self.domains[product.domain].owner_team

    def training_vpcs(self, region: str) -> list[str]:
        """Keys of the training account's VPCs in a region (a cluster needs exactly one)."""
        return [
            key
            for key, vpc in self.network.vpcs.items()
            if vpc.account == "training" and vpc.region == region
        ]


@dataclass(frozen=True)
class PlatformSpec:
    """An environment together with the organization it lives in."""

    org: OrganizationSpec
    env: EnvironmentSpec


# --- loading and reporting --------------------------------------------------------------


class _Missing:
    """The value of a required field that is not there; shown as `(missing)`."""

    def __repr__(self) -> str:
        return "(missing)"


MISSING = _Missing()


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    value: Any
    message: str

    def __str__(self) -> str:
        shown = _show(self.value)
        return f"{self.file}: {self.path or '(top level)'}: {shown}: {self.message}"


class SpecError(Exception):
    """One or more problems in the spec files; str() is one line per problem."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _show(value: Any) -> str:
    if isinstance(value, dict):
        text = "{" + ", ".join(sorted(map(str, value))) + "}" if value else "{}"
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def available_environments(directory: Path | None = None) -> list[str]:
    directory = directory or ENVIRONMENTS_DIR
    return sorted(
        p.stem for p in directory.glob("*.yaml") if not p.name.startswith("Pulumi.") and p.stem != ORG_SPEC
    )


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        super().__init__(key)
        self.key, self.line = key, line


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a spec would lose a VPC or an account."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem(shown, "", None, f"cannot read the file ({error.strerror})")]
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except _DuplicateKey as error:
        return None, [
            Problem(shown, f"line {error.line}", error.key, "this key appears twice in one mapping")
        ]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        reason = getattr(error, "problem", None) or str(error)
        lines = text.splitlines()
        source = lines[mark.line].rstrip() if mark and mark.line < len(lines) else ""
        return None, [Problem(shown, where, source, f"not valid YAML: {reason}")]
    if not isinstance(data, dict):
        return None, [Problem(shown, "", data, "the file must hold a mapping of fields")]
    return data, []


def _field_parts(loc: tuple[Any, ...]) -> list[Any]:
    """A pydantic error location without pydantic's internal validator names."""
    return [part for part in loc if not str(part).startswith(("literal[", "function-after["))]


def _loc(loc: tuple[Any, ...]) -> tuple[str, bool]:
    """The field path of a pydantic error location, and whether the error is about a mapping key."""
    parts = _field_parts(loc)  # `[key]` last marks a bad mapping key
    is_key = bool(parts) and parts[-1] == "[key]"
    if is_key:
        parts.pop()
    path = ""
    for i, part in enumerate(parts):
        if isinstance(part, int) and not (is_key and i == len(parts) - 1):
            path += f"[{part}]"  # a list index; a key of a mapping is a field name even when a number
        else:
            path += ("." if path else "") + str(part)
    return path, is_key


def _type_message(kind: str, value: Any) -> str | None:
    """What a wrong-type value should have been, in the words of the YAML a user writes."""
    given_text, given_scalar = isinstance(value, str), isinstance(value, int | float | bool)
    if kind == "string_type":
        if value is None:
            return "expected a string, not an empty value"
        return "expected a string; put the value in quotes" if given_scalar else "expected a string"
    if kind == "bool_type":
        return "expected true or false" + (" without quotes" if given_text else "")
    if kind == "int_type":
        return "expected a whole number" + (" without quotes" if given_text else "")
    if kind == "list_type":
        return "expected a list such as [a, b]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected a mapping of fields" + ("; write {} for an empty one" if value is None else "")
    return None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed in the mapping that holds `loc` (an unknown field), if it is a model."""
    current: Any = model
    for part in _field_parts(loc)[:-1]:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) in (dict, list):
            current = get_args(current)[-1]  # through a mapping key or a list index to the value
        else:
            return []
        while get_origin(current) is Annotated:
            current = get_args(current)[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _from_validation_error(file: str, model: type[BaseModel], error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        value = item.get("input")
        message = item["msg"].removeprefix("Value error, ").replace(" after validation", "")
        if item["type"] == "extra_forbidden":
            allowed = _fields_at(model, item["loc"])
            message = "unknown field" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif item["type"] == "missing":
            value, message = MISSING, "required field is missing"
        else:
            message = _type_message(item["type"], value) or message
        path, is_key = _loc(item["loc"])
        if is_key:
            message = f"not an allowed key; {message}"
        problems.append(Problem(file, path, value, message))
    return problems


def _validate(model: type[Frozen], path: Path) -> tuple[Any, list[Problem]]:
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, _from_validation_error(_display(path), model, error)


def load_org(directory: Path | None = None) -> OrganizationSpec:
    path = (directory or ENVIRONMENTS_DIR) / f"{ORG_SPEC}.yaml"
    org, problems = _validate(OrganizationSpec, path)
    if not problems:
        problems = list(org_problems(org, _display(path)))
    if problems:
        raise SpecError(problems)
    return org


def load_spec(environment: str, directory: Path | None = None) -> PlatformSpec:
    """Read, validate and freeze environments/<environment>.yaml with the organization spec."""
    directory = directory or ENVIRONMENTS_DIR
    known = available_environments(directory)
    if environment not in known:
        what = (
            "the organization, deployed as the `org` stack"
            if environment == ORG_SPEC
            else "no such environment"
        )
        raise SpecError(
            [
                Problem(
                    _display(directory / f"{environment}.yaml"),
                    "",
                    environment,
                    f"{what}; allowed: {', '.join(known)}",
                )
            ]
        )
    org_path, path = directory / f"{ORG_SPEC}.yaml", directory / f"{environment}.yaml"
    # Both files are checked before anything is reported, so a user fixes them in one round.
    org, problems = _validate(OrganizationSpec, org_path)
    if org is not None:
        problems = list(org_problems(org, _display(org_path)))
    env, env_problems = _validate(EnvironmentSpec, path)
    problems += env_problems
    if org is not None and env is not None and not problems:
        problems = list(environment_problems(org, env, environment, _display(path)))
    if problems:
        raise SpecError(problems)
    return PlatformSpec(org=org, env=env)


# --- rules that span fields or files ----------------------------------------------------


def org_problems(org: OrganizationSpec, file: str) -> Iterable[Problem]:
    ous = org.organizational_units
    for key, ou in ous.items():
        if ou.parent is not None and ou.parent not in ous:
            yield Problem(
                file,
                f"organizational_units.{key}.parent",
                ou.parent,
                f"unknown OU; allowed: {', '.join(ous)}",
            )
    for key in ous:
        chain, current = [key], ous[key].parent
        while current is not None and current in ous and current not in chain:
            chain.append(current)
            current = ous[current].parent
        if current == key:  # report the OUs on the cycle, not those merely below it
            yield Problem(
                file,
                f"organizational_units.{key}.parent",
                ous[key].parent,
                f"OU parents form a cycle: {' -> '.join([*chain, key])}; "
                "a parent must not be the OU itself or an OU below it",
            )
    for key, account in org.accounts.items():
        if account.ou not in ous:
            yield Problem(file, f"accounts.{key}.ou", account.ou, f"unknown OU; allowed: {', '.join(ous)}")
    emails = [a.email for a in org.accounts.values()]
    for key, account in org.accounts.items():
        if emails.count(account.email) > 1:
            yield Problem(
                file, f"accounts.{key}.email", account.email, "every account needs its own e-mail address"
            )
    if org.cloudtrail.log_archive_account not in org.accounts:
        yield Problem(
            file,
            "cloudtrail.log_archive_account",
            org.cloudtrail.log_archive_account,
            f"unknown account; allowed: {', '.join(org.accounts)}",
        )
    if org.home_region not in org.allowed_regions:
        yield Problem(
            file,
            "home_region",
            org.home_region,
            f"must be one of allowed_regions: {', '.join(org.allowed_regions)}",
        )
    for i, region in enumerate(org.personal_data_regions):
        if region not in org.allowed_regions:
            yield Problem(
                file,
                f"personal_data_regions[{i}]",
                region,
                f"must also be in allowed_regions: {', '.join(org.allowed_regions)}",
            )
        if not region.startswith("eu-"):
            yield Problem(
                file, f"personal_data_regions[{i}]", region, "personal data stays in EU regions (eu-*)"
            )
    yield from _org_name_problems(org, file)
    yield from _cost_allocation_tag_problems(org, file)


ACCOUNT_NAME_MAX = 50
"""AWS Organizations account names: 1 to 50 characters."""
BUCKET_NAME_MAX = 63
"""S3 bucket names: 3 to 63 characters."""


def _org_name_problems(org: OrganizationSpec, file: str) -> Iterable[Problem]:
    """Physical names the org stack builds from the organization's keys fit AWS's limits."""
    from components.log_archive import access_log_bucket_name  # pulls in the Pulumi SDKs; only when asked

    for key in org.accounts:
        name = f"{org.name}-{key}"  # as stacks/org.py names the account
        if len(name) > ACCOUNT_NAME_MAX:
            yield Problem(
                file,
                f"accounts.{key}",
                key,
                f"account name {name} is {len(name)} characters; AWS Organizations allows {ACCOUNT_NAME_MAX}",
            )
    bucket = access_log_bucket_name(org.name, org.home_region)
    if len(bucket) > BUCKET_NAME_MAX:
        yield Problem(
            file,
            "name",
            org.name,
            f"the trail archive's access-log bucket {bucket} is {len(bucket)} characters; S3 allows "
            f"{BUCKET_NAME_MAX}",
        )


def _cost_allocation_tag_problems(org: OrganizationSpec, file: str) -> Iterable[Problem]:
    """Each key a user-defined tag key with a resource name of its own (components/cost_allocation_tags.py)."""
    from components import cost_allocation_tags  # pulls in the Pulumi SDKs; only when asked

    keys = org.cost_allocation_tags
    for i, key in enumerate(keys):
        reason = cost_allocation_tags.tag_key_problem(key)
        if reason is not None:
            yield Problem(file, f"cost_allocation_tags[{i}]", key, reason)
    for i, j in cost_allocation_tags.suffix_collisions(keys).items():
        yield Problem(
            file,
            f"cost_allocation_tags[{i}]",
            keys[i],
            f"the same resource name as cost_allocation_tags[{j}] ({keys[j]!r}): keys are compared in lower "
            "case with every run of characters other than a-z, 0-9 and - as one -; keep one of them",
        )


def environment_problems(
    org: OrganizationSpec, env: EnvironmentSpec, stem: str, file: str
) -> Iterable[Problem]:
    if env.name != stem:
        yield Problem(file, "name", env.name, f"must match the file name: {stem}")
    missing = [role for role in ACCOUNT_ROLES if role not in env.accounts]
    if missing:
        yield Problem(
            file,
            "accounts",
            dict(env.accounts),
            f"every role needs an account; missing: {', '.join(missing)}",
        )
    for role, assignment in env.accounts.items():
        account = org.accounts.get(assignment.account)
        if account is None:
            yield Problem(
                file,
                f"accounts.{role}.account",
                assignment.account,
                f"not an account of environments/org.yaml; allowed: {', '.join(org.accounts)}",
            )
            continue
        allowed = org.personal_data_regions if account.personal_data else org.allowed_regions
        reason = "personal-data account, allowed (GDPR residency)" if account.personal_data else "allowed"
        for i, region in enumerate(assignment.regions):
            if region not in allowed:
                yield Problem(
                    file, f"accounts.{role}.regions[{i}]", region, f"{reason}: {', '.join(allowed)}"
                )
    yield from _network_problems(env, file)
    if "data" in env.accounts and env.accounts["data"].account in org.accounts:
        yield from _lake_problems(org, env, file)
    yield from _registry_problems(env, file)
    yield from _compute_problems(org, env, file)
    yield from _cost_problems(org, env, file)
    yield from _lustre_problems(org, env, file)
    for key, domain in env.domains.items():
        if domain.owner_team not in env.teams:
            yield Problem(
                file,
                f"domains.{key}.owner_team",
                domain.owner_team,
                f"unknown team; allowed: {', '.join(env.teams)}",
            )


def _network_problems(env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    networks: dict[str, ipaddress.IPv4Network] = {}
    for key, vpc in env.network.vpcs.items():
        where = f"network.vpcs.{key}"
        assignment = env.accounts.get(vpc.account)
        if assignment is not None and vpc.region not in assignment.regions:
            yield Problem(
                file,
                f"{where}.region",
                vpc.region,
                f"not a region of the {vpc.account} account; allowed: {', '.join(assignment.regions)}",
            )
        for i, zone in enumerate(vpc.availability_zones):
            if not re.fullmatch(re.escape(vpc.region) + r"[a-z]", zone):
                yield Problem(
                    file,
                    f"{where}.availability_zones[{i}]",
                    zone,
                    f"expected a zone of {vpc.region}, such as {vpc.region}a",
                )
        try:
            network = ipaddress.IPv4Network(vpc.cidr)
        except ValueError:
            yield Problem(file, f"{where}.cidr", vpc.cidr, "expected an IPv4 network such as 10.20.0.0/16")
            continue
        if not network.is_private or not 16 <= network.prefixlen <= 20:
            yield Problem(
                file, f"{where}.cidr", vpc.cidr, "a VPC needs a private (RFC 1918) range from /16 to /20"
            )
            continue
        for other, other_network in networks.items():
            if network.overlaps(other_network):
                yield Problem(
                    file, f"{where}.cidr", vpc.cidr, f"overlaps network.vpcs.{other}.cidr ({other_network})"
                )
        networks[key] = network


def _lake_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    data = env.accounts["data"]
    personal_account = org.accounts[data.account].personal_data
    prefix = f"{org.name}-{env.name}"
    for key, product in env.data_lake.products.items():
        where = f"data_lake.products.{key}"
        if product.domain not in env.domains:
            yield Problem(
                file, f"{where}.domain", product.domain, f"unknown domain; allowed: {', '.join(env.domains)}"
            )
            continue
        owner = env.product_owner(product)
        for field_path, team in [("owner_team", product.owner_team), *[
            (f"consumers[{i}]", t) for i, t in enumerate(product.consumers)
        ]]:  # fmt: skip
            if team is not None and team not in env.teams:
                yield Problem(
                    file, f"{where}.{field_path}", team, f"unknown team; allowed: {', '.join(env.teams)}"
                )
        region = env.product_region(product)
        if region not in data.regions:
            yield Problem(
                file,
                f"{where}.region",
                region,
                f"not a region of the data account; allowed: {', '.join(data.regions)}",
            )
        for zone, spec in product.zones.items():
            at = f"{where}.zones.{zone}"
            data_class = org.data_classes.get(spec.data_class)
            if data_class is None:
                yield Problem(
                    file,
                    f"{at}.data_class",
                    spec.data_class,
                    f"unknown data class; allowed: {', '.join(org.data_classes)} (environments/org.yaml)",
                )
                continue
            if "data" not in data_class.accounts:
                yield Problem(
                    file,
                    f"{at}.data_class",
                    spec.data_class,
                    "not a class the data account holds (org.yaml accounts)",
                )
            if data_class.personal_data and not personal_account:
                yield Problem(
                    file,
                    f"{at}.data_class",
                    spec.data_class,
                    f"personal data needs a personal-data account; {data.account} is not one (org.yaml)",
                )
            for problem in lake_classes.zone_problems(
                zone,
                spec.data_class,
                personal_data=data_class.personal_data,
                residency_regions=org.personal_data_regions,
                region=region,
                access=spec.access,
                transitions=[tiering.Transition(t.days, t.storage_class) for t in spec.transitions]
                if spec.transitions is not None
                else None,
                retention_days=spec.retention_days,
                object_lock_days=spec.object_lock_days,
                replicate_to=spec.replicate_to,
            ):
                yield Problem(file, f"{at}.{problem.path}".rstrip("."), problem.value, problem.message)
            for i, target in enumerate(spec.replicate_to):
                outside_residency = data_class.personal_data and target not in org.personal_data_regions
                if target not in data.regions and not outside_residency:  # that one is reported above
                    yield Problem(
                        file,
                        f"{at}.replicate_to[{i}]",
                        target,
                        f"not a region of the data account; allowed: {', '.join(data.regions)}",
                    )
            for target in (region, *spec.replicate_to):
                name = lake_classes.bucket_name(prefix, key, zone, target)
                if len(name) > BUCKET_NAME_MAX:
                    yield Problem(
                        file,
                        where,
                        key,
                        f"bucket name {name} is {len(name)} characters; S3 allows {BUCKET_NAME_MAX}",
                    )
            for team in lake_classes.access_point_teams(
                owner, product.consumers, personal_data=data_class.personal_data
            ):
                name = lake_classes.access_point_name(key, zone, team)
                if len(name) > lake_classes.ACCESS_POINT_NAME_MAX:
                    yield Problem(
                        file,
                        where,
                        key,
                        f"access point name {name} is {len(name)} characters; S3 allows "
                        f"{lake_classes.ACCESS_POINT_NAME_MAX}",
                    )


def _registry_problems(env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    registry = env.registry
    teams = [("registry.approver_team", registry.approver_team)] + [
        (f"registry.model_groups.{key}.owner_team", group.owner_team)
        for key, group in registry.model_groups.items()
    ]
    for where, team in teams:
        if team not in env.teams:
            yield Problem(file, where, team, f"unknown team; allowed: {', '.join(env.teams)}")
    minimum = lake_classes.LAKE_CLASSES["safety-evidence"].object_lock_min_days or 1
    if registry.edge_artefact_lock_days < minimum:
        yield Problem(
            file,
            "registry.edge_artefact_lock_days",
            registry.edge_artefact_lock_days,
            f"released artefacts are safety evidence: at least {minimum} days",
        )
    if "registry" in env.accounts and "training" in env.accounts:
        registry_regions = env.accounts["registry"].regions
        for region in env.accounts["training"].regions:
            if region not in registry_regions:
                yield Problem(
                    file,
                    "accounts.registry.regions",
                    list(registry_regions),
                    f"images are replicated next to every training region: add {region}",
                )


def _compute_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    training = env.accounts.get("training")
    if training is None:
        return
    clusters = env.compute.clusters
    missing = [region for region in training.regions if region not in clusters]
    if missing:
        yield Problem(
            file,
            "compute.clusters",
            dict(clusters),
            f"every region of the training account needs a cluster; missing: {', '.join(missing)}",
        )
    for region, cluster in clusters.items():
        at = f"compute.clusters.{region}"
        if region not in training.regions:
            yield Problem(
                file,
                at,
                region,
                f"not a region of the training account; allowed: {', '.join(training.regions)}",
            )
            continue
        vpcs = env.training_vpcs(region)
        misplaced = [
            v
            for v in env.network.vpcs.values()
            if v.account == "training" and v.region not in training.regions
        ]
        if misplaced and not vpcs:
            continue  # a training VPC in a region the account does not use is reported above
        if len(vpcs) != 1:
            yield Problem(
                file,
                at,
                region,
                f"the cluster needs exactly one VPC of the training account in {region} under network.vpcs; "
                f"found {len(vpcs)}" + (f" ({', '.join(vpcs)})" if vpcs else ""),
            )
            continue
        yield from _endpoint_problems(cluster, at, file)
        absent = [addon for addon in EKS_ADDONS if addon not in cluster.addons]
        if absent:
            yield Problem(
                file,
                f"{at}.addons",
                dict(cluster.addons),
                f"every managed add-on needs a pinned version; missing: {', '.join(absent)}",
            )
        kube_proxy = cluster.addons.get("kube-proxy")
        if kube_proxy is not None and not kube_proxy.startswith(f"v{cluster.kubernetes_version}."):
            yield Problem(
                file,
                f"{at}.addons.kube-proxy",
                kube_proxy,
                f"kube-proxy runs the cluster's minor version: v{cluster.kubernetes_version}.<patch>-eksbuild.<n>",
            )
        systems = [key for key, group in cluster.node_groups.items() if group.kind == "system"]
        if len(systems) != 1:
            yield Problem(
                file,
                f"{at}.node_groups",
                dict(cluster.node_groups),
                f"a cluster needs exactly one node group of kind system for its add-ons; found {len(systems)}",
            )
        vpc_key = vpcs[0]
        yield from _node_group_problems(cluster, region, vpc_key, env.network.vpcs[vpc_key], at, file)
        yield from _karpenter_problems(cluster, region, at, file)
        yield from _device_plugin_problems(cluster, at, file)
        yield from _team_quota_problems(env, cluster, at, file)
    yield from _scratch_bucket_problems(org, env, training.regions, file)


def _scratch_bucket_problems(
    org: OrganizationSpec, env: EnvironmentSpec, training_regions: list[str], file: str
) -> Iterable[Problem]:
    """The scratch bucket of each cluster (components/team_tenancy.py) has a name S3 accepts."""
    from components.team_tenancy import scratch_bucket_name  # pulls in the Pulumi SDKs; only when asked

    for region in env.compute.clusters:
        if region not in training_regions:
            continue  # reported by _compute_problems
        name = scratch_bucket_name(f"{org.name}-{env.name}", region)
        if len(name) > BUCKET_NAME_MAX:
            yield Problem(
                file,
                f"compute.clusters.{region}",
                region,
                f"scratch bucket name {name} is {len(name)} characters; S3 allows {BUCKET_NAME_MAX}",
            )


def _karpenter_problems(cluster: ClusterSpec, region: str, at: str, file: str) -> Iterable[Problem]:
    for key, pool in cluster.karpenter.node_pools.items():
        where = f"{at}.karpenter.node_pools.{key}"
        problems = list(
            node_pools.karpenter_pool_problems(pool.kind, instance_types=pool.instance_types, region=region)
        )
        for problem in problems:
            yield Problem(file, f"{where}.{problem.path}", problem.value, problem.message)
        if pool.on_demand is not None and pool.on_demand.weight >= pool.spot.weight:
            yield Problem(
                file,
                f"{where}.on_demand.weight",
                pool.on_demand.weight,
                f"spot is preferred: below spot.weight ({pool.spot.weight})",
            )
        if not problems:
            largest = node_pools.most_accelerators(pool.instance_types)
            for capacity in ("spot", "on_demand"):
                limits = getattr(pool, capacity)
                if limits is not None and limits.nvidia_gpus < largest:
                    yield Problem(
                        file,
                        f"{where}.{capacity}.nvidia_gpus",
                        limits.nvidia_gpus,
                        f"at least {largest}, the GPUs of the largest instance type, or that type never launches",
                    )
        for i, budget in enumerate(pool.budgets):
            if (budget.schedule is None) != (budget.duration is None):
                yield Problem(
                    file,
                    f"{where}.budgets[{i}]",
                    budget.schedule or budget.duration,
                    "schedule and duration are given together (Karpenter refuses one without the other)",
                )


ACCELERATOR_NAMES = {"nvidia": "NVIDIA", "qualcomm": "AI 100"}
"""Accelerator -> how a problem names its pools."""


def accelerator_pools(cluster: ClusterSpec) -> dict[str, list[str]]:
    """The cluster's pools (node groups and Karpenter pools) by the accelerator they carry, as field paths
    under the cluster; every accelerator is a key, with no pools when the cluster has none."""
    found: dict[str, list[str]] = {accelerator: [] for accelerator in node_pools.ACCELERATOR_RESOURCES}
    pools = [
        *((f"node_groups.{key}", group.kind) for key, group in cluster.node_groups.items()),
        *((f"karpenter.node_pools.{key}", pool.kind) for key, pool in cluster.karpenter.node_pools.items()),
    ]
    for path, kind in pools:
        accelerator = node_pools.KINDS[kind].accelerator
        if accelerator is not None:
            found[accelerator].append(path)
    return found


def accelerators(cluster: ClusterSpec) -> tuple[str, ...]:
    """The accelerators (nvidia, qualcomm) the cluster has pools of, managed node groups or Karpenter's."""
    return tuple(accelerator for accelerator, pools in accelerator_pools(cluster).items() if pools)


def _device_plugin_problems(cluster: ClusterSpec, at: str, file: str) -> Iterable[Problem]:
    """Each device plugin exactly where the cluster has pools of its accelerator: without it their
    accelerators are never advertised; without such pools it would name a plugin nothing deploys."""
    for accelerator, pools in accelerator_pools(cluster).items():
        field = DEVICE_PLUGIN_FIELDS[accelerator]
        value = getattr(cluster.device_plugins, field)
        where = f"{at}.device_plugins.{field}"
        if pools and value is None:
            yield Problem(
                file,
                where,
                MISSING,
                f"required: the cluster has {ACCELERATOR_NAMES[accelerator]} pools ({', '.join(pools)}), and only "
                f"this device plugin advertises their {node_pools.ACCELERATOR_RESOURCES[accelerator]}",
            )
        elif not pools and value is not None:
            yield Problem(
                file,
                where,
                value,
                f"only for a cluster with {ACCELERATOR_NAMES[accelerator]} pools; this one has none: remove it",
            )


def accelerator_capacity(cluster: ClusterSpec) -> dict[str, dict[str, int]] | None:
    """Accelerators (`nvidia.com/gpu`, `qualcomm.com/qaic`) each pool offers at its largest, by pool path;
    None while a pool names an instance type the table does not know (reported on its own).

    A node group counts max_size (plus on_demand_max_size for spot-first) nodes of its largest type,
    a Karpenter pool its spot and on-demand NodePool limits.
    """
    groups = {
        key: (group, resource)
        for key, group in cluster.node_groups.items()
        if (resource := node_pools.resource(group.kind)) is not None
    }
    karpenter = {
        k: p for k, p in cluster.karpenter.node_pools.items() if p.kind in node_pools.KARPENTER_KINDS
    }
    instance_types = [
        *(t for group, _ in groups.values() for t in group.instance_types),
        *(t for pool in karpenter.values() for t in pool.instance_types),
    ]
    if not all(node_pools.known_instance_type(t) for t in instance_types):
        return None
    found: dict[str, dict[str, int]] = {
        resource: {} for resource in node_pools.ACCELERATOR_RESOURCES.values()
    }
    for key, (group, resource) in groups.items():
        fallback = (group.on_demand_max_size or 0) if group.purchase() == "spot-first" else 0
        nodes = group.max_size + fallback
        found[resource][f"node_groups.{key}"] = nodes * node_pools.most_accelerators(group.instance_types)
    for key, pool in karpenter.items():
        gpus = pool.spot.nvidia_gpus + (pool.on_demand.nvidia_gpus if pool.on_demand else 0)
        found["nvidia.com/gpu"][f"karpenter.node_pools.{key}"] = gpus
    return found


QUOTA_FIELDS = {"nvidia.com/gpu": "nvidia_gpus", "qualcomm.com/qaic": "qaic_devices"}
"""Extended resource -> the TeamQuotaSpec field that guarantees it."""


def _team_quota_problems(env: EnvironmentSpec, cluster: ClusterSpec, at: str, file: str) -> Iterable[Problem]:
    for key in cluster.teams:
        if key not in env.teams:
            yield Problem(file, f"{at}.teams.{key}", key, f"unknown team; allowed: {', '.join(env.teams)}")
    capacity = accelerator_capacity(cluster)
    if capacity is None:
        return
    for resource, field in QUOTA_FIELDS.items():
        quotas = {key: getattr(team, field) for key, team in cluster.teams.items() if getattr(team, field)}
        offered = sum(capacity[resource].values())
        if sum(quotas.values()) > offered:
            pools = ", ".join(f"{path}: {n}" for path, n in capacity[resource].items()) or "none"
            note = " (8 per dl2q.24xlarge, unverified)" if resource == "qualcomm.com/qaic" else ""
            yield Problem(
                file,
                f"{at}.teams",
                quotas,
                f"the teams' {field} add up to {sum(quotas.values())}, more than the cluster's pools offer at "
                f"their largest: {offered} {resource}{note} ({pools}); lower the quotas or grow the pools",
            )


def _endpoint_problems(cluster: ClusterSpec, at: str, file: str) -> Iterable[Problem]:
    where = f"{at}.public_access_cidrs"
    if not cluster.endpoint_public_access:
        if cluster.public_access_cidrs:
            yield Problem(
                file,
                where,
                list(cluster.public_access_cidrs),
                "only with endpoint_public_access: true; the endpoint is private",
            )
        return
    if not cluster.public_access_cidrs:
        yield Problem(file, where, [], "a public endpoint needs the networks allowed to reach it")
    for i, cidr in enumerate(cluster.public_access_cidrs):
        reason = _cidr.public_cidr_problem(cidr)
        if reason is not None:
            yield Problem(file, f"{where}[{i}]", cidr, reason)


def _node_group_problems(
    cluster: ClusterSpec, region: str, vpc_key: str, vpc: VpcSpec, at: str, file: str
) -> Iterable[Problem]:
    for key, group in cluster.node_groups.items():
        where = f"{at}.node_groups.{key}"
        for problem in node_pools.pool_problems(
            group.kind,
            instance_types=group.instance_types,
            capacity=group.purchase(),
            min_size=group.min_size,
            max_size=group.max_size,
            desired_size=group.desired(),
            zones=group.availability_zones,
            region=region,
            ami_id=group.ami_id,
            capacity_reservation_id=group.capacity_reservation_id,
            on_demand_max_size=group.on_demand_max_size,
        ):
            yield Problem(file, f"{where}.{problem.path}", problem.value, problem.message)
        vpc_zones_valid = all(re.fullmatch(re.escape(region) + r"[a-z]", z) for z in vpc.availability_zones)
        for i, zone in enumerate(group.availability_zones or []):
            if vpc_zones_valid and zone not in vpc.availability_zones:  # a bad VPC zone is reported above
                yield Problem(
                    file,
                    f"{where}.availability_zones[{i}]",
                    zone,
                    f"not a zone of network.vpcs.{vpc_key}; allowed: {', '.join(vpc.availability_zones)}",
                )
        for suffix in ("-spot", "-on-demand") if group.purchase() == "spot-first" else ("",):
            name = f"{region}-{key}{suffix}"
            if len(name) + 8 > 63:  # Pulumi appends "-" and 7 characters
                yield Problem(
                    file,
                    where,
                    key,
                    f"node group name {name}-xxxxxxx would be {len(name) + 8} characters; EKS allows 63",
                )


def _lustre_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    """FSx for Lustre: capacity, zone, the products it links (personal data only within residency) and
    the platform key it is encrypted with."""
    from components.lustre_cache import storage_problem  # pulls in the Pulumi SDKs; only when asked

    training = env.accounts.get("training")
    lake = env.data_lake.products
    with_snapshots = [key for key, product in lake.items() if "training-snapshot" in product.zones]
    for region, cluster in env.compute.clusters.items():
        lustre = cluster.lustre
        if lustre is None or training is None or region not in training.regions:
            continue  # a cluster outside the training regions is reported by _compute_problems
        at = f"compute.clusters.{region}.lustre"
        reason = storage_problem(lustre.storage_tib)
        if reason is not None:
            yield Problem(file, f"{at}.storage_tib", lustre.storage_tib, reason)
        vpcs = env.training_vpcs(region)
        if len(vpcs) == 1:  # otherwise reported by _compute_problems
            zones = env.network.vpcs[vpcs[0]].availability_zones
            training_zones = sorted(
                {
                    zone
                    for group in cluster.node_groups.values()
                    if group.kind == "nvidia-training"
                    for zone in group.availability_zones or zones
                }
            )
            if lustre.availability_zone not in zones:
                yield Problem(
                    file,
                    f"{at}.availability_zone",
                    lustre.availability_zone,
                    f"not a zone of network.vpcs.{vpcs[0]}; allowed: {', '.join(zones)}",
                )
            elif training_zones and lustre.availability_zone not in training_zones:
                yield Problem(
                    file,
                    f"{at}.availability_zone",
                    lustre.availability_zone,
                    f"Lustre serves one zone: put it where a training pool runs, {', '.join(training_zones)}",
                )
        for i, key in enumerate(lustre.products):
            where = f"{at}.products[{i}]"
            product = lake.get(key)
            if product is None:
                yield Problem(
                    file, where, key, f"not a data product of data_lake.products; allowed: {', '.join(lake)}"
                )
                continue
            snapshot = product.zones.get("training-snapshot")
            if snapshot is None:
                yield Problem(
                    file,
                    where,
                    key,
                    "has no training-snapshot zone to link; products with one: "
                    + (", ".join(with_snapshots) or "none"),
                )
                continue
            data_class = org.data_classes.get(snapshot.data_class)
            if data_class is not None and data_class.personal_data:
                yield Problem(
                    file,
                    where,
                    key,
                    f"its training snapshots ({snapshot.data_class}) hold personal data; "
                    + lake_classes.PERSONAL_DATA_STAYS,
                )
        platform = org.data_classes.get("platform")
        if platform is not None and "fsx" not in platform.key_services:
            yield Problem(
                file,
                at,
                "platform",
                "the file system is encrypted with the platform key, which only the services in "
                "data_classes.platform.key_services of environments/org.yaml may use: add fsx there",
            )


def _subscriber_problems(env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    """Every alert of a budget goes to the environment owner and the subscribers, a team budget's also to the
    team's contact: AWS Budgets takes at most 10 addresses per notification (components/account_budget.py)."""
    from components.account_budget import MAX_EMAIL_SUBSCRIBERS  # pulls in the Pulumi SDKs; only when asked

    budget = env.cost.budget
    subscribers = list(budget.subscribers)
    owner = {env.owner: "the environment owner"}
    budgets = {"an account budget": owner}
    for team in budget.teams:
        if team in env.teams:  # an unknown team is reported under cost.budget.teams
            contact = env.teams[team].contact
            budgets[f"team {team}'s budget"] = owner | (
                {} if contact in owner else {contact: "the team contact"}
            )
    added = {
        name: {address: label for address, label in extra.items() if address not in subscribers}
        for name, extra in budgets.items()
    }
    largest = max(added, key=lambda name: len(added[name]))
    count = len(subscribers) + len(added[largest])
    if count > MAX_EMAIL_SUBSCRIBERS:
        extra = ", ".join(f"{address} ({label})" for address, label in added[largest].items())
        yield Problem(
            file,
            "cost.budget.subscribers",
            subscribers,
            f"{largest} would alert {count} addresses, these {len(subscribers)} and {extra}; AWS Budgets takes "
            f"at most {MAX_EMAIL_SUBSCRIBERS}: list at most {MAX_EMAIL_SUBSCRIBERS - len(added[largest])}",
        )


def _cost_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    from components.account_budget import BUDGET_NAME_MAX  # pulls in the Pulumi SDKs; only when asked

    budget, usage = env.cost.budget, env.cost.usage
    used = list(dict.fromkeys(a.account for a in env.accounts.values()))
    accounts_known = all(key in org.accounts for key in used) and all(
        role in env.accounts for role in ACCOUNT_ROLES
    )
    missing = [key for key in used if key not in budget.accounts]
    if accounts_known and missing:  # an unknown account is reported once, under accounts
        yield Problem(
            file,
            "cost.budget.accounts",
            dict(budget.accounts),
            f"every account of the environment needs a budget; missing: {', '.join(missing)}",
        )
    for key, account in budget.accounts.items():
        where = f"cost.budget.accounts.{key}"
        if key not in used and accounts_known:
            yield Problem(file, where, key, f"not an account of this environment; allowed: {', '.join(used)}")
        elif account.monthly_usd > budget.monthly_cap_usd:
            yield Problem(
                file,
                f"{where}.monthly_usd",
                account.monthly_usd,
                f"an account's budget fits in the environment's cap ({budget.monthly_cap_usd:,.0f})",
            )
        name = f"{org.name}-{env.name}-{key}"  # the account's budget, as stacks/foundation.py names it
        if key in used and len(name) > BUDGET_NAME_MAX:
            yield Problem(
                file,
                where,
                key,
                f"budget name {name} is {len(name)} characters; at most {BUDGET_NAME_MAX} (AWS Budgets allows "
                "100, and team budgets append -team-<team>)",
            )
    yield from _subscriber_problems(env, file)
    for team in budget.teams:
        if team not in env.teams:
            yield Problem(
                file, f"cost.budget.teams.{team}", team, f"unknown team; allowed: {', '.join(env.teams)}"
            )
    for key in usage.networks:
        if key not in env.network.vpcs:
            yield Problem(
                file,
                f"cost.usage.networks.{key}",
                key,
                f"not a VPC of network.vpcs; allowed: {', '.join(env.network.vpcs)}",
            )
    for region, pools in usage.pools.items():
        cluster = env.compute.clusters.get(region)
        training = env.accounts.get("training")
        if cluster is None and training is not None and region in training.regions:
            continue  # the missing cluster is reported under compute.clusters
        if cluster is None:
            yield Problem(
                file,
                f"cost.usage.pools.{region}",
                region,
                f"no cluster in that region; allowed: {', '.join(env.compute.clusters)}",
            )
            continue
        for key, pool in pools.items():
            where = f"cost.usage.pools.{region}.{key}"
            group = cluster.node_groups.get(key)
            if group is None:
                yield Problem(
                    file,
                    where,
                    key,
                    f"not a node group of the cluster; allowed: {', '.join(cluster.node_groups)}",
                )
                continue
            types_known = all(node_pools.known_instance_type(t) for t in group.instance_types)
            per_node = node_pools.most_accelerators(group.instance_types) if types_known else 0
            if per_node and pool.node_hours_per_month is not None:
                yield Problem(
                    file, f"{where}.node_hours_per_month", pool.node_hours_per_month,
                    "an accelerator pool's use is accelerator_hours_per_month",
                )  # fmt: skip
            if not per_node and pool.accelerator_hours_per_month is not None:
                yield Problem(
                    file, f"{where}.accelerator_hours_per_month", pool.accelerator_hours_per_month,
                    "the pool has no accelerators: give node_hours_per_month",
                )  # fmt: skip
            nodes = group.max_size + (group.on_demand_max_size or 0)
            most = nodes * per_node * 730
            if per_node and (pool.accelerator_hours_per_month or 0) > most:
                yield Problem(
                    file, f"{where}.accelerator_hours_per_month", pool.accelerator_hours_per_month,
                    f"at most {most:g}: {nodes} nodes x {per_node} accelerators x 730 h",
                )  # fmt: skip
