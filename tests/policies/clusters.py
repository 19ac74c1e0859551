"""A compute stack for the compute rules' tests: node groups with their launch templates, as
components/node_group.py builds them (labels, taints, scaling, the custom AMI's nodeadm user data)."""

from __future__ import annotations

import base64

from tests.policies.harness import Stack

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
KEY = "arn:aws:kms:us-west-2:123456789012:key/platform"
TAINTS = {
    "system": ("CriticalAddonsOnly", "true"),
    "nvidia": ("nvidia.com/gpu", "true"),
    "qualcomm": ("qualcomm.com/qaic", "true"),
}
CAPACITY_LABELS = {"SPOT": "spot", "ON_DEMAND": "on-demand", "CAPACITY_BLOCK": "capacity-block"}


def user_data(taint: str | None = "qualcomm.com/qaic=true:NoSchedule") -> str:
    """The nodeadm NodeConfig of a custom-AMI node (components/node_group.node_config_user_data's shape)."""
    flags = ["      - --node-labels=mlplatform.io/pool=ai100"]
    if taint is not None:
        flags.append(f"      - --register-with-taints={taint}")
    document = "\n".join(
        [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="//"',
            "",
            "--//",
            "Content-Type: application/node.eks.aws",
            "",
            "---",
            "apiVersion: node.eks.aws/v1alpha1",
            "kind: NodeConfig",
            "spec:",
            "  kubelet:",
            "    flags:",
            *flags,
            "",
            "--//--",
            "",
        ]
    )
    return base64.b64encode(document.encode()).decode()


def node_group(
    stack: Stack,
    name: str,
    *,
    pool: str,
    kind: str,
    accelerator: str,
    capacity: str = "ON_DEMAND",
    instance_types: list[str] | None = None,
    template_type: str | None = None,
    min_size: int = 0,
    max_size: int = 4,
    ami: str | None = None,
    cluster: str = "acme-prod-us-west-2",
) -> None:
    """A node group and its launch template, as stack outputs; the taint is the accelerator's."""
    template = {
        "metadataOptions": {"httpTokens": "required", "httpPutResponseHopLimit": 1},
        "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true", "kmsKeyId": KEY}}],
    }
    if template_type is not None:
        template["instanceType"] = template_type
    if ami is not None:
        template["imageId"] = ami
        template["userData"] = user_data()
    stack.add(LAUNCH_TEMPLATE, f"{name}-lt", template)
    key, value = TAINTS["system" if kind == "system" else accelerator]
    props = {
        "clusterName": cluster,
        "capacityType": capacity,
        "labels": {
            "mlplatform.io/pool": pool,
            "mlplatform.io/pool-kind": kind,
            "mlplatform.io/accelerator": accelerator,
            "mlplatform.io/capacity": CAPACITY_LABELS[capacity],
        },
        "scalingConfig": {"minSize": min_size, "maxSize": max_size, "desiredSize": min_size},
        "taints": [{"key": key, "value": value, "effect": "NO_SCHEDULE"}],
        "launchTemplate": {"id": f"lt-{name}", "version": "1"},
    }
    if instance_types is not None:
        props["instanceTypes"] = instance_types
    stack.add(NODE_GROUP, name, props, links={"launchTemplate": f"{name}-lt"})


def compute_stack() -> Stack:
    """One cluster: system, a spot-first batch pool, a Capacity Block training pool and an AI 100 pool.

    NVIDIA: batch 8 x 4 + 2 x 4, training 4 x 8 = 72 GPUs at most; Qualcomm: 2 x 8 = 16 cards.
    """
    s = Stack()
    node_group(
        s, "system", pool="system", kind="system", accelerator="none",
        instance_types=["m7i.xlarge", "m6i.xlarge"], min_size=3, max_size=6,
    )  # fmt: skip
    node_group(
        s, "batch-spot", pool="batch", kind="nvidia-batch", accelerator="nvidia", capacity="SPOT",
        instance_types=["g6e.12xlarge"], max_size=8,
    )  # fmt: skip
    node_group(
        s, "batch-on-demand", pool="batch", kind="nvidia-batch", accelerator="nvidia",
        instance_types=["g6e.12xlarge"], max_size=2,
    )  # fmt: skip
    node_group(
        s, "train", pool="train", kind="nvidia-training", accelerator="nvidia", capacity="CAPACITY_BLOCK",
        template_type="p5.48xlarge", max_size=4,
    )  # fmt: skip
    node_group(
        s, "ai100", pool="ai100", kind="qualcomm-ai100", accelerator="qualcomm",
        instance_types=["dl2q.24xlarge"], max_size=2, ami="ami-0123456789abcdef0",
    )  # fmt: skip
    return s


NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"


def karpenter_pool(
    stack: Stack,
    name: str,
    *,
    instance_types: list[str] | None = None,
    gpus: int | None = 16,
    taint: bool = True,
    capacity: str | list[str] | None = "spot",
    weight: int | None = None,
    kind: str = "nvidia-batch",
) -> None:
    """A Karpenter NodePool as components/karpenter_pools.py builds it: listed types, limits, the GPU taint.

    `capacity` None leaves out the capacity-type requirement (Karpenter then launches on-demand only)."""
    capacities = [capacity] if isinstance(capacity, str) else capacity
    requirements = (
        [{"key": "karpenter.sh/capacity-type", "operator": "In", "values": capacities}] if capacities else []
    )
    if instance_types is not None:
        requirements.append(
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": instance_types}
        )
    limits = {"cpu": "384"}
    if gpus is not None:
        limits["nvidia.com/gpu"] = str(gpus)
    spec = {
        "limits": limits,
        "template": {
            "metadata": {
                "labels": {
                    "mlplatform.io/accelerator": "nvidia",
                    "mlplatform.io/pool": "batch",
                    "mlplatform.io/pool-kind": kind,
                }
            },
            "spec": {
                "requirements": requirements,
                "taints": [{"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}]
                if taint
                else [],
            },
        },
    }
    if weight is not None:
        spec["weight"] = weight
    stack.add(NODE_POOL, name, {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "spec": spec})
