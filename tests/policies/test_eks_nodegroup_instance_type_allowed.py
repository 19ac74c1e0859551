import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_instance_type_allowed import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
CONFIG = {"instanceTypes": ["g6e.12xlarge", "m7i.xlarge", "p5.48xlarge"]}
LT = {"id": "lt-0123", "version": "1"}


def group(types, **extra):
    return resource_args(NODE_GROUP, {"instanceTypes": types, "launchTemplate": LT, **extra}, config=CONFIG)


def test_allowed_types_pass():
    assert run(POLICY, group(["g6e.12xlarge", "m7i.xlarge"])).violations == []
    assert (
        run(POLICY, resource_args(TEMPLATE, {"instanceType": "p5.48xlarge"}, config=CONFIG)).violations == []
    )


def test_a_group_whose_template_names_the_type_passes():
    """Capacity Block groups name their one type in the launch template, which is judged itself."""
    assert run(POLICY, group(None)).violations == []
    assert run(POLICY, resource_args(TEMPLATE, {}, config=CONFIG)).violations == []


def test_another_type_in_a_group_fails():
    assert run(POLICY, group(["g6e.12xlarge", "p5e.48xlarge"])).messages == [
        "instance type(s) p5e.48xlarge not allowed in this environment; allowed: g6e.12xlarge, m7i.xlarge, "
        "p5.48xlarge"
    ]


def test_another_type_in_a_launch_template_fails():
    args = resource_args(TEMPLATE, {"instanceType": "p4de.24xlarge"}, config=CONFIG)
    assert run(POLICY, args).messages == [
        "instance type(s) p4de.24xlarge not allowed in this environment; allowed: g6e.12xlarge, m7i.xlarge, "
        "p5.48xlarge"
    ]


def test_a_group_naming_nothing_gets_eks_default_and_fails():
    args = resource_args(NODE_GROUP, {"scalingConfig": {"minSize": 0}}, config=CONFIG)
    assert run(POLICY, args).messages == [
        "instance type(s) t3.medium not allowed in this environment; allowed: g6e.12xlarge, m7i.xlarge, "
        "p5.48xlarge"
    ]


@pytest.mark.parametrize(
    "args",
    [
        lambda: group(["g6e.12xlarge", UNKNOWN]),
        lambda: resource_args(TEMPLATE, {"instanceType": UNKNOWN}, config=CONFIG),
    ],
)
def test_an_unknown_type_cannot_be_judged(args):
    with pytest.raises(UnknownValueError):
        run(POLICY, args())


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:ec2/instance:Instance", {}, config=CONFIG))
    assert result.not_applicable == f"applies to {NODE_GROUP}, {TEMPLATE}, {NODE_POOL}"


def node_pool(*requirements):
    spec = {"template": {"spec": {"requirements": [
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]}, *requirements]}}}  # fmt: skip
    return resource_args(NODE_POOL, {"kind": "NodePool", "spec": spec}, config=CONFIG)


def listing(*types, operator="In"):
    return {"key": "node.kubernetes.io/instance-type", "operator": operator, "values": list(types)}


def test_a_nodepool_of_allowed_types_passes():
    assert run(POLICY, node_pool(listing("g6e.12xlarge"))).violations == []


def test_a_nodepool_with_another_type_fails():
    assert run(POLICY, node_pool(listing("g6e.12xlarge", "g6e.48xlarge"))).messages == [
        "instance type(s) g6e.48xlarge not allowed in this environment; allowed: g6e.12xlarge, m7i.xlarge, "
        "p5.48xlarge"
    ]


@pytest.mark.parametrize(
    "requirements",
    [(), (listing("p5.48xlarge", operator="NotIn"),), ({"key": "karpenter.k8s.aws/instance-family", "operator": "In",
                                                         "values": ["g6e"]},)],
)  # fmt: skip
def test_a_nodepool_that_lists_no_types_fails(requirements):
    assert run(POLICY, node_pool(*requirements)).messages == [
        "the NodePool lists no instance types (a node.kubernetes.io/instance-type In requirement): Karpenter may "
        "launch any type"
    ]


def test_an_unknown_nodepool_type_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, node_pool(listing("g6e.12xlarge", UNKNOWN)))
