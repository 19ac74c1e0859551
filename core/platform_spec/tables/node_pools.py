"""What each kind of node pool is, and the instance types it may run on: a reviewed table.

Like the lake's storage policy, this is data in code: adding an instance family or changing a
pool kind's taint is a change to what the platform runs on, and goes through review. The spec
loader (file, field and value in the message) and the `NodeGroup` component (argument errors)
both check pools with `pool_problems`, so a bad pool is refused the same way in either place.

Regions are where EC2 offers the family (its instance type offerings, the copy moto ships;
tests/test_node_pools.py checks the table against it for every region the spec accepts). Zones
differ per account (an AZ name maps to a different physical zone in each account), so zone
offerings are checked by a test against moto's data and, before a real deploy, in the account.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

PoolKind = Literal["system", "nvidia-training", "nvidia-batch", "qualcomm-ai100"]
POOL_KINDS: tuple[str, ...] = get_args(PoolKind)
Capacity = Literal["on-demand", "spot", "spot-first", "capacity-block"]
CAPACITIES: tuple[str, ...] = get_args(Capacity)
CAPACITY_TYPES = {"on-demand": "ON_DEMAND", "spot": "SPOT", "capacity-block": "CAPACITY_BLOCK"}
"""EKS managed node group capacity types; `spot-first` becomes a SPOT and an ON_DEMAND group."""

LABEL_PREFIX = "mlplatform.io"
ROOT_DEVICE = "/dev/xvda"
"""Root device of the AL2023 EKS AMIs, and of custom AMIs built from awslabs/amazon-eks-ami."""


@dataclass(frozen=True, slots=True)
class Kind:
    """What a pool kind runs on and how pods reach it."""

    families: tuple[str, ...]
    ami_type: str
    """EKS AMI type: the EKS-optimized AL2023 AMIs, or CUSTOM (an AMI id from the spec)."""
    taint: tuple[str, str, str]
    """(key, value, effect): only pods that tolerate it land on the pool."""
    capacities: tuple[str, ...]
    """Allowed purchase options, the first is the default."""
    accelerator: str | None
    """nvidia, qualcomm or None; becomes the label `mlplatform.io/accelerator`."""
    scale_from_zero: bool
    """min_size must be 0: the pool costs nothing when no job asks for it."""
    one_zone: bool
    """Exactly one AZ: multi-node training crosses no AZ boundary and fits one placement group."""
    efa: bool
    """Every EFA-capable network card gets an EFA interface (NCCL over libfabric)."""


KINDS: dict[str, Kind] = {
    # Cluster add-ons (CoreDNS, EBS CSI controller, later Karpenter and Kueue) and nothing else.
    "system": Kind(
        families=("m6i", "m7i"), ami_type="AL2023_x86_64_STANDARD",
        taint=("CriticalAddonsOnly", "true", "NO_SCHEDULE"), capacities=("on-demand",),
        accelerator=None, scale_from_zero=False, one_zone=False, efa=False,
    ),
    # Multi-node training: on-demand or a Capacity Block, one AZ, a cluster placement group, EFA.
    "nvidia-training": Kind(
        families=("p4d", "p4de", "p5", "p5e", "p5en"), ami_type="AL2023_x86_64_NVIDIA",
        taint=("nvidia.com/gpu", "true", "NO_SCHEDULE"), capacities=("on-demand", "capacity-block"),
        accelerator="nvidia", scale_from_zero=True, one_zone=True, efa=True,
    ),
    # Batch and evaluation jobs that checkpoint: spot first, on-demand when spot is short.
    "nvidia-batch": Kind(
        families=("g5", "g6", "g6e"), ami_type="AL2023_x86_64_NVIDIA",
        taint=("nvidia.com/gpu", "true", "NO_SCHEDULE"), capacities=("spot-first", "spot", "on-demand"),
        accelerator="nvidia", scale_from_zero=True, one_zone=False, efa=False,
    ),
    # Validation of compressed models on Qualcomm Cloud AI 100; the EKS AMIs do not cover dl2q.
    "qualcomm-ai100": Kind(
        families=("dl2q",), ami_type="CUSTOM",
        taint=("qualcomm.com/qaic", "true", "NO_SCHEDULE"), capacities=("on-demand",),
        accelerator="qualcomm", scale_from_zero=True, one_zone=False, efa=False,
    ),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Family:
    device: str
    """The accelerator, for people: `8 x NVIDIA H100 80 GB`."""
    sizes: dict[str, int]
    """Size -> accelerators per instance (GPUs, or AI 100 cards each exposed as one device)."""
    regions: tuple[str, ...]
    """Regions offering the family (EC2 instance type offerings)."""
    efa_interfaces: int = 0
    """Network cards that take an EFA interface (the largest sizes; 0: no EFA used here)."""


_M6I_REGIONS = (
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ca-central-1", "ca-west-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-west-1", "eu-west-2", "eu-west-3",
    "il-central-1", "me-central-1", "me-south-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
    "us-west-2",
)  # fmt: skip
_M7I_REGIONS = (
    "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
    "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ca-central-1",
    "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
    "eu-west-3", "il-central-1", "me-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
    "us-west-2",
)  # fmt: skip
_G_SIZES = {"xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4,
            "24xlarge": 4, "48xlarge": 8}  # fmt: skip
_GENERAL = {"large": 0, "xlarge": 0, "2xlarge": 0, "4xlarge": 0}

FAMILIES: dict[str, Family] = {
    "m6i": Family(device="none", sizes=_GENERAL, regions=_M6I_REGIONS),
    "m7i": Family(device="none", sizes=_GENERAL, regions=_M7I_REGIONS),
    "p4d": Family(
        device="8 x NVIDIA A100 40 GB", sizes={"24xlarge": 8}, efa_interfaces=4,
        regions=("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-2", "ca-central-1",
                 "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "sa-east-1", "us-east-1",
                 "us-east-2", "us-west-2"),
    ),
    "p4de": Family(
        device="8 x NVIDIA A100 80 GB", sizes={"24xlarge": 8}, efa_interfaces=4,
        regions=("ap-northeast-1", "ap-southeast-1", "eu-central-1", "il-central-1", "us-east-1", "us-west-2"),
    ),
    # Not offered in eu-central-1: p5 training runs in us-west-2.
    "p5": Family(
        device="8 x NVIDIA H100 80 GB", sizes={"48xlarge": 8}, efa_interfaces=32,
        regions=("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-2", "ap-southeast-3",
                 "ca-central-1", "eu-north-1", "eu-west-2", "sa-east-1", "us-east-1", "us-east-2",
                 "us-west-1", "us-west-2"),
    ),
    "p5e": Family(
        device="8 x NVIDIA H200 141 GB", sizes={"48xlarge": 8}, efa_interfaces=32,
        regions=("ap-southeast-2", "ap-southeast-3", "eu-north-1", "eu-west-2", "sa-east-1", "us-east-2",
                 "us-west-2"),
    ),
    "p5en": Family(
        device="8 x NVIDIA H200 141 GB", sizes={"48xlarge": 8}, efa_interfaces=16,
        regions=("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-3", "eu-north-1",
                 "eu-south-2", "me-central-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2"),
    ),
    "g5": Family(
        device="NVIDIA A10G 24 GB", sizes=_G_SIZES,
        regions=("ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-2",
                 "ap-southeast-3", "ca-central-1", "eu-central-1", "eu-north-1", "eu-south-2", "eu-west-1",
                 "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "sa-east-1", "us-east-1",
                 "us-east-2", "us-west-2"),
    ),
    "g6": Family(
        device="NVIDIA L4 24 GB", sizes=_G_SIZES,
        regions=("ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-south-2", "ap-southeast-2",
                 "ca-central-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-2", "eu-west-2",
                 "eu-west-3", "me-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-2"),
    ),
    "g6e": Family(
        device="NVIDIA L40S 48 GB", sizes=_G_SIZES,
        regions=("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
                 "eu-central-1", "eu-north-1", "eu-south-2", "me-central-1", "us-east-1", "us-east-2",
                 "us-west-2"),
    ),
    # Qualcomm Cloud AI 100 Standard: 8 cards, one `qualcomm.com/qaic` device each (unverified on EKS).
    "dl2q": Family(device="8 x Qualcomm Cloud AI 100 Standard", sizes={"24xlarge": 8},
                   regions=("eu-central-1", "us-west-2")),
}  # fmt: skip


def family(instance_type: str) -> str:
    return instance_type.split(".", 1)[0]


def known_instance_type(instance_type: str) -> bool:
    """Whether the table knows the type (its family and size): only then are its accelerators known."""
    name, _, size = instance_type.partition(".")
    return name in FAMILIES and size in FAMILIES[name].sizes


def accelerators(instance_type: str) -> int:
    """GPUs or AI 100 cards per instance of a known type."""
    name, _, size = instance_type.partition(".")
    return FAMILIES[name].sizes[size]


def efa_interfaces(kind: str, instance_type: str) -> int:
    """EFA interfaces a node of the pool gets: one per EFA network card, for training pools only."""
    return FAMILIES[family(instance_type)].efa_interfaces if KINDS[kind].efa else 0


def labels(pool: str, kind: str, capacity: str) -> dict[str, str]:
    """Node labels of a pool: its name, kind, accelerator and purchase option (for selectors and quotas)."""
    spec = KINDS[kind]
    found = {
        f"{LABEL_PREFIX}/pool": pool,
        f"{LABEL_PREFIX}/pool-kind": kind,
        f"{LABEL_PREFIX}/accelerator": spec.accelerator or "none",
        f"{LABEL_PREFIX}/capacity": capacity,
    }
    if spec.accelerator == "nvidia":
        found["nvidia.com/gpu.present"] = "true"  # what the NVIDIA device plugin selects, without NFD
    if spec.accelerator == "qualcomm":
        found["qualcomm.com/qaic"] = (
            "true"  # the label Qualcomm's NFD rule sets; the device plugin selects it
        )
    return found


@dataclass(frozen=True, slots=True)
class Group:
    """One EKS managed node group of a pool: spot-first pools become two."""

    suffix: str
    capacity: str
    min_size: int
    max_size: int
    desired_size: int


def groups(
    capacity: str, *, min_size: int, max_size: int, desired_size: int, on_demand_max_size: int | None
) -> list[Group]:
    """The managed node groups a pool becomes.

    A managed node group has one purchase option, so `spot-first` is a SPOT group with the pool's
    bounds and an ON_DEMAND group (from zero to `on_demand_max_size`) that takes over when spot
    capacity is short; the scheduler's preference between them comes with Karpenter (ADR 0007).
    """
    if capacity != "spot-first":
        return [Group("", capacity, min_size, max_size, desired_size)]
    return [
        Group("-spot", "spot", min_size, max_size, desired_size),
        Group("-on-demand", "on-demand", 0, on_demand_max_size or 0, 0),
    ]


@dataclass(frozen=True, slots=True)
class PoolProblem:
    path: str
    value: object
    message: str


def _instance_type_problems(
    kind: str, instance_types: Sequence[str], region: str | None, counts: set[int]
) -> Iterator[PoolProblem]:
    """Each type is of the kind's families, a known size, offered in the region; adds its accelerators to counts."""
    spec = KINDS[kind]
    for i, instance_type in enumerate(instance_types):
        name, _, size = instance_type.partition(".")
        where = f"instance_types[{i}]"
        if name not in spec.families:
            yield PoolProblem(
                where,
                instance_type,
                f"{name} is not a family for {kind} pools; allowed: {', '.join(spec.families)}",
            )
            continue
        known = FAMILIES[name]
        if size not in known.sizes:
            yield PoolProblem(
                where,
                instance_type,
                f"not a {name} size this platform knows; allowed: {', '.join(known.sizes)}",
            )
            continue
        counts.add(known.sizes[size])
        if region is not None and region not in known.regions:
            yield PoolProblem(
                where,
                instance_type,
                f"{name} is not offered in {region}; offered in: {', '.join(known.regions)}",
            )


