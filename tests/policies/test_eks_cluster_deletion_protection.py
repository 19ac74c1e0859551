import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_cluster_deletion_protection import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

CLUSTER = "aws:eks/cluster:Cluster"
REQUIRED = {"required": True}
OPTIONAL = {"required": False}
OFF = "deletion protection is off: one `pulumi destroy` or rename deletes the cluster"


def test_a_protected_cluster_passes():
    assert run(POLICY, resource_args(CLUSTER, {"deletionProtection": True}, config=REQUIRED)).violations == []


@pytest.mark.parametrize("value", [False, None])
def test_an_unprotected_cluster_fails_where_required(value):
    args = resource_args(CLUSTER, {"deletionProtection": value}, config=REQUIRED)
    assert run(POLICY, args).messages == [OFF]


def test_an_unprotected_cluster_passes_where_the_config_allows_it():
    """dev: `required` is false in policies/config/dev.json."""
    assert (
        run(POLICY, resource_args(CLUSTER, {"deletionProtection": False}, config=OPTIONAL)).violations == []
    )


def test_unknown_protection_cannot_be_judged_where_required():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(CLUSTER, {"deletionProtection": UNKNOWN}, config=REQUIRED))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:eks/addon:Addon", {}, config=REQUIRED))
    assert result.not_applicable == f"applies to {CLUSTER}"
