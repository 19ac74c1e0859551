"""The node pool table: pure checks, and every pool of every environment against EC2's offerings.

EC2's instance type offerings come from the copy moto ships (by region and by zone name); they
are read directly, without the moto API, because the question is only "is this type offered
there". Zone names map to different physical zones in each account, so `mlplat preflight`
(a later issue) asks the real account before a deploy.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import moto
import pytest

from components import _tags
from platform_spec import load_spec, models, queries
from platform_spec.tables import node_pools
from platform_spec.tables.node_pools import PoolProblem, groups, labels, pool_problems

OFFERINGS = Path(moto.__file__).parent / "ec2" / "resources" / "instance_type_offerings"


@cache
def offered(location_type: str, region: str) -> dict[str, set[str]]:
    """Instance type -> the regions or zones (of `region`) offering it."""
    path = OFFERINGS / location_type / f"{region}.json.gz"
    found: dict[str, set[str]] = {}
    for offering in json.loads(gzip.decompress(path.read_bytes())):
        found.setdefault(offering["InstanceType"], set()).add(offering["Location"])
    return found


def pool(kind: str, **overrides):
    base = {
        "instance_types": ["g6e.12xlarge"],
        "capacity": "spot-first",
        "min_size": 0,
        "max_size": 4,
        "desired_size": 0,
        "zones": None,
        "region": "us-west-2",
        "ami_id": None,
        "capacity_reservation_id": None,
        "on_demand_max_size": 1,
    }
    return list(pool_problems(kind, **{**base, **overrides}))


# --- the table against EC2's offerings ------------------------------------------------------


@pytest.mark.parametrize("family", sorted(node_pools.FAMILIES))
def test_the_region_list_of_every_family_is_what_ec2_offers(family):
    """For every region the spec accepts: the table says offered exactly where EC2 offers every size."""
    sizes = [f"{family}.{size}" for size in node_pools.FAMILIES[family].sizes]
    offering = {
        region
        for region in models.AWS_REGIONS
        if (OFFERINGS / "region" / f"{region}.json.gz").exists()
        and all(t in offered("region", region) for t in sizes)
    }
    assert set(node_pools.FAMILIES[family].regions) == offering


def test_the_facts_the_environments_are_built_on():
    assert node_pools.FAMILIES["dl2q"].regions == ("eu-central-1", "us-west-2")
    assert "eu-central-1" not in node_pools.FAMILIES["p5"].regions
    assert "us-west-2" in node_pools.FAMILIES["p5"].regions


def test_every_family_belongs_to_one_kind():
    owners = [f for kind in node_pools.KINDS.values() for f in kind.families]
    assert sorted(owners) == sorted(node_pools.FAMILIES)


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_every_instance_type_of_every_pool_is_offered_in_its_zones(environment):
    env = load_spec(environment).env
    checked = 0
    for region, cluster in env.compute.clusters.items():
        (vpc_key,) = env.training_vpcs(region)
        by_zone = offered("availability-zone", region)
        for key, group in cluster.node_groups.items():
            zones = group.availability_zones or env.network.vpcs[vpc_key].availability_zones
            for instance_type in group.instance_types:
                missing = sorted(set(zones) - by_zone.get(instance_type, set()))
                assert missing == [], (
                    f"{environment} {region} {key}: {instance_type} not offered in {missing}"
                )
                checked += 1
    assert checked >= {"dev": 4, "staging": 8, "prod": 13}[environment]


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_every_instance_type_of_every_karpenter_pool_is_offered_in_every_zone_of_its_subnets(environment):
    """A NodePool may launch into any subnet of the cluster's VPC (EC2NodeClass subnets by id)."""
    env = load_spec(environment).env
    checked = 0
    for region, cluster in env.compute.clusters.items():
        (vpc_key,) = env.training_vpcs(region)
        by_zone = offered("availability-zone", region)
        zones = env.network.vpcs[vpc_key].availability_zones
        for key, karpenter_pool in cluster.karpenter.node_pools.items():
            for instance_type in karpenter_pool.instance_types:
                missing = sorted(set(zones) - by_zone.get(instance_type, set()))
                assert missing == [], (
                    f"{environment} {region} karpenter {key}: {instance_type} not offered in {missing}"
                )
                checked += 1
    assert checked >= {"dev": 2, "staging": 4, "prod": 7}[environment]


