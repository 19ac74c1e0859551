import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_accelerator_taint import POLICY
from tests.policies.clusters import compute_stack, karpenter_pool, node_group, user_data
from tests.policies.harness import UNKNOWN, Stack, run

CONFIG = {"taintKeys": {"nvidia": "nvidia.com/gpu", "qualcomm": "qualcomm.com/qaic"}}
NVIDIA_MISSING = (
    "has no nvidia.com/gpu:NoSchedule taint: pods that do not ask for accelerators can land on its nodes"
)
KUBELET_MISSING = (
    "node group ai100 runs a custom AMI whose user data does not register the qualcomm.com/qaic:NoSchedule "
    "taint (kubelet --register-with-taints): EKS adds no bootstrap to custom AMIs"
)


def test_every_accelerator_group_with_its_taint_passes():
    """The system pool's CriticalAddonsOnly taint is not an accelerator's and is not judged."""
    assert run(POLICY, compute_stack().args(CONFIG)).violations == []


@pytest.mark.parametrize(
    "taints",
    [
        [],
        [{"key": "nvidia.com/gpu", "value": "true", "effect": "PREFER_NO_SCHEDULE"}],
        [{"key": "qualcomm.com/qaic", "value": "true", "effect": "NO_SCHEDULE"}],
    ],
)
def test_a_gpu_group_without_its_no_schedule_taint_fails(taints):
    s = compute_stack()
    s.props("batch-spot")["taints"] = taints
    assert run(POLICY, s.args(CONFIG)).violations == [
        (f"node group batch-spot (nvidia) {NVIDIA_MISSING}", s.urn("batch-spot"))
    ]


def test_a_mislabelled_gpu_group_is_judged_by_its_instance_type():
    s = compute_stack()
    s.props("batch-spot")["labels"] = {}
    s.props("batch-spot")["taints"] = []
    assert run(POLICY, s.args(CONFIG)).messages == [f"node group batch-spot (nvidia) {NVIDIA_MISSING}"]


def test_a_capacity_block_group_is_judged_by_its_launch_template_type():
    s = compute_stack()
    s.props("train")["taints"] = None
    assert run(POLICY, s.args(CONFIG)).messages == [f"node group train (nvidia) {NVIDIA_MISSING}"]


def test_a_custom_ami_group_without_its_node_group_taint_fails():
    s = compute_stack()
    s.props("ai100")["taints"] = []
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "node group ai100 (qualcomm) has no qualcomm.com/qaic:NoSchedule taint: pods that do not ask for "
            "accelerators can land on its nodes",
            s.urn("ai100"),
        )
    ]


@pytest.mark.parametrize(
    "data",
    [
        user_data(taint=None),
        user_data(taint="qualcomm.com/qaic=true:PreferNoSchedule"),
        user_data(taint="nvidia.com/gpu=true:NoSchedule"),
        None,
    ],
)
def test_a_custom_ami_whose_kubelet_does_not_register_the_taint_fails(data):
    s = compute_stack()
    s.props("ai100-lt")["userData"] = data
    assert run(POLICY, s.args(CONFIG)).violations == [(KUBELET_MISSING, s.urn("ai100"))]


def test_several_taints_in_one_kubelet_flag_are_read():
    s = compute_stack()
    s.props("ai100-lt")["userData"] = user_data(
        taint="dedicated=validation:NoExecute,qualcomm.com/qaic:NoSchedule"
    )
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_an_accelerator_without_a_configured_key_fails():
    s = compute_stack()
    assert run(POLICY, s.args({"taintKeys": {"nvidia": "nvidia.com/gpu"}})).messages == [
        "node group ai100: no taint key is configured for accelerator qualcomm"
    ]


def test_unknown_user_data_cannot_be_judged():
    s = compute_stack()
    s.props("ai100-lt")["userData"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_a_stack_without_accelerator_groups_is_not_applicable():
    s = Stack()
    node_group(s, "system", pool="system", kind="system", accelerator="none", instance_types=["m7i.xlarge"])
    assert run(POLICY, s.args(CONFIG)).not_applicable == (
        "the stack has no accelerator node group or Karpenter NodePool"
    )


def test_a_karpenter_gpu_pool_with_its_taint_passes():
    s = compute_stack()
    karpenter_pool(s, "batch-pool", instance_types=["g6e.12xlarge"])
    assert run(POLICY, s.args(CONFIG)).violations == []


def test_a_karpenter_gpu_pool_without_its_taint_fails():
    s = compute_stack()
    karpenter_pool(s, "batch-pool", instance_types=["g6e.12xlarge"], taint=False)
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            "Karpenter NodePool batch-pool (nvidia) has no nvidia.com/gpu:NoSchedule taint: pods that do not ask "
            "for accelerators can land on its nodes",
            s.urn("batch-pool"),
        )
    ]


def test_an_unknown_nodepool_taint_cannot_be_judged():
    s = compute_stack()
    karpenter_pool(s, "batch-pool", instance_types=["g6e.12xlarge"])
    s.props("batch-pool")["spec"]["template"]["spec"]["taints"][0]["effect"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))
