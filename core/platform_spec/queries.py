"""Questions the spec answers that several layers ask: which accelerators a cluster has, and how many
of them its pools offer at their largest."""

from __future__ import annotations

from platform_spec.models import ClusterSpec
from platform_spec.tables import node_pools

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
