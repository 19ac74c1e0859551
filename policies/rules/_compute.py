"""What the compute layer's rules share: type tokens, the accelerator table, and node groups read as pools.

The accelerator table is the pack's own, not an import of the core's `platform_spec.tables.node_pools`,
although the pack imports the core for its cost rules: a gate that reads the counts from the table it
judges would accept any mistake in that table (a p5 counted as 4 GPUs passes both).
`tests/policies/test_pack_contract.py` pins this table to `node_pools.FAMILIES`, so the two cannot drift
apart unnoticed: node_pools is the source of truth, this is its reviewed copy.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pulumi_policy import PolicyResource

from rules._support import Stack, as_list, name_of, number

EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SQS_QUEUE = "aws:sqs/queue:Queue"
SQS_QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
KARPENTER_NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
EKS_POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
IAM_ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
IAM_ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

LABEL_PREFIX = "mlplatform.io"
POOL_LABEL = f"{LABEL_PREFIX}/pool"
KIND_LABEL = f"{LABEL_PREFIX}/pool-kind"
ACCELERATOR_LABEL = f"{LABEL_PREFIX}/accelerator"
"""Labels `components/node_group.py` sets on every node group (node_pools.labels)."""
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
ACCELERATOR_RESOURCES = {"nvidia": "nvidia.com/gpu", "qualcomm": "qualcomm.com/qaic"}
"""The extended resource each accelerator's device plugin advertises (Karpenter NodePool limits name it)."""

_G_SIZES = {"xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4,
            "24xlarge": 4, "48xlarge": 8}  # fmt: skip
_GENERAL = {"large": 0, "xlarge": 0, "2xlarge": 0, "4xlarge": 0}

ACCELERATORS: dict[str, tuple[str | None, dict[str, int]]] = {
    "m6i": (None, _GENERAL),
    "m7i": (None, _GENERAL),
    "p4d": ("nvidia", {"24xlarge": 8}),
    "p4de": ("nvidia", {"24xlarge": 8}),
    "p5": ("nvidia", {"48xlarge": 8}),
    "p5e": ("nvidia", {"48xlarge": 8}),
    "p5en": ("nvidia", {"48xlarge": 8}),
    "g5": ("nvidia", _G_SIZES),
    "g6": ("nvidia", _G_SIZES),
    "g6e": ("nvidia", _G_SIZES),
    "dl2q": ("qualcomm", {"24xlarge": 8}),
}
"""Family -> (accelerator, size -> accelerators per instance): GPUs, or AI 100 cards (one device each)."""


def accelerators_of(instance_type: str) -> tuple[str | None, int] | None:
    """(accelerator, count per instance) of a type the table knows, None for any other type."""
    family, _, size = str(instance_type).partition(".")
    known = ACCELERATORS.get(family)
    if known is None or size not in known[1]:
        return None
    return known[0], known[1][size]


def is_customer_key(value) -> bool:
    """A KMS key ARN, key id or alias of the customer's, not an AWS-managed alias (alias/aws/...)."""
    text = str(value or "")
    return bool(text) and "alias/aws/" not in text


# --- node groups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeGroupFacts:
    """One EKS managed node group as the stack rules see it: its own outputs and its launch template's."""

    resource: PolicyResource
    cluster: str
    pool: str
    kind: str | None
    capacity_type: str
    instance_types: tuple[str, ...]
    accelerator: str | None
    """nvidia, qualcomm or None: from the instance types, else (no type with accelerators) from the label."""
    accelerators_per_node: int | None
    """The most any of its instance types carries; None when a type is not in the table."""
    min_size: float | None
    max_size: float | None
    launch_template: PolicyResource | None

    @property
    def name(self) -> str:
        return name_of(self.resource)

    @property
    def accelerated(self) -> bool:
        return self.accelerator is not None or self.capacity_type == "CAPACITY_BLOCK"


def node_group_instance_types(group: Mapping, template: PolicyResource | None) -> tuple[str, ...]:
    """The node group's instance types, or its launch template's one type (Capacity Block groups)."""
    own = [str(t) for t in as_list(group.get("instanceTypes"))]
    if own:
        return tuple(own)
    if template is not None and template.props.get("instanceType"):
        return (str(template.props.get("instanceType")),)
    return ()


def accelerator_of(instance_types: tuple[str, ...], labels: Mapping) -> tuple[str | None, int | None]:
    """(accelerator, per node) from the table; the label only where no type carries accelerators.

    `per node` is None when a type is not in the table (it cannot be counted)."""
    found = [accelerators_of(t) for t in instance_types]
    known = [f for f in found if f is not None]
    accelerator = next((a for a, _ in known if a is not None), None)
    if accelerator is None:
        label = labels.get(ACCELERATOR_LABEL)
        accelerator = str(label) if label and label != "none" else None
    per_node = None if any(f is None for f in found) or not found else max(n for _, n in known)
    return accelerator, per_node


