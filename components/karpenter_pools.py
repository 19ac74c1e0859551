"""Karpenter inside a cluster: its Helm releases, and per pool an EC2NodeClass with a spot NodePool
and an on-demand NodePool of lower weight behind it (docs/adr/0008-cluster-software.md).

The AWS side (controller role on Pod Identity, interruption queue and rules) is
components/karpenter.py; this component names the queue and the service account it was built for.
Karpenter provisions only what `node_pools.KARPENTER_KINDS` allows: GPU batch and evaluation work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import _kubernetes, _tags
from components._validation import Problems
from platform_spec import formats
from platform_spec.tables import node_pools

CHART_REPOSITORY = "oci://public.ecr.aws/karpenter"
NODE_CLASS_API = "karpenter.k8s.aws/v1"
NODE_POOL_API = "karpenter.sh/v1"
CAPACITY_TYPES = {"spot": "spot", "on_demand": "on-demand"}
"""Spec field -> `karpenter.sh/capacity-type` value (and NodePool name suffix)."""
CONTROLLER_RESOURCES = {"cpu": "1", "memory": "1Gi"}
"""Requests and limits of each controller replica, as Karpenter's getting-started sizes them."""


@dataclass(frozen=True, kw_only=True, slots=True)
class CapacityLimits:
    """One NodePool of a pool: its weight and what its nodes may add up to."""

    weight: int
    nvidia_gpus: int
    cpu: int


@dataclass(frozen=True, kw_only=True, slots=True)
class Budget:
    nodes: str
    reasons: Sequence[str] | None = None
    schedule: str | None = None
    duration: str | None = None

    def manifest(self) -> dict[str, Any]:
        found: dict[str, Any] = {"nodes": self.nodes}
        if self.reasons:
            found["reasons"] = list(self.reasons)
        if self.schedule is not None:
            found["schedule"] = self.schedule
        if self.duration is not None:
            found["duration"] = self.duration
        return found


@dataclass(frozen=True, kw_only=True, slots=True)
class PoolArgs:
    kind: str
    instance_types: Sequence[str]
    spot: CapacityLimits
    on_demand: CapacityLimits | None = None
    consolidation_policy: str = "WhenEmptyOrUnderutilized"
    consolidate_after: str = "10m"
    expire_after: str = "720h"
    budgets: Sequence[Budget] = (Budget(nodes="10%"),)
    root_volume_gib: int = 100


