import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_team_gpu_worst_case_under_budget import POLICY
from tests.policies.harness import UNKNOWN, Stack, provider, run

US_EAST = provider("us-east-1")
QUEUE = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
PER_GPU = 21.9576 / 8  # p4d.24xlarge on-demand in us-east-1, per GPU-hour
CONFIG = {"teamBudgetsUsd": {"perception": 40000}}


def queue(team: str, gpus: str, qaic: str = "0") -> dict:
    def group(resource: str, quota: str) -> dict:
        return {"coveredResources": [resource],
                "flavors": [{"name": "f", "resources": [{"name": resource, "nominalQuota": quota}]}]}  # fmt: skip

    return {
        "metadata": {"name": team},
        "spec": {"resourceGroups": [group("nvidia.com/gpu", gpus), group("qualcomm.com/qaic", qaic)]},
    }


def stack(gpus: str = "16", instance_type: str = "p4d.24xlarge") -> Stack:
    s = Stack()
    s.add(
        "aws:eks/nodeGroup:NodeGroup",
        "train",
        {"capacityType": "ON_DEMAND", "instanceTypes": [instance_type], "labels": {"mlplatform.io/pool": "train"},
         "scalingConfig": {"minSize": 0, "maxSize": 2, "desiredSize": 0}},
        provider_resource=US_EAST,
    )  # fmt: skip
    s.add(QUEUE, "queue-perception", queue("perception", gpus), provider_resource=US_EAST)
    return s


def test_a_quota_that_fits_the_team_budget_passes():
    # 16 GPUs x $2.7447 x 730 h = $32,058
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_a_quota_beyond_the_budget_fails():
    s = stack(gpus="32")
    assert run(POLICY, s.args(CONFIG)).violations == [
        (
            f"team perception: its accelerator quotas used all month on the dearest pools cost ${32 * PER_GPU * 730:,.0f}, "
            "over its budget of $40,000",
            s.urn("queue-perception"),
        )
    ]


def test_a_smaller_budget_fails():
    assert run(POLICY, stack().args({"teamBudgetsUsd": {"perception": 30000}})).messages == [
        "team perception: its accelerator quotas used all month on the dearest pools cost $32,058, over its budget of $30,000"
    ]


def test_quotas_on_pools_without_a_price_are_left_out():
    s = stack(gpus="32")
    s.add(QUEUE, "queue-perception-usw2", queue("perception", "64"), provider_resource=provider("us-west-2"))
    assert run(POLICY, s.args(CONFIG)).messages == [
        f"team perception: its accelerator quotas used all month on the dearest pools cost ${32 * PER_GPU * 730:,.0f}, "
        "over its budget of $40,000; not priced: 64 nvidia.com/gpu in us-west-2 (no pool: no price)"
    ]


def test_teams_without_a_budget_are_not_judged():
    assert run(POLICY, stack(gpus="1000").args({"teamBudgetsUsd": {}})).violations == []


def test_an_unknown_quota_cannot_be_judged():
    s = stack()
    s.props("queue-perception")["spec"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_stacks_without_queues_are_not_applicable():
    s = stack()
    s.remove("queue-perception")
    assert run(POLICY, s.args(CONFIG)).not_applicable == "the stack has no Kueue ClusterQueue"