def node_groups(stack: Stack) -> list[NodeGroupFacts]:
    facts = []
    for group in stack.of_type(EKS_NODE_GROUP):
        props = group.props
        templates = [
            t for t in stack.referenced(group, "launchTemplate") if t.resource_type == LAUNCH_TEMPLATE
        ]
        template = templates[0] if templates else None
        labels = props.get("labels") or {}
        types = node_group_instance_types(props, template)
        accelerator, per_node = accelerator_of(types, labels)
        scaling = props.get("scalingConfig") or {}
        kind = labels.get(KIND_LABEL)
        facts.append(
            NodeGroupFacts(
                resource=group,
                cluster=str(props.get("clusterName") or ""),
                pool=str(labels.get(POOL_LABEL) or name_of(group)),
                kind=str(kind) if kind else None,
                capacity_type=str(props.get("capacityType") or "ON_DEMAND"),
                instance_types=types,
                accelerator=accelerator,
                accelerators_per_node=per_node,
                min_size=number(scaling.get("minSize")),
                max_size=number(scaling.get("maxSize")),
                launch_template=template,
            )
        )
    return facts


# --- user data ---------------------------------------------------------------------------------

_REGISTER_TAINTS = re.compile(r"--register-with-taints[= ]([^\s\"']+)")


def user_data_text(value) -> str:
    """Launch template user data is base64; a value that does not decode is read as it is."""
    text = str(value or "")
    try:
        return base64.b64decode(text, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return text


def kubelet_taints(user_data) -> list[tuple[str, str]]:
    """(key, effect) of every taint a kubelet `--register-with-taints` flag in the user data registers."""
    found = []
    for flag in _REGISTER_TAINTS.findall(user_data_text(user_data)):
        for taint in flag.split(","):
            key_value, _, effect = taint.rpartition(":")
            key = key_value.split("=", 1)[0]
            if key and effect:
                found.append((key, effect))
    return found


# --- Karpenter NodePools -----------------------------------------------------------------------


@dataclass(frozen=True)
class NodePoolFacts:
    """One Karpenter NodePool: the instance types its requirements allow, its accelerator and its limits."""

    resource: PolicyResource
    instance_types: tuple[str, ...] | None
    """The values of a `node.kubernetes.io/instance-type In [...]` requirement; None without one (any type)."""
    accelerator: str | None
    limits: Mapping
    taints: list
    pool: str
    """The `mlplatform.io/pool` label of its nodes: a pool's spot and on-demand NodePools share it."""
    kind: str | None
    capacity_types: tuple[str, ...]
    """What `karpenter.sh/capacity-type` allows; Karpenter launches on-demand only without it."""
    weight: float
    """Karpenter tries NodePools of higher weight first (0 when unset)."""
    cluster: str
    """The URN of its Kubernetes provider, which is bound to one cluster."""

    @property
    def name(self) -> str:
        return name_of(self.resource)


def node_pool_capacity_types(spec: Mapping) -> tuple[str, ...]:
    requirements = ((spec.get("template") or {}).get("spec") or {}).get("requirements") or []
    for r in requirements:
        if r and r.get("key") == "karpenter.sh/capacity-type" and r.get("operator") == "In":
            return tuple(str(v) for v in as_list(r.get("values")))
    return ("on-demand",)


def node_pool_instance_types(spec: Mapping) -> tuple[str, ...] | None:
    requirements = ((spec.get("template") or {}).get("spec") or {}).get("requirements") or []
    listed = [
        tuple(str(v) for v in as_list(r.get("values")))
        for r in requirements
        if r and r.get("key") == INSTANCE_TYPE_LABEL and r.get("operator") == "In"
    ]
    return listed[0] if listed else None


def karpenter_pools(stack: Stack) -> list[NodePoolFacts]:
    facts = []
    for pool in stack.of_type(KARPENTER_NODE_POOL):
        spec = pool.props.get("spec") or {}
        template = spec.get("template") or {}
        types = node_pool_instance_types(spec)
        labels = (template.get("metadata") or {}).get("labels") or {}
        accelerator, _ = accelerator_of(types or (), labels)
        facts.append(
            NodePoolFacts(
                resource=pool,
                instance_types=types,
                accelerator=accelerator,
                limits=spec.get("limits") or {},
                taints=[t for t in (template.get("spec") or {}).get("taints") or [] if t],
                pool=str(labels.get(POOL_LABEL) or name_of(pool)),
                kind=str(labels[KIND_LABEL]) if labels.get(KIND_LABEL) else None,
                capacity_types=node_pool_capacity_types(spec),
                weight=number(spec.get("weight")) or 0,
                cluster=pool.provider.urn if pool.provider is not None else "",
            )
        )
    return facts
