import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_worst_case_priced import POLICY
from tests.policies.harness import UNKNOWN, Stack, provider, run

US_EAST = provider("us-east-1")
QUEUE = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
LOWER_BOUND = (
    "budgets-environment-worst-case-under-cap counts it as $0, so the stack's worst case is a lower bound"
)


def group(instance_type: str, max_size: int = 4) -> dict:
    return {
        "capacityType": "ON_DEMAND",
        "instanceTypes": [instance_type],
        "labels": {"mlplatform.io/pool": instance_type.split(".")[0]},
        "scalingConfig": {"minSize": 0, "maxSize": max_size, "desiredSize": 0},
    }


def queue(team: str, gpus: str) -> dict:
    flavor = {"name": "f", "resources": [{"name": "nvidia.com/gpu", "nominalQuota": gpus}]}
    return {"metadata": {"name": team}, "spec": {"resourceGroups": [{"flavors": [flavor]}]}}


def stack() -> Stack:
    """g5.xlarge on demand in us-east-1 ($1.006 an hour in core/platform_cost/data/prices.yaml), and a team queue there."""
    s = Stack()
    s.add("aws:eks/nodeGroup:NodeGroup", "batch", group("g5.xlarge"), provider_resource=US_EAST)
    s.add(QUEUE, "queue-perception", queue("perception", "16"), provider_resource=US_EAST)
    return s


def test_pools_and_quotas_with_prices_pass():
    assert run(POLICY, stack().args()).violations == []


def test_a_pool_the_price_table_cannot_price_is_named():
    s = stack()
    s.add("aws:eks/nodeGroup:NodeGroup", "ai100", group("dl2q.24xlarge", 2), provider_resource=US_EAST)
    assert run(POLICY, s.args()).violations == [
        (
            "node pool ai100: its worst case (2 x 730 h) has no price: ec2.on_demand.dl2q.24xlarge in us-east-1: "
            f"not found (not offered in us-east-1); {LOWER_BOUND}",
            s.urn("ai100"),
        )
    ]


def test_a_karpenter_pool_without_instance_types_is_named():
    s = stack()
    s.add(NODE_POOL, "any", {"spec": {"limits": {"nvidia.com/gpu": "8"}, "template": {"spec": {}}}},
          provider_resource=US_EAST)  # fmt: skip
    assert run(POLICY, s.args()).violations == [
        (
            "node pool any: its worst case (Karpenter NodePool without instance types or a limit) has no price: "
            f"ec2.on_demand in us-east-1: the NodePool names no instance types or no accelerator limit; {LOWER_BOUND}",
            s.urn("any"),
        )
    ]


def test_a_quota_without_a_priced_pool_in_its_region_is_named():
    s = stack()
    s.add(QUEUE, "queue-perception-usw2", queue("perception", "64"), provider_resource=provider("us-west-2"))
    assert run(POLICY, s.args()).violations == [
        (
            "team perception: its quota of 64 nvidia.com/gpu in us-west-2 (no pool: no price) is left out of "
            "eks-nodegroup-team-gpu-worst-case-under-budget",
            s.urn("queue-perception-usw2"),
        )
    ]


def test_an_unknown_max_size_cannot_be_judged():
    s = stack()
    s.props("batch")["scalingConfig"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_stacks_without_pools_or_queues_are_not_applicable():
    s = Stack()
    s.add("aws:kms/key:Key", "key", {}, provider_resource=US_EAST)
    assert (
        run(POLICY, s.args()).not_applicable
        == "the stack has no node group, Karpenter NodePool or Kueue ClusterQueue"
    )