def test_karpenter_pools_take_only_batch_kinds_and_mixed_sizes():
    assert node_pools.KARPENTER_KINDS == ("nvidia-batch",)
    assert list(node_pools.karpenter_pool_problems("nvidia-batch", instance_types=["g6e.12xlarge", "g6e.48xlarge"],
                                                   region="us-west-2")) == []  # fmt: skip
    assert list(node_pools.karpenter_pool_problems("nvidia-training", instance_types=["p5.48xlarge"], region=None)) == [
        PoolProblem("kind", "nvidia-training", "Karpenter provisions only nvidia-batch pools; training and AI 100 pools "
                    "are managed node groups (docs/adr/0008-cluster-software.md)")
    ]  # fmt: skip
    assert node_pools.most_accelerators(["g6e.12xlarge", "g6e.48xlarge", "g6e.xlarge"]) == 8
    assert node_pools.resource("qualcomm-ai100") == "qualcomm.com/qaic"
    assert node_pools.resource("system") is None


def test_dl2q_is_offered_in_one_zone_of_each_region_the_specs_name():
    """Why the AI 100 pools name a zone: dl2q is offered in one zone per region."""
    assert offered("availability-zone", "eu-central-1")["dl2q.24xlarge"] == {"eu-central-1c"}
    assert offered("availability-zone", "us-west-2")["dl2q.24xlarge"] == {"us-west-2d"}


# --- pool_problems ------------------------------------------------------------------------------


def test_a_valid_pool_has_no_problem():
    assert pool("nvidia-batch") == []
    assert pool("qualcomm-ai100", instance_types=["dl2q.24xlarge"], capacity="on-demand", ami_id="ami-0123456789abcdef0",
                on_demand_max_size=None) == []  # fmt: skip


def test_dl2q_outside_its_regions_is_refused():
    assert pool(
        "qualcomm-ai100",
        instance_types=["dl2q.24xlarge"],
        capacity="on-demand",
        region="us-east-1",
        ami_id="ami-0123456789abcdef0",
        on_demand_max_size=None,
    ) == [
        PoolProblem(
            "instance_types[0]",
            "dl2q.24xlarge",
            "dl2q is not offered in us-east-1; offered in: eu-central-1, us-west-2",
        )
    ]


