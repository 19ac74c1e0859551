"""Kueue in a cluster: quota-based admission of batch jobs (docs/adr/0008-cluster-software.md).

Each team gets a ClusterQueue whose nominal quotas are its quotas of the spec, admitting only its
own namespace, and a LocalQueue named `default` there (Kueue's LocalQueue defaulting sends jobs
without a queue label to it). All ClusterQueues share one cohort: what a team does not use, others
may borrow, and the owner takes it back by preemption when it needs it.

Resource flavors: `default` (cpu and memory, no node constraint) and one per accelerator the
cluster has (`nvidia`, `qualcomm`), each with the node label and the toleration of its pools.
A job's GPUs count against its team's quota whichever NVIDIA pool runs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import _kubernetes
from components._kubernetes import TeamQuota, team_namespace
from components._validation import Problems
from platform_spec import formats
from platform_spec.tables import node_pools

CHART = "oci://registry.k8s.io/kueue/charts/kueue"
IMAGE = "registry.k8s.io/kueue/kueue"
API = "kueue.x-k8s.io/v1beta2"
NAMESPACE = "kueue-system"
LOCAL_QUEUE = "default"
"""Name of each team's LocalQueue: Kueue's LocalQueueDefaulting (beta, on) uses the queue named
`default` for jobs that name none, so a job manifest works in every team's namespace."""
FLAVOR_KINDS = {"nvidia": "nvidia-batch", "qualcomm": "qualcomm-ai100"}
"""Accelerator -> a pool kind carrying it (its taint and accelerator label are the flavor's)."""
PRIORITIES = {
    "training": (1000, "Training runs: long, checkpointed, admitted and kept before evaluation."),
    "evaluation": (500, "Evaluation and validation jobs: short, restarted cheaply, preempted first."),
}
"""Priority class -> (value, description): a Kueue WorkloadPriorityClass (admission and preemption
order among queued jobs) and a Kubernetes PriorityClass `mlplatform-<name>` (the pods' order)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class KueueArgs:
    chart_version: str
    cohort: str
    """Cohort of every ClusterQueue of the cluster: the teams lend and borrow within it."""
    teams: Mapping[str, TeamQuota]
    accelerators: tuple[str, ...]
    """Accelerators the cluster has pools of (nvidia, qualcomm): each gets a ResourceFlavor."""
    namespaces: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Team -> its namespace's name; an Output of the Namespace orders the LocalQueue after it.
    Omitted teams: `team_namespace(key)` (`team-<key>`)."""
    replicas: int = 1

    def __post_init__(self) -> None:
        problems = Problems("Kueue")
        if not formats.matches(formats.CHART_VERSION, self.chart_version):
            problems.add("chart_version", self.chart_version, "a pinned chart version X.Y.Z")
        if not self.teams:
            problems.add("teams", {}, "at least one team: each gets a ClusterQueue")
        for accelerator in self.accelerators:
            if accelerator not in FLAVOR_KINDS:
                problems.add("accelerators", accelerator, f"one of {', '.join(FLAVOR_KINDS)}")
        for key, team in self.teams.items():
            if team.nvidia_gpus and "nvidia" not in self.accelerators:
                problems.add(f"teams.{key}.nvidia_gpus", team.nvidia_gpus, "the cluster has no NVIDIA pool")
            if team.qaic_devices and "qualcomm" not in self.accelerators:
                problems.add(f"teams.{key}.qaic_devices", team.qaic_devices, "the cluster has no AI 100 pool")
        for key in self.namespaces:
            if key not in self.teams:
                problems.add("namespaces", key, f"a team of teams: {', '.join(self.teams)}")
        if not 1 <= self.replicas <= 3:
            problems.add("replicas", self.replicas, "1 to 3")
        problems.raise_if_any()


def flavor_spec(accelerator: str | None) -> dict[str, Any]:
    """A ResourceFlavor: the node label and toleration of the accelerator's pools (none for default)."""
    if accelerator is None:
        return {}
    kind = FLAVOR_KINDS[accelerator]
    label = f"{node_pools.LABEL_PREFIX}/accelerator"
    return {"nodeLabels": {label: accelerator}, "tolerations": [_kubernetes.toleration(kind)]}


