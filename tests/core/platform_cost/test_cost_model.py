"""The cost model against figures computed by hand from core/platform_cost/data/prices.yaml (us-east-1 rows).

Inventories here are small `pulumi stack export`-shaped resource lists: a provider, buckets of a known
size in one storage class each, a spot pool and an on-demand pool of the same type.
"""

from __future__ import annotations

import json

import pytest

from platform_cost import lake as cost_lake
from platform_cost import model as cost
from platform_cost import prices
from platform_cost.usage import PoolUsage, Usage, ZoneUsage

PRICES = prices.default()
DAYS = 730 / 24  # days per month, as AWS bills (730 hours)
GIB_OBJECTS = 1024 * 1024  # KiB in a GiB: objects of 1 GiB
STACK = "t-data"
PROVIDER = f"urn:pulumi:{STACK}::mlplatform::pulumi:providers:aws::p"


def exact(value: float):
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def provider(region: str = "us-east-1") -> dict:
    return {
        "urn": PROVIDER,
        "type": "pulumi:providers:aws",
        "custom": True,
        "id": "pid",
        "inputs": {"region": region, "allowedAccountIds": json.dumps(["123456789012"])},
    }


def bucket(name: str, transitions: list[tuple[int, str]] = (), expiration: int | None = None) -> list[dict]:
    urn = f"urn:pulumi:{STACK}::mlplatform::aws:s3/bucket:Bucket::{name}"
    rules = [{"id": "tiering", "status": "Enabled",
              "transitions": [{"days": d, "storageClass": c} for d, c in transitions]}]  # fmt: skip
    if expiration is not None:
        rules[0]["expiration"] = {"days": expiration}
    return [
        {"urn": urn, "type": "aws:s3/bucket:Bucket", "custom": True, "provider": f"{PROVIDER}::pid",
         "inputs": {"bucket": name, "tags": {"data-product": name, "zone": "raw"}}},
        {"urn": urn.replace("bucket:Bucket", "bucketLifecycleConfiguration:BucketLifecycleConfiguration"),
         "type": "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "custom": True,
         "provider": f"{PROVIDER}::pid", "inputs": {"bucket": name, "rules": rules},
         "propertyDependencies": {"bucket": [urn]}},
    ]  # fmt: skip


def node_group(name: str, capacity: str, instance_type: str, max_size: int) -> dict:
    return {
        "urn": f"urn:pulumi:{STACK}::mlplatform::aws:eks/nodeGroup:NodeGroup::{name}",
        "type": "aws:eks/nodeGroup:NodeGroup",
        "custom": True,
        "provider": f"{PROVIDER}::pid",
        "inputs": {
            "capacityType": capacity,
            "instanceTypes": [instance_type],
            "labels": {"mlplatform.io/pool": name},
            "scalingConfig": {"minSize": 0, "maxSize": max_size, "desiredSize": 0},
        },
    }


def run(resources: list[dict], usage: Usage) -> cost.Estimate:
    return cost.estimate(cost.from_inventory({STACK: [provider(), *resources]}), usage, PRICES)


def zone(
    volume_gb: float, object_kib: float = GIB_OBJECTS, age: float = 730, read_until: float = 0
) -> ZoneUsage:
    return ZoneUsage(
        volume_gb=volume_gb,
        mean_object_kib=object_kib,
        age_days=age,
        read_until_days=read_until,
        late_read_fraction=0,
    )


