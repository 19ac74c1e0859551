import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_accelerator_cap import POLICY
from tests.policies.clusters import compute_stack, karpenter_pool
from tests.policies.harness import UNKNOWN, Stack, run

# compute_stack: NVIDIA 8 x 4 + 2 x 4 + 4 x 8 = 72 GPUs, Qualcomm 2 x 8 = 16 cards.
CONFIG = {"maximum": {"nvidia": 72, "qualcomm": 16}}


def test_groups_within_the_caps_pass():
    assert run(POLICY, compute_stack().args(CONFIG)).violations == []


def test_more_gpus_than_the_cap_fail():
    s = compute_stack()
    s.props("batch-spot")["scalingConfig"]["maxSize"] = 10  # +8 GPUs
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "node groups and NodePools can scale to 80 NVIDIA GPUs, above this environment's cap of 72 "
            "(largest: batch-spot, 40)",
            s.urn("batch-spot"),
        )
    ]


def test_a_capacity_block_counts_its_launch_template_type():
    """train names p5.48xlarge (8 GPUs) only in its launch template."""
    s = compute_stack()
    s.props("train")["scalingConfig"]["maxSize"] = 5  # +8 GPUs
    assert run(POLICY, s.args(CONFIG)).messages == [
        "node groups and NodePools can scale to 80 NVIDIA GPUs, above this environment's cap of 72 (largest: train, 40)"
    ]


def test_a_group_naming_no_type_anywhere_cannot_be_counted():
    s = compute_stack()
    del s.props("train-lt")["instanceType"]
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "node group train: no instance type named by the group or its launch template, so its "
            "accelerators cannot be counted",
            s.urn("train"),
        )
    ]


def test_more_ai100_cards_than_the_cap_fail():
    s = compute_stack()
    s.props("ai100")["scalingConfig"]["maxSize"] = 3
    assert run(POLICY, s.args(CONFIG)).messages == [
        "node groups and NodePools can scale to 24 Qualcomm AI 100 cards, above this environment's cap of 16 "
        "(largest: ai100, 24)"
    ]


def test_a_group_mixing_sizes_counts_its_largest():
    s = compute_stack()
    s.props("batch-on-demand")["instanceTypes"] = ["g6e.12xlarge", "g6e.48xlarge"]  # 4 and 8 GPUs
    assert run(POLICY, s.args(CONFIG)).messages == [
        "node groups and NodePools can scale to 80 NVIDIA GPUs, above this environment's cap of 72 (largest: batch-spot, 32)"
    ]


def test_a_type_the_table_does_not_know_fails():
    s = compute_stack()
    s.props("batch-spot")["instanceTypes"] = ["g7.12xlarge"]
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "node group batch-spot: instance type(s) g7.12xlarge not in the pack's accelerator table, so its "
            "accelerators cannot be counted",
            s.urn("batch-spot"),
        )
    ]


def test_an_unknown_max_size_cannot_be_judged():
    s = compute_stack()
    s.props("train")["scalingConfig"]["maxSize"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_a_stack_without_node_groups_is_not_applicable():
    assert (
        run(POLICY, Stack().args(CONFIG)).not_applicable
        == "the stack has no EKS node group or Karpenter NodePool"
    )


def test_karpenter_limits_count_towards_the_cap():
    s = compute_stack()
    karpenter_pool(s, "batch-spot-pool", instance_types=["g6e.12xlarge", "g6e.24xlarge"], gpus=8)
    assert run(POLICY, s.args({"maximum": {"nvidia": 80, "qualcomm": 16}})).violations == []
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "node groups and NodePools can scale to 80 NVIDIA GPUs, above this environment's cap of 72 "
            "(largest: batch-spot, 32)",
            s.urn("batch-spot"),
        )
    ]


def test_a_gpu_nodepool_without_a_gpu_limit_fails():
    s = compute_stack()
    karpenter_pool(s, "batch-spot-pool", instance_types=["g6e.12xlarge"], gpus=None)
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "Karpenter NodePool batch-spot-pool launches nvidia nodes without a nvidia.com/gpu limit: its "
            "accelerators are unbounded",
            s.urn("batch-spot-pool"),
        )
    ]


@pytest.mark.parametrize(
    ("types", "what"),
    [
        (None, "no node.kubernetes.io/instance-type requirement (any type)"),
        (
            ["g6e.12xlarge", "g7e.12xlarge"],
            "instance type(s) g6e.12xlarge, g7e.12xlarge not in the pack's accelerator table",
        ),
    ],
)
def test_a_nodepool_whose_types_cannot_be_counted_fails(types, what):
    s = compute_stack()
    karpenter_pool(s, "batch-spot-pool", instance_types=types)
    assert run(POLICY, s.args({"maximum": {"nvidia": 1000, "qualcomm": 16}})).violations == [
        (
            f"Karpenter NodePool batch-spot-pool: {what}, so its accelerators cannot be counted",
            s.urn("batch-spot-pool"),
        )
    ]


def test_an_unknown_nodepool_limit_cannot_be_judged():
    s = compute_stack()
    karpenter_pool(s, "batch-spot-pool", instance_types=["g6e.12xlarge"])
    s.props("batch-spot-pool")["spec"]["limits"]["nvidia.com/gpu"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))