def cluster_queue_spec(
    team: TeamQuota, *, cohort: str, namespace: str, accelerators: tuple[str, ...]
) -> dict[str, Any]:
    """A team's ClusterQueue: nominal quotas = the team's quotas, one resource group per flavor,
    in the shared cohort with no borrowing or lending limit, reclaiming lent quota by preemption."""
    groups = [
        {
            "coveredResources": ["cpu", "memory"],
            "flavors": [
                {
                    "name": "default",
                    "resources": [
                        {"name": "cpu", "nominalQuota": str(team.cpu)},
                        {"name": "memory", "nominalQuota": f"{team.memory_gib}Gi"},
                    ],
                }
            ],
        }
    ]
    quotas = {"nvidia": team.nvidia_gpus, "qualcomm": team.qaic_devices}
    for accelerator in accelerators:
        resource = node_pools.ACCELERATOR_RESOURCES[accelerator]
        groups.append(
            {
                "coveredResources": [resource],
                "flavors": [
                    {
                        "name": accelerator,
                        "resources": [{"name": resource, "nominalQuota": str(quotas[accelerator])}],
                    }
                ],
            }
        )
    return {
        "cohortName": cohort,
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": namespace}},
        "queueingStrategy": "BestEffortFIFO",
        "resourceGroups": groups,
        "preemption": {"reclaimWithinCohort": "Any", "withinClusterQueue": "LowerPriority"},
    }


def chart_values(args: KueueArgs) -> dict[str, Any]:
    """Values of the `kueue` chart: the release's own image, on the system pool."""
    placement = _kubernetes.system_placement()
    return {
        "controllerManager": {
            "replicas": args.replicas,
            "nodeSelector": placement["nodeSelector"],
            "tolerations": placement["tolerations"],
            "manager": {
                "image": {"repository": IMAGE, "tag": f"v{args.chart_version}", "pullPolicy": "IfNotPresent"}
            },
            "podDisruptionBudget": {"enabled": args.replicas > 1, "minAvailable": 1},
        }
    }


class Kueue(pulumi.ComponentResource):
    """Creates Kueue (its namespace and the pinned Helm release), the ResourceFlavors, a ClusterQueue
    and a LocalQueue per team, and the training and evaluation priority classes.

    Give the cluster's Kubernetes provider through `opts`.
    """

    def __init__(self, name: str, args: KueueArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:compute:Kueue", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        labels = _kubernetes.labels("kueue")
        namespace = k8s.core.v1.Namespace(
            f"{name}-system", metadata=k8s.meta.v1.ObjectMetaArgs(name=NAMESPACE, labels=labels), opts=child
        )
        self.release = k8s.helm.v3.Release(
            name,
            name="kueue",
            chart=CHART,
            version=args.chart_version,
            namespace=namespace.metadata.name,
            values=chart_values(args),
            atomic=True,
            cleanup_on_fail=True,
            max_history=10,
            opts=child,
        )
        after = pulumi.ResourceOptions(parent=self, depends_on=[self.release])

        self.priority_classes: dict[str, k8s.scheduling.v1.PriorityClass] = {}
        self.workload_priority_classes: dict[str, _kubernetes.RawObject] = {}
        for priority, (value, description) in PRIORITIES.items():
            self.priority_classes[priority] = k8s.scheduling.v1.PriorityClass(
                f"{name}-{priority}",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=f"mlplatform-{priority}", labels=labels),
                value=value,
                global_default=False,
                preemption_policy="PreemptLowerPriority",
                description=description,
                opts=child,
            )
            self.workload_priority_classes[priority] = _kubernetes.RawObject(
                f"{name}-{priority}",
                {
                    "apiVersion": API,
                    "kind": "WorkloadPriorityClass",
                    "metadata": {"name": priority, "labels": labels},
                    "value": value,
                    "description": description,
                },
                opts=after,
            )

        self.flavors: dict[str, k8s.apiextensions.CustomResource] = {}
        for flavor in ("default", *args.accelerators):
            self.flavors[flavor] = k8s.apiextensions.CustomResource(
                f"{name}-{flavor}",
                api_version=API,
                kind="ResourceFlavor",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=flavor, labels=labels),
                spec=flavor_spec(None if flavor == "default" else flavor),
                opts=after,
            )

        self.cluster_queues: dict[str, k8s.apiextensions.CustomResource] = {}
        self.local_queues: dict[str, k8s.apiextensions.CustomResource] = {}
        for team, quota in args.teams.items():
            team_ns = pulumi.Output.from_input(args.namespaces.get(team, team_namespace(team)))
            self.cluster_queues[team] = k8s.apiextensions.CustomResource(
                f"{name}-{team}",
                api_version=API,
                kind="ClusterQueue",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=team, labels=labels),
                spec=team_ns.apply(
                    lambda ns, quota=quota: cluster_queue_spec(
                        quota, cohort=args.cohort, namespace=ns, accelerators=args.accelerators
                    )
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.release, *self.flavors.values()]),
            )
            self.local_queues[team] = k8s.apiextensions.CustomResource(
                f"{name}-{team}",
                api_version=API,
                kind="LocalQueue",
                metadata=k8s.meta.v1.ObjectMetaArgs(name=LOCAL_QUEUE, namespace=team_ns, labels=labels),
                spec={"clusterQueue": team},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.cluster_queues[team]]),
            )
        self.register_outputs(
            {
                "cohort": args.cohort,
                "cluster_queues": sorted(self.cluster_queues),
                "flavors": sorted(self.flavors),
            }
        )
