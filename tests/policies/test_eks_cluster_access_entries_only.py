import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_cluster_access_entries_only import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

CLUSTER = "aws:eks/cluster:Cluster"
GOOD = {"authenticationMode": "API", "bootstrapClusterCreatorAdminPermissions": False}
CREATOR = (
    "the cluster creator gets implicit cluster admin (bootstrapClusterCreatorAdminPermissions is not false)"
)


def cluster(access):
    return resource_args(CLUSTER, {"accessConfig": access})


def test_api_mode_without_creator_admin_passes():
    assert run(POLICY, cluster(GOOD)).violations == []


@pytest.mark.parametrize(
    ("access", "messages"),
    [
        ({**GOOD, "authenticationMode": "API_AND_CONFIG_MAP"},
         ["authentication mode is API_AND_CONFIG_MAP, not API: the aws-auth ConfigMap can grant access outside IAM"]),
        ({**GOOD, "bootstrapClusterCreatorAdminPermissions": True}, [CREATOR]),
        (None, ["authentication mode is not set (CONFIG_MAP, the default), not API: the aws-auth ConfigMap can "
                "grant access outside IAM", CREATOR]),
    ],
)  # fmt: skip
def test_config_map_or_creator_admin_fails(access, messages):
    assert run(POLICY, cluster(access)).messages == messages


def test_an_unknown_mode_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, cluster({**GOOD, "authenticationMode": UNKNOWN}))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:eks/accessEntry:AccessEntry", {}))
    assert result.not_applicable == f"applies to {CLUSTER}"
