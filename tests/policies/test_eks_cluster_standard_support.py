import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_cluster_standard_support import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

CLUSTER = "aws:eks/cluster:Cluster"


def test_standard_support_passes():
    assert (
        run(POLICY, resource_args(CLUSTER, {"upgradePolicy": {"supportType": "STANDARD"}})).violations == []
    )


@pytest.mark.parametrize(
    ("policy", "shown"),
    [({"supportType": "EXTENDED"}, "EXTENDED"), (None, "not set (EXTENDED, the default)")],
)
def test_extended_support_fails(policy, shown):
    assert run(POLICY, resource_args(CLUSTER, {"upgradePolicy": policy})).messages == [
        f"support type is {shown}: past standard support the control plane costs six times as much "
        "instead of being upgraded"
    ]


def test_an_unknown_support_type_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(CLUSTER, {"upgradePolicy": {"supportType": UNKNOWN}}))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:eks/nodeGroup:NodeGroup", {}))
    assert result.not_applicable == f"applies to {CLUSTER}"