def pool_problems(
    kind: str,
    *,
    instance_types: Sequence[str],
    capacity: str,
    min_size: int,
    max_size: int,
    desired_size: int,
    zones: Sequence[str] | None,
    region: str | None,
    ami_id: str | None,
    capacity_reservation_id: str | None,
    on_demand_max_size: int | None = None,
) -> Iterator[PoolProblem]:
    """Every way a pool contradicts its kind, its region or itself, one problem each."""
    spec = KINDS.get(kind)
    if spec is None:
        yield PoolProblem("kind", kind, f"one of {', '.join(POOL_KINDS)}")
        return
    counts: set[int] = set()
    yield from _instance_type_problems(kind, instance_types, region, counts)
    if len(counts) > 1:
        yield PoolProblem(
            "instance_types",
            list(instance_types),
            "every type of a pool must carry the same number of accelerators (the scheduler sizes "
            f"nodes alike); found {', '.join(map(str, sorted(counts)))}",
        )
    if capacity not in spec.capacities:
        yield PoolProblem("capacity", capacity, f"{kind} pools use {' or '.join(spec.capacities)}")
    if spec.scale_from_zero and min_size != 0:
        yield PoolProblem("min_size", min_size, f"{kind} pools scale from zero: min_size must be 0")
    if not spec.scale_from_zero and min_size < 1:
        yield PoolProblem("min_size", min_size, "the system pool runs the cluster add-ons: at least 1")
    if not min_size <= desired_size <= max_size:
        yield PoolProblem(
            "desired_size", desired_size, f"must be from min_size ({min_size}) to max_size ({max_size})"
        )
    if spec.one_zone and (zones is None or len(zones) != 1):
        yield PoolProblem(
            "availability_zones",
            None if zones is None else list(zones),
            f"{kind} pools stay in exactly one AZ (placement group, no cross-AZ traffic): name one",
        )
    if spec.ami_type == "CUSTOM" and ami_id is None:
        yield PoolProblem(
            "ami_id",
            None,
            f"required: the EKS-optimized AMIs do not cover {', '.join(spec.families)}; "
            "give the id of an AMI with the accelerator's driver (docs/adr/0007-compute-clusters.md)",
        )
    if spec.ami_type != "CUSTOM" and ami_id is not None:
        yield PoolProblem(
            "ami_id", ami_id, f"{kind} pools use the EKS-optimized {spec.ami_type} AMI; remove it"
        )
    if capacity == "capacity-block":
        if capacity_reservation_id is None:
            yield PoolProblem(
                "capacity_reservation_id", None, "required: the id (cr-...) of the purchased Capacity Block"
            )
        if len(instance_types) != 1:
            yield PoolProblem(
                "instance_types",
                list(instance_types),
                "a Capacity Block is for one instance type: name exactly one",
            )
    elif capacity_reservation_id is not None:
        yield PoolProblem(
            "capacity_reservation_id", capacity_reservation_id, "only for capacity: capacity-block"
        )
    if capacity == "spot-first" and on_demand_max_size is None:
        yield PoolProblem(
            "on_demand_max_size", None, "required: the size of the on-demand fallback of a spot-first pool"
        )
    if capacity != "spot-first" and on_demand_max_size is not None:
        yield PoolProblem("on_demand_max_size", on_demand_max_size, "only for capacity: spot-first")