@dataclass(frozen=True, kw_only=True, slots=True)
class KarpenterPoolsArgs:
    cluster_name: str
    region: str
    chart_version: str
    ami_alias: str
    """`al2023@vYYYYMMDD`: Karpenter picks the standard or NVIDIA variant of that release per instance type."""
    interruption_queue: pulumi.Input[str]
    """Name of the SQS queue of components/karpenter.py (`settings.interruptionQueue`)."""
    node_role_name: pulumi.Input[str]
    """The cluster's node role (already admitted by the managed node groups' access entries)."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """Private subnets the nodes may launch in (one per zone of the cluster's VPC)."""
    security_group_ids: Sequence[pulumi.Input[str]]
    """The cluster security group EKS created."""
    kms_key_arn: pulumi.Input[str]
    """Key of the nodes' root volumes (the controller role may use it to launch them)."""
    tags: Mapping[str, str]
    """Baseline tags: Karpenter puts them on the instances, volumes and interfaces it launches."""
    pools: Mapping[str, PoolArgs] = field(default_factory=dict)
    namespace: str = _kubernetes.SYSTEM_NAMESPACE
    service_account: str = "karpenter"
    """Must be the service account of the controller role's Pod Identity association."""
    replicas: int = 2

    def __post_init__(self) -> None:
        problems = Problems("KarpenterPools")
        if not formats.matches(formats.CHART_VERSION, self.chart_version):
            problems.add("chart_version", self.chart_version, "a pinned chart version X.Y.Z")
        if not formats.matches(formats.AMI_ALIAS, self.ami_alias):
            problems.add(
                "ami_alias", self.ami_alias, "a pinned AL2023 release al2023@vYYYYMMDD (not @latest)"
            )
        if not self.subnet_ids:
            problems.add("subnet_ids", [], "at least one private subnet")
        if not self.security_group_ids:
            problems.add("security_group_ids", [], "the cluster security group")
        if not 1 <= self.replicas <= 3:
            problems.add("replicas", self.replicas, "1 to 3 controller replicas (one leads)")
        for key, pool in self.pools.items():
            at = f"pools.{key}"
            for problem in node_pools.karpenter_pool_problems(
                pool.kind, instance_types=pool.instance_types, region=self.region
            ):
                problems.add(f"{at}.{problem.path}", problem.value, problem.message)
            if pool.on_demand is not None and pool.on_demand.weight >= pool.spot.weight:
                problems.add(f"{at}.on_demand.weight", pool.on_demand.weight, "below the spot weight")
            for capacity in CAPACITY_TYPES:
                limits = getattr(pool, capacity)
                if limits is not None and not 1 <= limits.weight <= 100:
                    problems.add(f"{at}.{capacity}.weight", limits.weight, "1 to 100")
            if pool.consolidation_policy not in ("WhenEmpty", "WhenEmptyOrUnderutilized"):
                problems.add(
                    f"{at}.consolidation_policy",
                    pool.consolidation_policy,
                    "WhenEmpty or WhenEmptyOrUnderutilized",
                )
            for name in ("consolidate_after", "expire_after"):
                if not formats.matches(formats.KARPENTER_DURATION, getattr(pool, name)):
                    problems.add(
                        f"{at}.{name}", getattr(pool, name), "a duration such as 10m or 720h, or Never"
                    )
            if not pool.budgets:
                problems.add(f"{at}.budgets", [], "at least one disruption budget")
        try:
            _tags.merged(self.tags)
        except ValueError as error:
            problems.add("tags", dict(self.tags), str(error))
        problems.raise_if_any()


def controller_values(args: KarpenterPoolsArgs, cluster_name: str, queue: str) -> dict[str, Any]:
    """Values of the `karpenter` chart: this cluster and queue, the Pod Identity service account,
    on the system pool only (the chart's own affinity keeps it off nodes Karpenter launched)."""
    return {
        "settings": {
            "clusterName": cluster_name,
            "interruptionQueue": queue,
            "featureGates": {"spotToSpotConsolidation": False, "nodeOverlay": False},
        },
        "serviceAccount": {"create": True, "name": args.service_account},
        "replicas": args.replicas,
        **_kubernetes.system_placement(),
        "controller": {"resources": {"requests": CONTROLLER_RESOURCES, "limits": CONTROLLER_RESOURCES}},
    }


def node_class_spec(
    args: KarpenterPoolsArgs, pool: str, spec: PoolArgs, *, node_role: str, subnets: list[str],
    security_groups: list[str], key: str,
) -> dict[str, Any]:  # fmt: skip
    """An EC2NodeClass: the pinned AMI release, IMDSv2 with hop limit 1, an encrypted gp3 root
    volume, the cluster's subnets and security group by id, the baseline tags."""
    return {
        "role": node_role,
        "amiSelectorTerms": [{"alias": args.ami_alias}],
        "subnetSelectorTerms": [{"id": subnet} for subnet in subnets],
        "securityGroupSelectorTerms": [{"id": group} for group in security_groups],
        "metadataOptions": {
            "httpEndpoint": "enabled",
            "httpProtocolIPv6": "disabled",
            "httpPutResponseHopLimit": 1,
            "httpTokens": "required",
        },
        "blockDeviceMappings": [
            {
                "deviceName": node_pools.ROOT_DEVICE,
                "rootVolume": True,
                "ebs": {
                    "volumeSize": f"{spec.root_volume_gib}Gi",
                    "volumeType": "gp3",
                    "encrypted": True,
                    "kmsKeyID": key,
                    "deleteOnTermination": True,
                },
            }
        ],
        "tags": _tags.merged(args.tags, {f"{node_pools.LABEL_PREFIX}/pool": pool}),
    }


def node_pool_spec(pool: str, spec: PoolArgs, capacity: str) -> dict[str, Any]:
    """A NodePool of one purchase option: the kind's taint and labels, the pool's instance types,
    its weight, limits, consolidation and budgets."""
    limits: CapacityLimits = getattr(spec, capacity)
    capacity_type = CAPACITY_TYPES[capacity]
    resource = node_pools.resource(spec.kind)
    return {
        "weight": limits.weight,
        "limits": {resource: str(limits.nvidia_gpus), "cpu": str(limits.cpu)},
        "disruption": {
            "consolidationPolicy": spec.consolidation_policy,
            "consolidateAfter": spec.consolidate_after,
            "budgets": [budget.manifest() for budget in spec.budgets],
        },
        "template": {
            "metadata": {"labels": node_pools.labels(pool, spec.kind, capacity_type)},
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": pool},
                "taints": [_kubernetes.taint(spec.kind)],
                "expireAfter": spec.expire_after,
                "requirements": [
                    {"key": "karpenter.sh/capacity-type", "operator": "In", "values": [capacity_type]},
                    {
                        "key": "node.kubernetes.io/instance-type",
                        "operator": "In",
                        "values": list(spec.instance_types),
                    },
                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                    {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
                ],
            },
        },
    }


class KarpenterPools(pulumi.ComponentResource):
    """Creates Karpenter's CRDs (the `karpenter-crd` chart, so that upgrades update them) and
    controller (the `karpenter` chart), both pinned, then per pool an EC2NodeClass and a spot
    NodePool with an on-demand NodePool of lower weight behind it.

    Give the cluster's Kubernetes provider through `opts`, and make it depend on the AWS side
    (components/karpenter.py): without the Pod Identity association the controller has no credentials.
    """

    def __init__(
        self, name: str, args: KarpenterPoolsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:compute:KarpenterPools", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        common = {"version": args.chart_version, "namespace": args.namespace, "atomic": True,
                  "cleanup_on_fail": True, "max_history": 10}  # fmt: skip
        self.crds = k8s.helm.v3.Release(
            f"{name}-crd",
            name="karpenter-crd",
            chart=f"{CHART_REPOSITORY}/karpenter-crd",
            **common,
            opts=child,
        )
        self.controller = k8s.helm.v3.Release(
            name,
            name="karpenter",
            chart=f"{CHART_REPOSITORY}/karpenter",
            skip_crds=True,  # the karpenter-crd release owns them
            values=pulumi.Output.from_input(args.interruption_queue).apply(
                lambda queue: controller_values(args, args.cluster_name, queue)
            ),
            **common,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.crds]),
        )
        after_crds = pulumi.ResourceOptions(parent=self, depends_on=[self.crds, self.controller])
        self.node_classes: dict[str, k8s.apiextensions.CustomResource] = {}
        self.node_pools: dict[str, k8s.apiextensions.CustomResource] = {}
        inputs = pulumi.Output.all(
            args.node_role_name,
            pulumi.Output.all(*args.subnet_ids),
            pulumi.Output.all(*args.security_group_ids),
            args.kms_key_arn,
        )
        for pool, spec in args.pools.items():
            self.node_classes[pool] = k8s.apiextensions.CustomResource(
                f"{name}-{pool}",
                api_version=NODE_CLASS_API,
                kind="EC2NodeClass",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=pool, labels=_kubernetes.labels("karpenter")),
                spec=inputs.apply(
                    lambda v, pool=pool, spec=spec: node_class_spec(
                        args,
                        pool,
                        spec,
                        node_role=v[0],
                        subnets=list(v[1]),
                        security_groups=list(v[2]),
                        key=v[3],
                    )
                ),
                opts=after_crds,
            )
            for capacity in ("spot", "on_demand"):
                if getattr(spec, capacity) is None:
                    continue
                suffix = CAPACITY_TYPES[capacity]
                self.node_pools[f"{pool}-{suffix}"] = k8s.apiextensions.CustomResource(
                    f"{name}-{pool}-{suffix}",
                    api_version=NODE_POOL_API,
                    kind="NodePool",
                    metadata=k8s.meta.v1.ObjectMetaArgs(
                        name=f"{pool}-{suffix}", labels=_kubernetes.labels("karpenter")
                    ),
                    spec=node_pool_spec(pool, spec, capacity),
                    opts=pulumi.ResourceOptions(
                        parent=self, depends_on=[self.crds, self.controller, self.node_classes[pool]]
                    ),
                )
        self.register_outputs(
            {"node_classes": sorted(self.node_classes), "node_pools": sorted(self.node_pools)}
        )
