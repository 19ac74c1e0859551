"""What the components that create Kubernetes objects share: labels, tolerations, raw objects.

Kubernetes objects get no AWS tags; the one label set here says what they belong to and that
Pulumi manages them (a `kubectl edit` is overwritten by the next deploy).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import node_group, node_pools

MANAGED = {"app.kubernetes.io/part-of": "mlplatform", "app.kubernetes.io/managed-by": "pulumi"}
SYSTEM_NAMESPACE = "kube-system"


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
        version = pulumi.ResourceOptions(version=k8s._utilities.get_version())
        super().__init__(token, name, dict(manifest), pulumi.ResourceOptions.merge(opts, version))