def test_families_sizes_and_accelerator_counts_are_checked():
    assert pool("nvidia-batch", instance_types=["p5.48xlarge", "g6e.3xlarge", "g6e.xlarge", "g5.12xlarge"]) == [
        PoolProblem("instance_types[0]", "p5.48xlarge", "p5 is not a family for nvidia-batch pools; allowed: g5, g6, g6e"),
        PoolProblem("instance_types[1]", "g6e.3xlarge",
                    "not a g6e size this platform knows; allowed: xlarge, 2xlarge, 4xlarge, 8xlarge, 16xlarge, 12xlarge, 24xlarge, 48xlarge"),
        PoolProblem("instance_types", ["p5.48xlarge", "g6e.3xlarge", "g6e.xlarge", "g5.12xlarge"],
                    "every type of a pool must carry the same number of accelerators (the scheduler sizes nodes alike); found 1, 4"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("instance_type", "known"),
    [("p5.48xlarge", True), ("dl2q.24xlarge", True), ("m7i.large", True), ("g6.3xlarge", False),
     ("p9.48xlarge", False), ("p5", False), ("", False)],
)  # fmt: skip
def test_an_instance_type_is_known_with_its_family_and_size(instance_type, known):
    assert node_pools.known_instance_type(instance_type) is known


def test_unknown_instance_types_leave_a_clusters_accelerators_uncounted():
    cluster = load_spec("prod").env.compute.clusters["us-west-2"]
    assert queries.accelerator_capacity(cluster) is not None
    groups = dict(cluster.node_groups)
    groups["ai100"] = groups["ai100"].model_copy(update={"instance_types": ["dl2q.48xlarge"]})
    assert queries.accelerator_capacity(cluster.model_copy(update={"node_groups": groups})) is None


def test_accelerator_pools_scale_from_zero_and_training_stays_in_one_zone():
    assert pool(
        "nvidia-training",
        instance_types=["p4d.24xlarge"],
        capacity="on-demand",
        min_size=2,
        desired_size=2,
        zones=["us-west-2a", "us-west-2b"],
        on_demand_max_size=None,
    ) == [
        PoolProblem("min_size", 2, "nvidia-training pools scale from zero: min_size must be 0"),
        PoolProblem(
            "availability_zones",
            ["us-west-2a", "us-west-2b"],
            "nvidia-training pools stay in exactly one AZ (placement group, no cross-AZ traffic): name one",
        ),
    ]


def test_capacity_blocks_need_their_reservation_and_one_type():
    problems = pool("nvidia-training", instance_types=["p5.48xlarge", "p5e.48xlarge"], capacity="capacity-block",
                    zones=["us-west-2a"], on_demand_max_size=None)  # fmt: skip
    assert [p.path for p in problems] == ["capacity_reservation_id", "instance_types"]
    assert pool(
        "nvidia-batch",
        capacity="capacity-block",
        capacity_reservation_id="cr-0123456789abcdef0",
        on_demand_max_size=None,
    ) == [PoolProblem("capacity", "capacity-block", "nvidia-batch pools use spot-first or spot or on-demand")]


def test_custom_amis_only_where_the_eks_amis_do_not_reach():
    assert [p.path for p in pool("qualcomm-ai100", instance_types=["dl2q.24xlarge"], capacity="on-demand",
                                 on_demand_max_size=None)] == ["ami_id"]  # fmt: skip
    assert pool("nvidia-batch", ami_id="ami-0123456789abcdef0") == [
        PoolProblem("ami_id", "ami-0123456789abcdef0", "nvidia-batch pools use the EKS-optimized AL2023_x86_64_NVIDIA AMI; remove it")
    ]  # fmt: skip


def test_system_pools_keep_a_node_and_the_fallback_size_belongs_to_spot_first():
    assert pool("system", instance_types=["m7i.large"], capacity="on-demand", on_demand_max_size=2) == [
        PoolProblem("min_size", 0, "the system pool runs the cluster add-ons: at least 1"),
        PoolProblem("on_demand_max_size", 2, "only for capacity: spot-first"),
    ]
    assert pool("nvidia-batch", on_demand_max_size=None) == [
        PoolProblem(
            "on_demand_max_size", None, "required: the size of the on-demand fallback of a spot-first pool"
        )
    ]
    assert pool("nvidia-batch", desired_size=5) == [
        PoolProblem("desired_size", 5, "must be from min_size (0) to max_size (4)")
    ]
    assert pool("tpu") == [
        PoolProblem("kind", "tpu", "one of system, nvidia-training, nvidia-batch, qualcomm-ai100")
    ]


# --- expansion and labels -------------------------------------------------------------------


def test_spot_first_is_a_spot_group_and_an_on_demand_fallback_from_zero():
    assert groups("spot-first", min_size=0, max_size=24, desired_size=0, on_demand_max_size=6) == [
        node_pools.Group("-spot", "spot", 0, 24, 0),
        node_pools.Group("-on-demand", "on-demand", 0, 6, 0),
    ]
    assert groups("capacity-block", min_size=0, max_size=8, desired_size=0, on_demand_max_size=None) == [
        node_pools.Group("", "capacity-block", 0, 8, 0)
    ]


def test_labels_name_the_pool_and_what_the_device_plugins_select():
    assert labels("ai100", "qualcomm-ai100", "on-demand") == {
        "mlplatform.io/pool": "ai100",
        "mlplatform.io/pool-kind": "qualcomm-ai100",
        "mlplatform.io/accelerator": "qualcomm",
        "mlplatform.io/capacity": "on-demand",
        "qualcomm.com/qaic": "true",
    }
    assert labels("batch", "nvidia-batch", "spot")["nvidia.com/gpu.present"] == "true"
    assert "nvidia.com/gpu.present" not in labels("system", "system", "on-demand")


def test_efa_interfaces_only_for_training_pools():
    assert node_pools.efa_interfaces("nvidia-training", "p5.48xlarge") == 32
    assert node_pools.efa_interfaces("nvidia-training", "p4d.24xlarge") == 4
    assert node_pools.efa_interfaces("qualcomm-ai100", "dl2q.24xlarge") == 0
    assert node_pools.accelerators("g6e.48xlarge") == 8


def test_instance_tags_merge_over_the_baseline_and_refuse_what_ec2_refuses():
    assert _tags.merged({"project": "mlplatform", "owner": "a"}, {"owner": "b"}, {"Name": "n"}) == {
        "project": "mlplatform", "owner": "b", "Name": "n",
    }  # fmt: skip
    with pytest.raises(ValueError) as error:
        _tags.merged({"aws:cloudformation": "x", "empty": ""})
    assert str(error.value) == (
        "'aws:cloudformation': keys are 1 to 128 characters and do not start with aws:; "
        "'empty': the value is empty or longer than 256 characters"
    )
