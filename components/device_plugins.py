"""The device plugins that advertise a cluster's accelerators to the scheduler: NVIDIA's from its
Helm chart (`nvidia.com/gpu`) and Qualcomm's Cloud AI 100 plugin as a DaemonSet (`qualcomm.com/qaic`).

The AL2023 NVIDIA AMIs carry the driver but not the device plugin, and nothing ships one for AI 100
on EKS (Qualcomm's operator targets OpenShift), so without these a GPU or AI 100 node advertises
nothing and no job lands on it. Each plugin runs only on its pools' nodes: it selects the label the
pools set (core/platform_spec/tables/node_pools.py `labels`) and tolerates only their taint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import _kubernetes
from components._validation import Problems
from platform_spec import formats
from platform_spec.tables import node_pools

NVIDIA_CHART = "nvidia-device-plugin"
NVIDIA_REPOSITORY = "https://nvidia.github.io/k8s-device-plugin"
QUALCOMM_NAME = "qualcomm-device-plugin"
KUBELET_PLUGINS = "/var/lib/kubelet/device-plugins"
"""Where kubelet's device-plugin socket lives: each plugin registers there."""


def node_selector(kind: str) -> dict[str, str]:
    """The label a plugin selects: the one the pool kind's nodes carry for exactly this purpose."""
    selected = {"nvidia": "nvidia.com/gpu.present", "qualcomm": "qualcomm.com/qaic"}[
        node_pools.KINDS[kind].accelerator or ""
    ]
    return {selected: node_pools.labels("any", kind, "on-demand")[selected]}


def nvidia_values() -> dict[str, Any]:
    """Chart values: on NVIDIA nodes only (the chart's own affinity also allows nodes NFD labels),
    tolerating the GPU taint and not the system pool's."""
    return {
        "nodeSelector": node_selector("nvidia-batch"),
        "tolerations": [_kubernetes.toleration("nvidia-batch")],
        "priorityClassName": "system-node-critical",
    }


@dataclass(frozen=True, kw_only=True, slots=True)
class DevicePluginsArgs:
    nvidia_chart_version: str | None = None
    """Version of the `nvidia-device-plugin` chart; None: the cluster has no NVIDIA pool."""
    qualcomm_image: str | None = None
    """Image of Qualcomm's device plugin, by tag or digest; None: the cluster has no AI 100 pool."""
    namespace: str = _kubernetes.SYSTEM_NAMESPACE

    def __post_init__(self) -> None:
        problems = Problems("DevicePlugins")
        if self.nvidia_chart_version is None and self.qualcomm_image is None:
            problems.add("nvidia_chart_version", None, "a chart version, or qualcomm_image, or both")
        if self.nvidia_chart_version is not None and not formats.matches(
            formats.CHART_VERSION, self.nvidia_chart_version
        ):
            problems.add("nvidia_chart_version", self.nvidia_chart_version, "a pinned chart version X.Y.Z")
        if self.qualcomm_image is not None and not formats.matches(formats.IMAGE, self.qualcomm_image):
            problems.add(
                "qualcomm_image", self.qualcomm_image, "an image pinned by tag or digest: registry/path:tag"
            )
        problems.raise_if_any()


