"""Training compute of an environment: EKS clusters, node pools, Karpenter, Kueue, Lustre, team quotas."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from platform_spec import formats
from platform_spec.models.common import EKS_ADDONS, LOG_RETENTION_DAYS, Frozen, Key, Region, _unique
from platform_spec.tables import node_pools


class NodeGroupSpec(Frozen):
    """A node pool of a cluster: an EKS managed node group with a launch template (two groups for
    `spot-first`). Kinds, instance families and taints: core/platform_spec/tables/node_pools.py."""

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


CHART_VERSION = formats.CHART_VERSION
KARPENTER_DURATION = formats.KARPENTER_DURATION
DEVICE_PLUGIN_FIELDS = {"nvidia": "nvidia_chart_version", "qualcomm": "qualcomm_image"}
"""Accelerator -> the DevicePluginsSpec field of the plugin that advertises it."""


class DevicePluginsSpec(Frozen):
    """The device plugins that advertise accelerators to the scheduler (docs/adr/0008-cluster-software.md):
    each one exactly where the cluster has pools of its accelerator."""

    nvidia_chart_version: Annotated[str, Field(pattern=CHART_VERSION)] | None = None
    """Version of NVIDIA's `nvidia-device-plugin` Helm chart (it advertises `nvidia.com/gpu`); required exactly
    when the cluster has an NVIDIA pool (node group or Karpenter)."""
    qualcomm_image: Annotated[str, Field(pattern=formats.IMAGE)] | None = None
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
    """The pool kind (taint, labels, families of core/platform_spec/tables/node_pools.py); Karpenter provisions nvidia-batch only."""
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
    ami_alias: Annotated[str, Field(pattern=formats.AMI_ALIAS)]
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
    csi_driver_version: Annotated[str, Field(pattern=formats.ADDON_VERSION)]
    """Pinned version of the EKS add-on aws-fsx-csi-driver (vX.Y.Z-eksbuild.N) that mounts the file system in pods."""


class ClusterSpec(Frozen):
    """An EKS cluster in one training region, in the training account's VPC there."""

    kubernetes_version: Annotated[str, Field(pattern=formats.KUBERNETES_VERSION)]
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
    addons: dict[Literal[EKS_ADDONS], Annotated[str, Field(pattern=formats.ADDON_VERSION)]]  # type: ignore[valid-type]
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
