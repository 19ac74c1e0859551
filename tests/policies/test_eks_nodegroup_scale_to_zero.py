import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_scale_to_zero import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"


def group(min_size, *, types=None, accelerator="none", capacity="ON_DEMAND"):
    props = {
        "capacityType": capacity,
        "labels": {"mlplatform.io/accelerator": accelerator},
        "scalingConfig": {"minSize": min_size, "maxSize": 8, "desiredSize": 0},
    }
    if types is not None:
        props["instanceTypes"] = types
    return resource_args(NODE_GROUP, props)


@pytest.mark.parametrize(
    "args",
    [
        lambda: group(0, types=["g6e.12xlarge"], accelerator="nvidia", capacity="SPOT"),
        lambda: group(0, types=["dl2q.24xlarge"], accelerator="qualcomm"),
        lambda: group(0, capacity="CAPACITY_BLOCK", accelerator="nvidia"),
        lambda: group(3, types=["m7i.xlarge", "m6i.xlarge"]),  # the system pool keeps its nodes
    ],
)
def test_accelerator_groups_from_zero_and_the_system_pool_pass(args):
    assert run(POLICY, args()).violations == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (lambda: group(1, types=["p4d.24xlarge"], accelerator="nvidia"),
         "the nvidia node group keeps at least 1 node(s) running when idle; min size must be 0"),
        (lambda: group(2, types=["dl2q.24xlarge"], accelerator="qualcomm"),
         "the qualcomm node group keeps at least 2 node(s) running when idle; min size must be 0"),
        # Mislabelled: the instance type, not the label, makes it a GPU group.
        (lambda: group(1, types=["g6.12xlarge"], accelerator="none"),
         "the nvidia node group keeps at least 1 node(s) running when idle; min size must be 0"),
        # A Capacity Block group names its type only in its launch template.
        (lambda: group(1, capacity="CAPACITY_BLOCK"),
         "the Capacity Block node group keeps at least 1 node(s) running when idle; min size must be 0"),
    ],
)  # fmt: skip
def test_accelerator_groups_that_keep_nodes_fail(args, message):
    assert run(POLICY, args()).messages == [message]


def test_an_unknown_minimum_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, group(UNKNOWN, types=["g6e.12xlarge"], accelerator="nvidia"))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:ec2/launchTemplate:LaunchTemplate", {}))
    assert result.not_applicable == f"applies to {NODE_GROUP}"
