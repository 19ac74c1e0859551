import ipaddress

import pytest

from platform_spec.cidr import plan_subnets


@pytest.mark.parametrize(
    ("cidr", "zones", "private", "public"),
    [
        ("10.32.0.0/16", 3, ["10.32.0.0/18", "10.32.64.0/18", "10.32.128.0/18"],
         ["10.32.192.0/20", "10.32.208.0/20", "10.32.224.0/20"]),
        ("10.8.0.0/16", 2, ["10.8.0.0/18", "10.8.64.0/18"], ["10.8.192.0/20", "10.8.208.0/20"]),
        ("10.34.0.0/20", 3, ["10.34.0.0/22", "10.34.4.0/22", "10.34.8.0/22"],
         ["10.34.12.0/24", "10.34.13.0/24", "10.34.14.0/24"]),
    ],
)  # fmt: skip
def test_plans_large_private_and_small_public_subnets(cidr, zones, private, public):
    plan = plan_subnets(cidr, zones)
    assert list(plan.private) == private
    assert list(plan.public) == public


@pytest.mark.parametrize("zones", [2, 3, 4, 5, 6])
def test_subnets_never_overlap_and_stay_inside_the_vpc(zones):
    plan = plan_subnets("10.0.0.0/16", zones)
    networks = [ipaddress.IPv4Network(c) for c in (*plan.private, *plan.public)]
    assert len(networks) == 2 * zones
    assert all(n.subnet_of(ipaddress.IPv4Network("10.0.0.0/16")) for n in networks)
    assert not any(a.overlaps(b) for i, a in enumerate(networks) for b in networks[i + 1 :])


def test_rejects_a_vpc_too_small_for_its_zones():
    with pytest.raises(
        ValueError, match=r"10.0.0.0/24 is too small for 6 zones: public subnets would be /30"
    ):
        plan_subnets("10.0.0.0/24", 6)


def test_rejects_zero_zones():
    with pytest.raises(ValueError, match="zone_count must be at least 1, got 0"):
        plan_subnets("10.0.0.0/16", 0)
