import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_cluster_control_plane_logging import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

CLUSTER = "aws:eks/cluster:Cluster"
ALL = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
CONFIG = {"logTypes": ALL}


def cluster(types):
    return resource_args(CLUSTER, {"enabledClusterLogTypes": types}, config=CONFIG)


def test_every_log_type_passes():
    assert run(POLICY, cluster(list(reversed(ALL)))).violations == []


@pytest.mark.parametrize(
    ("types", "message"),
    [
        ([t for t in ALL if t != "audit"], "control-plane log types not enabled: audit"),
        (["api"], "control-plane log types not enabled: audit, authenticator, controllerManager, scheduler"),
        (
            None,
            "control-plane log types not enabled: api, audit, authenticator, controllerManager, scheduler",
        ),
    ],
)
def test_missing_log_types_fail(types, message):
    assert run(POLICY, cluster(types)).messages == [message]


def test_unknown_log_types_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, cluster(UNKNOWN))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:cloudwatch/logGroup:LogGroup", {}, config=CONFIG))
    assert result.not_applicable == f"applies to {CLUSTER}"
