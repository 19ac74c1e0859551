import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_spot_first import POLICY
from tests.policies.clusters import compute_stack, karpenter_pool, node_group
from tests.policies.harness import UNKNOWN, Stack, run

CONFIG = {"onDemandPoolKinds": ["nvidia-training"], "accelerators": ["nvidia"]}
CLUSTER = "acme-prod-us-west-2"


def test_spot_first_batch_and_on_demand_training_pass():
    s = compute_stack()
    node_group(s, "train-a100", pool="train-a100", kind="nvidia-training", accelerator="nvidia",
               instance_types=["p4d.24xlarge"], max_size=8)  # fmt: skip
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_a_spot_only_pool_passes():
    s = compute_stack()
    s.remove("batch-on-demand")
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_an_on_demand_only_batch_pool_fails():
    s = compute_stack()
    s.remove("batch-spot")
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            f"pool batch (nvidia-batch) of {CLUSTER} has no SPOT node group: nvidia-batch pools run on spot "
            "first, with on-demand only as a fallback; only nvidia-training pools may run on demand",
            s.urn("batch-on-demand"),
        )
    ]


def test_an_unlabelled_gpu_group_is_judged_as_a_batch_pool():
    s = compute_stack()
    s.props("batch-on-demand")["labels"] = {}
    s.remove("batch-spot")
    assert run(POLICY, s.args(CONFIG)).messages == [
        f"pool batch-on-demand (unlabelled) of {CLUSTER} has no SPOT node group: unlabelled pools run on spot "
        "first, with on-demand only as a fallback; only nvidia-training pools may run on demand"
    ]


def test_a_fallback_larger_than_spot_fails():
    s = compute_stack()
    s.props("batch-on-demand")["scalingConfig"]["maxSize"] = 9
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            f"pool batch (nvidia-batch) of {CLUSTER}: the on-demand fallback batch-on-demand (max 9) is larger "
            "than its spot capacity (max 8)",
            s.urn("batch-on-demand"),
        )
    ]


def test_a_capacity_block_outside_training_fails():
    s = compute_stack()
    s.props("batch-on-demand")["capacityType"] = "CAPACITY_BLOCK"
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            f"pool batch (nvidia-batch) of {CLUSTER}: node group batch-on-demand runs on a Capacity Block; "
            "only nvidia-training pools may",
            s.urn("batch-on-demand"),
        )
    ]


def test_pools_are_per_cluster():
    """The same pool name in another cluster is another pool: its spot group does not cover this one."""
    s = compute_stack()
    s.props("batch-spot")["clusterName"] = "acme-prod-eu-central-1"
    assert run(POLICY, s.args(CONFIG)).messages == [
        f"pool batch (nvidia-batch) of {CLUSTER} has no SPOT node group: nvidia-batch pools run on spot first, "
        "with on-demand only as a fallback; only nvidia-training pools may run on demand"
    ]


def test_an_unknown_capacity_type_cannot_be_judged():
    s = compute_stack()
    s.props("batch-spot")["capacityType"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_a_stack_without_gpu_groups_is_not_applicable():
    s = Stack()
    node_group(s, "system", pool="system", kind="system", accelerator="none", instance_types=["m7i.xlarge"])
    assert run(POLICY, s.args(CONFIG)).not_applicable == "the stack has no nvidia node group or NodePool"


# --- Karpenter NodePools ---------------------------------------------------------------------------


def karpenter_stack(*, on_demand_weight=10, on_demand_gpus=4, spot_weight=100) -> Stack:
    s = Stack()
    karpenter_pool(s, "batch-spot", instance_types=["g6e.12xlarge"], gpus=16, weight=spot_weight)
    karpenter_pool(s, "batch-on-demand", instance_types=["g6e.12xlarge"], gpus=on_demand_gpus,
                   capacity="on-demand", weight=on_demand_weight)  # fmt: skip
    return s


def test_a_spot_nodepool_weighted_above_a_smaller_on_demand_fallback_passes():
    assert run(POLICY, karpenter_stack().args(CONFIG)).violations == []


def test_an_on_demand_only_nodepool_without_a_spot_sibling_fails():
    s = karpenter_stack()
    s.remove("batch-spot")
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "Karpenter pool batch (nvidia-batch): NodePool batch-on-demand launches on-demand nodes only, and no "
            "spot NodePool of the pool has a higher weight than its 10, so Karpenter may not try spot first",
            s.urn("batch-on-demand"),
        )
    ]


def test_an_on_demand_nodepool_weighted_like_its_spot_sibling_fails():
    s = karpenter_stack(on_demand_weight=100)
    assert run(POLICY, s.args(CONFIG)).messages == [
        "Karpenter pool batch (nvidia-batch): NodePool batch-on-demand launches on-demand nodes only, and no "
        "spot NodePool of the pool has a higher weight than its 100, so Karpenter may not try spot first"
    ]


def test_a_nodepool_without_a_capacity_type_requirement_is_on_demand_only():
    s = Stack()
    karpenter_pool(s, "batch", instance_types=["g6e.12xlarge"], capacity=None)
    assert run(POLICY, s.args(CONFIG)).messages == [
        "Karpenter pool batch (nvidia-batch): NodePool batch launches on-demand nodes only, and no spot "
        "NodePool of the pool has a higher weight than its 0, so Karpenter may not try spot first"
    ]


def test_an_on_demand_fallback_allowed_more_gpus_than_spot_fails():
    s = karpenter_stack(on_demand_gpus=24)
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "Karpenter pool batch (nvidia-batch): the on-demand NodePool batch-on-demand may launch 24 "
            "nvidia.com/gpu, more than its spot NodePools (16)",
            s.urn("batch-on-demand"),
        )
    ]


def test_a_nodepool_allowing_both_capacity_types_and_training_nodepools_pass():
    s = Stack()
    karpenter_pool(s, "batch", instance_types=["g6e.12xlarge"], capacity=["spot", "on-demand"])
    karpenter_pool(s, "train", instance_types=["p5.48xlarge"], capacity="on-demand", kind="nvidia-training")
    s.props("train")["spec"]["template"]["metadata"]["labels"]["mlplatform.io/pool"] = "train"
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_an_unknown_nodepool_weight_raises():
    s = karpenter_stack(on_demand_weight=UNKNOWN)
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))