ACCELERATOR_RESOURCES = {"nvidia": "nvidia.com/gpu", "qualcomm": "qualcomm.com/qaic"}
"""The extended resource each accelerator's device plugin advertises on a node. Qualcomm: one per
AI 100 card, so 8 per dl2q.24xlarge (inferred from 8 Standard cards with one SoC each; unverified)."""

KARPENTER_KINDS: tuple[str, ...] = ("nvidia-batch",)
"""Pool kinds Karpenter NodePools may provision. Training stays on managed node groups (Capacity
Blocks, one placement group, EFA); AI 100 on a fixed managed group (Karpenter does not compute
`qualcomm.com/qaic`, ADR 0007); the system pool runs Karpenter itself."""


def resource(kind: str) -> str | None:
    """The extended resource a pool kind's nodes advertise (None for the system pool)."""
    accelerator = KINDS[kind].accelerator
    return ACCELERATOR_RESOURCES[accelerator] if accelerator else None


def most_accelerators(instance_types: Sequence[str]) -> int:
    """The most accelerators one node of these (known) types carries."""
    return max(accelerators(instance_type) for instance_type in instance_types)


def karpenter_pool_problems(
    kind: str, *, instance_types: Sequence[str], region: str | None
) -> Iterator[PoolProblem]:
    """A Karpenter pool's kind and instance types (families, sizes, offerings), one problem each.

    Unlike a managed node group, a NodePool may mix sizes: Karpenter picks the cheapest type
    that fits the pending pods, and its limits cap the accelerators, not the nodes.
    """
    if kind not in KARPENTER_KINDS:
        yield PoolProblem(
            "kind",
            kind,
            f"Karpenter provisions only {', '.join(KARPENTER_KINDS)} pools; training and AI 100 pools are "
            "managed node groups (docs/adr/0008-cluster-software.md)",
        )
        return
    yield from _instance_type_problems(kind, instance_types, region, set())
