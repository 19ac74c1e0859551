import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_cluster_endpoint_private import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

CLUSTER = "aws:eks/cluster:Cluster"
PRIVATE = {"endpointPrivateAccess": True, "endpointPublicAccess": False}
CLOSED = {"publicEndpointAllowed": False}
OPEN = {"publicEndpointAllowed": True}


def cluster(config=CLOSED, **vpc):
    return resource_args(CLUSTER, {"vpcConfig": {**PRIVATE, **vpc}}, config=config)


def test_a_private_endpoint_passes():
    assert run(POLICY, cluster()).violations == []


def test_named_public_networks_pass_where_allowed():
    args = cluster(OPEN, endpointPublicAccess=True, publicAccessCidrs=["203.0.113.0/24", "198.51.100.0/16"])
    assert run(POLICY, args).violations == []


def test_the_private_endpoint_off_fails():
    assert run(POLICY, cluster(endpointPrivateAccess=False)).messages == [
        "the private endpoint is off: nodes and operators reach the API server over the internet"
    ]


@pytest.mark.parametrize("public", [True, None])
def test_a_public_endpoint_fails_where_not_allowed(public):
    """EKS opens the public endpoint when endpointPublicAccess is not false."""
    args = resource_args(CLUSTER, {"vpcConfig": {"endpointPrivateAccess": True, "endpointPublicAccess": public}},
                         config=CLOSED)  # fmt: skip
    assert run(POLICY, args).messages == [
        "the public endpoint is on (EKS's default when endpointPublicAccess is not false); "
        "this environment allows only the private endpoint"
    ]


@pytest.mark.parametrize(
    ("cidrs", "message"),
    [
        (None, "the public endpoint is open to 0.0.0.0/0 (no publicAccessCidrs given)"),
        (
            ["0.0.0.0/0"],
            "the public endpoint admits 0.0.0.0/0, wider than a /16: name the networks that need it",
        ),
        (
            ["10.0.0.0/8"],
            "the public endpoint admits 10.0.0.0/8, wider than a /16: name the networks that need it",
        ),
        (["not-a-network"], "public access CIDR 'not-a-network' is not a network"),
    ],
)
def test_wide_or_missing_public_networks_fail_even_where_allowed(cidrs, message):
    args = cluster(OPEN, endpointPublicAccess=True, publicAccessCidrs=cidrs)
    assert run(POLICY, args).messages == [message]


def test_an_unknown_endpoint_setting_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, cluster(endpointPublicAccess=UNKNOWN))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:eks/nodeGroup:NodeGroup", {}, config=CLOSED))
    assert result.not_applicable == f"applies to {CLUSTER}"
