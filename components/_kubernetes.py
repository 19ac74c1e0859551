"""What the components that create Kubernetes objects share: labels, tolerations, a team's namespace
and quota, raw objects.

Kubernetes objects get no AWS tags; the one label set here says what they belong to and that
Pulumi manages them (a `kubectl edit` is overwritten by the next deploy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import pulumi

from components import node_group
from platform_spec.tables import node_pools

MANAGED = {"app.kubernetes.io/part-of": "mlplatform", "app.kubernetes.io/managed-by": "pulumi"}
SYSTEM_NAMESPACE = "kube-system"


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamQuota:
    """What a team's jobs may use in a cluster: the nominal quotas of its Kueue ClusterQueue
    (components/kueue.py) or the hard limits of its namespace's ResourceQuota (components/team_tenancy.py)."""

    nvidia_gpus: int = 0
    qaic_devices: int = 0
    cpu: int
    memory_gib: int

    def hard(self) -> dict[str, str]:
        """The limits as a ResourceQuota's `spec.hard`."""
        return {
            "requests.cpu": str(self.cpu),
            "requests.memory": f"{self.memory_gib}Gi",
            "requests.nvidia.com/gpu": str(self.nvidia_gpus),
            "requests.qualcomm.com/qaic": str(self.qaic_devices),
        }


def team_namespace(team: str) -> str:
    """The namespace of a team's jobs, `team-<key>` (created by components/team_tenancy.py)."""
    return f"team-{team}"


def labels(component: str, *layers: Mapping[str, str]) -> dict[str, str]:
    """The platform's labels of a Kubernetes object, then each layer over them."""
    found = {**MANAGED, "app.kubernetes.io/component": component}
    for layer in layers:
        found.update(layer)
    return found


def taint(kind: str) -> dict[str, str]:
    """The taint of a pool kind in Kubernetes form (NodePools, ResourceFlavors)."""
    key, value, effect = node_pools.KINDS[kind].taint
    return {"key": key, "value": value, "effect": node_group.TAINT_EFFECTS[effect]}


def toleration(kind: str) -> dict[str, str]:
    """Tolerates the taint of a pool kind, whatever its value."""
    key, _, effect = node_pools.KINDS[kind].taint
    return {"key": key, "operator": "Exists", "effect": node_group.TAINT_EFFECTS[effect]}


def system_placement() -> dict[str, Any]:
    """Node selector and toleration that put a controller on the system pool (and only there)."""
    return {
        "nodeSelector": {f"{node_pools.LABEL_PREFIX}/pool-kind": "system"},
        "tolerations": [toleration("system")],
    }


class RawObject(pulumi.CustomResource):
    """A Kubernetes object given whole, for kinds with fields beside `spec` (Kueue's
    WorkloadPriorityClass has a top-level `value`), which `apiextensions.CustomResource` of the
    Python SDK cannot carry. The kubernetes provider applies the inputs as the object, as it does
    for CustomResource; the type token is the same `kubernetes:<group>/<version>:<Kind>`."""

    def __init__(
        self, name: str, manifest: Mapping[str, Any], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        token = f"kubernetes:{manifest['apiVersion']}:{manifest['kind']}"
        # The kubernetes provider plugin of the installed SDK, as the SDK's own resources ask for it.
        plugin = pulumi.ResourceOptions(version=version("pulumi_kubernetes"))
        super().__init__(token, name, dict(manifest), pulumi.ResourceOptions.merge(opts, plugin))