def lines_of(estimate: cost.Estimate, resource: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for line in estimate.lines:
        if line.resource == resource:
            found[line.item] = found.get(line.item, 0) + (line.usd or 0)
    return found


# --- a bucket of known size in each class -----------------------------------------------------------

# 1,024 GB of 1 GiB objects, aged evenly over 730 days, in one class from day 0: ingest per month is
# 1,024 / 730 x 30.4167 = 42.667 GB = 42.667 objects, each paying one transition request.
INGEST = 1024 / 730 * DAYS


@pytest.mark.parametrize(
    ("storage_class", "storage", "per_request"),
    [
        ("STANDARD_IA", 1024 * 0.0125, 0.01),
        ("ONEZONE_IA", 1024 * 0.01, 0.01),
        ("GLACIER_IR", 1024 * 0.004, 0.02),
        # archived: 32 KB per object at the class's rate, 8 KB at Standard's (1,024 objects)
        ("GLACIER", 1024 * 0.0036 + 1024 * 32 / GIB_OBJECTS * 0.0036 + 1024 * 8 / GIB_OBJECTS * 0.023, 0.03),
        (
            "DEEP_ARCHIVE",
            1024 * 0.00099 + 1024 * 32 / GIB_OBJECTS * 0.00099 + 1024 * 8 / GIB_OBJECTS * 0.023,
            0.05,
        ),
    ],
)
def test_a_bucket_in_one_class_costs_its_storage_and_its_transitions(storage_class, storage, per_request):
    estimate = run(bucket("b", [(0, storage_class)]), Usage(zones={"b/raw": zone(1024)}))
    assert estimate.total() == exact(storage + INGEST / 1000 * per_request)
    assert estimate.unpriced() == []
    (saving,) = estimate.savings
    assert saving.baseline_usd == exact(1024 * 0.023)
    assert saving.usd == exact(1024 * 0.023 - storage - INGEST / 1000 * per_request)


def test_a_standard_bucket_costs_its_gb_at_the_first_tier_and_saves_nothing():
    estimate = run(bucket("b"), Usage(zones={"b/raw": zone(1024)}))
    assert lines_of(estimate, "b") == {"s3.storage.STANDARD": exact(1024 * 0.023)}
    assert estimate.savings[0].usd == exact(0)


def test_standard_gb_beyond_50_tb_are_billed_at_the_next_tiers_across_buckets():
    usage = Usage(zones={"a/raw": zone(300 * 1024), "b/raw": zone(300 * 1024)})
    estimate = run(bucket("a") + bucket("b"), usage)
    total = 51200 * 0.023 + (512000 - 51200) * 0.022 + (600 * 1024 - 512000) * 0.021
    assert estimate.total() == exact(total)
    assert lines_of(estimate, "a")["s3.storage.STANDARD"] == exact(total / 2)


def test_leaving_before_the_minimum_duration_pays_the_rest():
    """Glacier IR at day 30, expiry at day 60: 30 days stored, 60 more billed after the expiry."""
    usage = Usage(zones={"b/raw": zone(600, age=730)})
    estimate = run(bucket("b", [(30, "GLACIER_IR")], expiration=60), usage)
    per_day = 600 / 60  # the horizon is the expiry
    ingest = per_day * DAYS
    expected = {
        "s3.storage.STANDARD": per_day * 30 * 0.023,
        "s3.storage.GLACIER_IR": per_day * 30 * 0.004 + ingest * 60 / DAYS * 0.004,
        "s3.transition.GLACIER_IR": ingest / 1000 * 0.02,
    }
    assert lines_of(estimate, "b") == {k: exact(v) for k, v in expected.items()}


def test_reads_of_infrequent_access_data_pay_retrieval():
    """Read monthly until day 60, Standard-IA from day 30: the bytes aged 30-60 are retrieved every month."""
    usage = Usage(zones={"b/raw": zone(730, read_until=60)})
    estimate = run(bucket("b", [(30, "STANDARD_IA")]), usage)
    assert lines_of(estimate, "b")["s3.retrieval.STANDARD_IA"] == exact(30 * 0.01)


# --- a spot pool against an on-demand pool ------------------------------------------------------------


def test_spot_and_on_demand_pools_and_their_worst_case():
    """g5.xlarge (1 GPU, $1.006 on-demand, spot 52 % below in us-east-1); 1,000 GPU-hours at 50 % utilization
    are 2,000 node-hours; the worst case is 4 nodes for 730 hours at on-demand (spot's cap)."""
    usage = Usage(
        pools={f"us-east-1/{p}": PoolUsage(accelerator_hours=1000, utilization=0.5) for p in ("od", "spot")}
    )
    estimate = run(
        [node_group("od", "ON_DEMAND", "g5.xlarge", 4), node_group("spot", "SPOT", "g5.xlarge", 4)], usage
    )
    assert lines_of(estimate, "od") == {"ec2.on_demand": exact(2000 * 1.006)}
    assert lines_of(estimate, "spot") == {"ec2.spot": exact(2000 * 1.006 * (1 - 0.52))}
    assert {line.resource: line.worst_usd for line in estimate.lines} == {
        "od": exact(4 * 730 * 1.006),
        "spot": exact(4 * 730 * 1.006),
    }
    assert estimate.saved("spot") == (exact(2000 * 1.006 * 0.52), 0)
    assert estimate.worst() == exact(2 * 4 * 730 * 1.006)


def test_a_spot_first_pool_puts_its_on_demand_share_on_the_fallback_group():
    groups = [node_group("b-spot", "SPOT", "g5.xlarge", 8), node_group("b-od", "ON_DEMAND", "g5.xlarge", 2)]
    for g in groups:
        g["inputs"]["labels"]["mlplatform.io/pool"] = "b"
    usage = Usage(
        pools={"us-east-1/b": PoolUsage(accelerator_hours=1000, utilization=1.0, on_demand_share=0.25)}
    )
    estimate = run(groups, usage)
    assert lines_of(estimate, "b-spot")["ec2.spot"] == exact(750 * 1.006 * 0.48)
    assert lines_of(estimate, "b-od")["ec2.on_demand"] == exact(250 * 1.006)


def test_a_pool_without_a_price_is_unpriced_not_guessed():
    usage = Usage(pools={"us-east-1/x": PoolUsage(accelerator_hours=100)})
    estimate = run([node_group("x", "ON_DEMAND", "dl2q.24xlarge", 2)], usage)  # not offered in us-east-1
    (line,) = estimate.lines
    assert line.usd is None and line.worst_usd is None
    assert line.missing == ("ec2.on_demand.dl2q.24xlarge in us-east-1: not found (not offered in us-east-1)",)
    assert estimate.total() == 0 and len(estimate.unpriced()) == 1


# --- the reference profile and small objects ------------------------------------------------------------

PIB_GB = 1024 * 1024


def reference_cost(lifecycle: cost_lake.Lifecycle) -> tuple[float, float]:
    """1 PiB of raw drive logs in us-east-1, 80 % of it untouched after 90 days: bytes spread evenly over
    450 days (so 80 % are older than 90), read monthly until day 90, never after; 64 MiB objects."""
    usage = ZoneUsage(
        volume_gb=PIB_GB, mean_object_kib=64 * 1024, age_days=450, read_until_days=90, late_read_fraction=0
    )
    charges = cost_lake.zone_charges(lifecycle, usage)
    totals: dict[str, float] = {}
    for charge in charges:
        totals[charge.item] = totals.get(charge.item, 0) + charge.quantity
    total = 0.0
    for charge in charges:  # tiered items (Standard, IT Frequent) at the blended rate of their month's total
        quote = PRICES.quote(charge.item, "us-east-1")
        total += charge.quantity * quote.total(totals[charge.item]) / totals[charge.item]
    return total, PRICES.quote("s3.storage.STANDARD", "us-east-1").total(PIB_GB)


def test_reference_profile_costs_less_than_35_percent_of_standard():
    """docs/cost-model.md derives these figures; sensor-raw's default profile (ingest-then-archive)."""
    tiered, standard = reference_cost(cost_lake.Lifecycle(((30, "GLACIER_IR"), (180, "DEEP_ARCHIVE"))))
    assert standard == exact(51200 * 0.023 + 460800 * 0.022 + (PIB_GB - 512000) * 0.021)
    assert round(standard, 2) == 22583.30
    assert round(tiered, 2) == 7885.75
    assert tiered / standard < 0.35


def test_intelligent_tiering_alone_does_not_reach_35_percent_for_the_reference_profile():
    tiered, standard = reference_cost(cost_lake.Lifecycle(((0, "INTELLIGENT_TIERING"),), None, 90, 180))
    assert round(tiered, 2) == 9176.30
    assert tiered / standard > 0.35


def test_small_objects_make_a_deep_archive_plan_cost_more_than_it_saves():
    """16 KiB objects moved to Deep Archive at day 30 (allowed below 128 KB by varies_by_storage_class):
    65,536 transition requests per GB at $0.05 per 1,000, and 40 KB of overhead per 16 KB object."""
    resources = bucket("small", [(30, "DEEP_ARCHIVE")])
    resources[1]["inputs"]["transitionDefaultMinimumObjectSize"] = "varies_by_storage_class"
    usage = Usage(zones={"small/raw": zone(1024, object_kib=16, age=365)})
    estimate = run(resources, usage)
    (saving,) = estimate.savings
    assert saving.usd is not None and saving.usd < 0
    assert lines_of(estimate, "small")["s3.transition.DEEP_ARCHIVE"] == exact(
        1024 / 365 * DAYS * 65536 / 1000 * 0.05
    )
    (payoff,) = cost_lake.transition_payoffs(
        cost_lake.Lifecycle(((30, "DEEP_ARCHIVE"),), min_size="varies_by_storage_class"),
        usage.zones["small/raw"], "us-east-1", PRICES,
    )  # fmt: skip
    assert payoff.pays_off is False
    assert payoff.request_usd == exact(0.05 / 1000)
    gb = 16 / GIB_OBJECTS
    stay = (365 - 30) / DAYS
    saving_per_object = stay * (gb * 0.023 - (gb + 32 / GIB_OBJECTS) * 0.00099 - 8 / GIB_OBJECTS * 0.023)
    assert payoff.saving_usd == exact(saving_per_object)


def test_small_objects_stay_in_standard_under_the_default_minimum_size():
    estimate = run(
        bucket("small", [(30, "DEEP_ARCHIVE")]), Usage(zones={"small/raw": zone(1024, object_kib=16)})
    )
    assert lines_of(estimate, "small") == {"s3.storage.STANDARD": exact(1024 * 0.023)}


def test_intelligent_tiering_monitors_only_objects_of_128_kb_or_more():
    big = Usage(zones={"b/raw": zone(1024, object_kib=256, age=730, read_until=0)})
    charges = cost_lake.zone_charges(cost_lake.Lifecycle(((0, "INTELLIGENT_TIERING"),)), big.zones["b/raw"])
    monitoring = [c for c in charges if c.item == "s3.intelligent_tiering.monitoring"]
    assert [c.quantity for c in monitoring] == [exact(1024 * 4096 / 1000)]
    small = zone(1024, object_kib=64)
    lifecycle = cost_lake.Lifecycle(((0, "INTELLIGENT_TIERING"),), min_size="varies_by_storage_class")
    assert cost_lake.zone_charges(lifecycle, small) == [
        cost_lake.Charge("s3.storage.STANDARD", 1024, "STANDARD from day 0 to 730")
    ]


def test_a_transition_that_pays_off():
    usage = ZoneUsage(
        volume_gb=1, mean_object_kib=64 * 1024, age_days=730, read_until_days=30, late_read_fraction=0
    )
    (payoff,) = cost_lake.transition_payoffs(
        cost_lake.Lifecycle(((30, "GLACIER_IR"),)), usage, "us-east-1", PRICES
    )
    assert payoff.pays_off is True
    assert payoff.saving_usd == exact(64 / 1024 * (0.023 - 0.004) * 700 / DAYS)


def test_a_transition_without_prices_is_not_judged():
    usage = ZoneUsage(
        volume_gb=1, mean_object_kib=64 * 1024, age_days=730, read_until_days=30, late_read_fraction=0
    )
    (payoff,) = cost_lake.transition_payoffs(
        cost_lake.Lifecycle(((30, "GLACIER_IR"),)), usage, "eu-west-1", PRICES
    )
    assert payoff.pays_off is None and payoff.missing


def test_a_karpenter_node_pool_is_bounded_by_its_accelerator_limit():
    """8 GPUs of g5.xlarge (1 GPU, $1.006) or g5.12xlarge (4 GPUs, $5.672): at worst 2 g5.12xlarge, $11.344 an hour.
    Its region is its cluster's, read from the Kubernetes provider's kubeconfig."""
    k8s = f"urn:pulumi:{STACK}::mlplatform::pulumi:providers:kubernetes::k"
    kubeconfig = json.dumps(
        {"clusters": [{"cluster": {"server": "https://ABC.gr7.us-east-1.eks.amazonaws.com"}}]}
    )
    node_pool = {
        "urn": f"urn:pulumi:{STACK}::mlplatform::kubernetes:karpenter.sh/v1:NodePool::batch-spot",
        "type": "kubernetes:karpenter.sh/v1:NodePool", "custom": True, "provider": f"{k8s}::kid",
        "inputs": {"spec": {"limits": {"cpu": "1000", "nvidia.com/gpu": "8"}, "template": {
            "metadata": {"labels": {"mlplatform.io/pool": "batch"}},
            "spec": {"requirements": [
                {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]},
                {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["g5.xlarge", "g5.12xlarge"]},
            ]}}}},
    }  # fmt: skip
    provider_k8s = {"urn": k8s, "type": "pulumi:providers:kubernetes", "custom": True, "id": "kid",
                    "inputs": {"kubeconfig": kubeconfig}}  # fmt: skip
    usage = Usage(pools={"us-east-1/batch": PoolUsage(accelerator_hours=800, utilization=1.0)})
    estimate = run([provider_k8s, node_pool], usage)
    (line,) = estimate.lines
    assert (line.region, line.item) == ("us-east-1", "ec2.spot")
    assert line.usd == exact(800 * 1.006 * 0.48)  # priced at the first type: 800 node-hours of g5.xlarge
    assert line.worst_usd == exact(2 * 5.672 * 730)