class DevicePlugins(pulumi.ComponentResource):
    """Creates the NVIDIA device plugin (a Helm release of NVIDIA's chart, pinned) and the Qualcomm
    AI 100 device plugin (a DaemonSet), each on its own accelerator's nodes only.

    Give the cluster's Kubernetes provider through `opts`.
    """

    def __init__(
        self, name: str, args: DevicePluginsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:compute:DevicePlugins", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.nvidia: k8s.helm.v3.Release | None = None
        self.qualcomm: k8s.apps.v1.DaemonSet | None = None
        if args.nvidia_chart_version is not None:
            self.nvidia = k8s.helm.v3.Release(
                f"{name}-nvidia",
                name=NVIDIA_CHART,
                chart=NVIDIA_CHART,
                version=args.nvidia_chart_version,
                repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=NVIDIA_REPOSITORY),
                namespace=args.namespace,
                values=nvidia_values(),
                atomic=True,
                cleanup_on_fail=True,
                max_history=10,
                opts=child,
            )
        if args.qualcomm_image is not None:
            self.qualcomm = self._qualcomm(name, args, child)
        self.register_outputs(
            {
                "nvidia_chart_version": args.nvidia_chart_version,
                "qualcomm_image": args.qualcomm_image,
            }
        )

    @staticmethod
    def _qualcomm(name: str, args: DevicePluginsArgs, opts: pulumi.ResourceOptions) -> k8s.apps.v1.DaemonSet:
        """Qualcomm's plugin (the image of quic/cloud-ai-containers; the Apps SDK's
        `tools/k8s-device-plugin`): it registers with kubelet through the device-plugin socket,
        finds the cards through udev and advertises one `qualcomm.com/qaic` per AI 100 device."""
        selector = {"app.kubernetes.io/name": QUALCOMM_NAME}
        host = {"kubelet-device-plugins": KUBELET_PLUGINS, "udev": "/run/udev", "dev": "/dev"}
        return k8s.apps.v1.DaemonSet(
            f"{name}-qualcomm",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=QUALCOMM_NAME,
                namespace=args.namespace,
                labels=_kubernetes.labels("device-plugin", selector),
            ),
            spec=k8s.apps.v1.DaemonSetSpecArgs(
                selector=k8s.meta.v1.LabelSelectorArgs(match_labels=selector),
                update_strategy=k8s.apps.v1.DaemonSetUpdateStrategyArgs(
                    type="RollingUpdate",
                    rolling_update=k8s.apps.v1.RollingUpdateDaemonSetArgs(max_unavailable=1),
                ),
                template=k8s.core.v1.PodTemplateSpecArgs(
                    metadata=k8s.meta.v1.ObjectMetaArgs(labels=_kubernetes.labels("device-plugin", selector)),
                    spec=k8s.core.v1.PodSpecArgs(
                        node_selector=node_selector("qualcomm-ai100"),
                        tolerations=[k8s.core.v1.TolerationArgs(**_kubernetes.toleration("qualcomm-ai100"))],
                        priority_class_name="system-node-critical",
                        automount_service_account_token=False,
                        security_context=k8s.core.v1.PodSecurityContextArgs(
                            seccomp_profile=k8s.core.v1.SeccompProfileArgs(type="RuntimeDefault")
                        ),
                        containers=[
                            k8s.core.v1.ContainerArgs(
                                name="device-plugin",
                                image=args.qualcomm_image,
                                image_pull_policy="IfNotPresent",
                                # Not privileged: the socket directory and the devices come in as host paths.
                                security_context=k8s.core.v1.SecurityContextArgs(
                                    privileged=False,
                                    allow_privilege_escalation=False,
                                    read_only_root_filesystem=True,
                                    capabilities=k8s.core.v1.CapabilitiesArgs(drop=["ALL"]),
                                ),
                                resources=k8s.core.v1.ResourceRequirementsArgs(
                                    requests={"cpu": "50m", "memory": "64Mi"},
                                    limits={"cpu": "200m", "memory": "128Mi"},
                                ),
                                volume_mounts=[
                                    k8s.core.v1.VolumeMountArgs(
                                        name=volume,
                                        mount_path=path,
                                        read_only=volume != "kubelet-device-plugins",
                                    )
                                    for volume, path in host.items()
                                ],
                            )
                        ],
                        volumes=[
                            k8s.core.v1.VolumeArgs(
                                name=volume,
                                host_path=k8s.core.v1.HostPathVolumeSourceArgs(path=path, type="Directory"),
                            )
                            for volume, path in host.items()
                        ],
                    ),
                ),
            ),
            opts=opts,
        )
