"""Rules of training compute: one cluster per training region, its VPC, endpoint, add-ons, pools, plugins, quotas."""

from __future__ import annotations

import re
from collections.abc import Iterable

from platform_spec.cidr import public_cidr_problem
from platform_spec.errors import MISSING, Problem
from platform_spec.models import (
    DEVICE_PLUGIN_FIELDS,
    EKS_ADDONS,
    ClusterSpec,
    EnvironmentSpec,
    OrganizationSpec,
    VpcSpec,
)
from platform_spec.naming import BUCKET_NAME_MAX, scratch_bucket_name
from platform_spec.queries import ACCELERATOR_NAMES, QUOTA_FIELDS, accelerator_capacity, accelerator_pools
from platform_spec.tables import node_pools


def compute_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    training = env.accounts.get("training")
    if training is None:
        return
    clusters = env.compute.clusters
    missing = [region for region in training.regions if region not in clusters]
    if missing:
        yield Problem(
            file,
            "compute.clusters",
            dict(clusters),
            f"every region of the training account needs a cluster; missing: {', '.join(missing)}",
        )
    for region, cluster in clusters.items():
        at = f"compute.clusters.{region}"
        if region not in training.regions:
            yield Problem(
                file,
                at,
                region,
                f"not a region of the training account; allowed: {', '.join(training.regions)}",
            )
            continue
        vpcs = env.training_vpcs(region)
        misplaced = [
            v
            for v in env.network.vpcs.values()
            if v.account == "training" and v.region not in training.regions
        ]
        if misplaced and not vpcs:
            continue  # a training VPC in a region the account does not use is reported above
        if len(vpcs) != 1:
            yield Problem(
                file,
                at,
                region,
                f"the cluster needs exactly one VPC of the training account in {region} under network.vpcs; "
                f"found {len(vpcs)}" + (f" ({', '.join(vpcs)})" if vpcs else ""),
            )
            continue
        yield from _endpoint_problems(cluster, at, file)
        absent = [addon for addon in EKS_ADDONS if addon not in cluster.addons]
        if absent:
            yield Problem(
                file,
                f"{at}.addons",
                dict(cluster.addons),
                f"every managed add-on needs a pinned version; missing: {', '.join(absent)}",
            )
        kube_proxy = cluster.addons.get("kube-proxy")
        if kube_proxy is not None and not kube_proxy.startswith(f"v{cluster.kubernetes_version}."):
            yield Problem(
                file,
                f"{at}.addons.kube-proxy",
                kube_proxy,
                f"kube-proxy runs the cluster's minor version: v{cluster.kubernetes_version}.<patch>-eksbuild.<n>",
            )
        systems = [key for key, group in cluster.node_groups.items() if group.kind == "system"]
        if len(systems) != 1:
            yield Problem(
                file,
                f"{at}.node_groups",
                dict(cluster.node_groups),
                f"a cluster needs exactly one node group of kind system for its add-ons; found {len(systems)}",
            )
        vpc_key = vpcs[0]
        yield from _node_group_problems(cluster, region, vpc_key, env.network.vpcs[vpc_key], at, file)
        yield from _karpenter_problems(cluster, region, at, file)
        yield from _device_plugin_problems(cluster, at, file)
        yield from _team_quota_problems(env, cluster, at, file)
    yield from _scratch_bucket_problems(org, env, training.regions, file)


def _scratch_bucket_problems(
    org: OrganizationSpec, env: EnvironmentSpec, training_regions: list[str], file: str
) -> Iterable[Problem]:
    """The scratch bucket of each cluster (components/team_tenancy.py) has a name S3 accepts."""

    for region in env.compute.clusters:
        if region not in training_regions:
            continue  # reported by compute_problems
        name = scratch_bucket_name(f"{org.name}-{env.name}", region)
        if len(name) > BUCKET_NAME_MAX:
            yield Problem(
                file,
                f"compute.clusters.{region}",
                region,
                f"scratch bucket name {name} is {len(name)} characters; S3 allows {BUCKET_NAME_MAX}",
            )


def _karpenter_problems(cluster: ClusterSpec, region: str, at: str, file: str) -> Iterable[Problem]:
    for key, pool in cluster.karpenter.node_pools.items():
        where = f"{at}.karpenter.node_pools.{key}"
        problems = list(
            node_pools.karpenter_pool_problems(pool.kind, instance_types=pool.instance_types, region=region)
        )
        for problem in problems:
            yield Problem(file, f"{where}.{problem.path}", problem.value, problem.message)
        if pool.on_demand is not None and pool.on_demand.weight >= pool.spot.weight:
            yield Problem(
                file,
                f"{where}.on_demand.weight",
                pool.on_demand.weight,
                f"spot is preferred: below spot.weight ({pool.spot.weight})",
            )
        if not problems:
            largest = node_pools.most_accelerators(pool.instance_types)
            for capacity in ("spot", "on_demand"):
                limits = getattr(pool, capacity)
                if limits is not None and limits.nvidia_gpus < largest:
                    yield Problem(
                        file,
                        f"{where}.{capacity}.nvidia_gpus",
                        limits.nvidia_gpus,
                        f"at least {largest}, the GPUs of the largest instance type, or that type never launches",
                    )
        for i, budget in enumerate(pool.budgets):
            if (budget.schedule is None) != (budget.duration is None):
                yield Problem(
                    file,
                    f"{where}.budgets[{i}]",
                    budget.schedule or budget.duration,
                    "schedule and duration are given together (Karpenter refuses one without the other)",
                )


def _device_plugin_problems(cluster: ClusterSpec, at: str, file: str) -> Iterable[Problem]:
    """Each device plugin exactly where the cluster has pools of its accelerator: without it their
    accelerators are never advertised; without such pools it would name a plugin nothing deploys."""
    for accelerator, pools in accelerator_pools(cluster).items():
        field = DEVICE_PLUGIN_FIELDS[accelerator]
        value = getattr(cluster.device_plugins, field)
        where = f"{at}.device_plugins.{field}"
        if pools and value is None:
            yield Problem(
                file,
                where,
                MISSING,
                f"required: the cluster has {ACCELERATOR_NAMES[accelerator]} pools ({', '.join(pools)}), and only "
                f"this device plugin advertises their {node_pools.ACCELERATOR_RESOURCES[accelerator]}",
            )
        elif not pools and value is not None:
            yield Problem(
                file,
                where,
                value,
                f"only for a cluster with {ACCELERATOR_NAMES[accelerator]} pools; this one has none: remove it",
            )


def _team_quota_problems(env: EnvironmentSpec, cluster: ClusterSpec, at: str, file: str) -> Iterable[Problem]:
    for key in cluster.teams:
        if key not in env.teams:
            yield Problem(file, f"{at}.teams.{key}", key, f"unknown team; allowed: {', '.join(env.teams)}")
    capacity = accelerator_capacity(cluster)
    if capacity is None:
        return
    for resource, field in QUOTA_FIELDS.items():
        quotas = {key: getattr(team, field) for key, team in cluster.teams.items() if getattr(team, field)}
        offered = sum(capacity[resource].values())
        if sum(quotas.values()) > offered:
            pools = ", ".join(f"{path}: {n}" for path, n in capacity[resource].items()) or "none"
            note = " (8 per dl2q.24xlarge, unverified)" if resource == "qualcomm.com/qaic" else ""
            yield Problem(
                file,
                f"{at}.teams",
                quotas,
                f"the teams' {field} add up to {sum(quotas.values())}, more than the cluster's pools offer at "
                f"their largest: {offered} {resource}{note} ({pools}); lower the quotas or grow the pools",
            )


def _endpoint_problems(cluster: ClusterSpec, at: str, file: str) -> Iterable[Problem]:
    where = f"{at}.public_access_cidrs"
    if not cluster.endpoint_public_access:
        if cluster.public_access_cidrs:
            yield Problem(
                file,
                where,
                list(cluster.public_access_cidrs),
                "only with endpoint_public_access: true; the endpoint is private",
            )
        return
    if not cluster.public_access_cidrs:
        yield Problem(file, where, [], "a public endpoint needs the networks allowed to reach it")
    for i, network in enumerate(cluster.public_access_cidrs):
        reason = public_cidr_problem(network)
        if reason is not None:
            yield Problem(file, f"{where}[{i}]", network, reason)


def _node_group_problems(
    cluster: ClusterSpec, region: str, vpc_key: str, vpc: VpcSpec, at: str, file: str
) -> Iterable[Problem]:
    for key, group in cluster.node_groups.items():
        where = f"{at}.node_groups.{key}"
        for problem in node_pools.pool_problems(
            group.kind,
            instance_types=group.instance_types,
            capacity=group.purchase(),
            min_size=group.min_size,
            max_size=group.max_size,
            desired_size=group.desired(),
            zones=group.availability_zones,
            region=region,
            ami_id=group.ami_id,
            capacity_reservation_id=group.capacity_reservation_id,
            on_demand_max_size=group.on_demand_max_size,
        ):
            yield Problem(file, f"{where}.{problem.path}", problem.value, problem.message)
        vpc_zones_valid = all(re.fullmatch(re.escape(region) + r"[a-z]", z) for z in vpc.availability_zones)
        for i, zone in enumerate(group.availability_zones or []):
            if vpc_zones_valid and zone not in vpc.availability_zones:  # a bad VPC zone is reported above
                yield Problem(
                    file,
                    f"{where}.availability_zones[{i}]",
                    zone,
                    f"not a zone of network.vpcs.{vpc_key}; allowed: {', '.join(vpc.availability_zones)}",
                )
        for suffix in ("-spot", "-on-demand") if group.purchase() == "spot-first" else ("",):
            name = f"{region}-{key}{suffix}"
            if len(name) + 8 > 63:  # Pulumi appends "-" and 7 characters
                yield Problem(
                    file,
                    where,
                    key,
                    f"node group name {name}-xxxxxxx would be {len(name) + 8} characters; EKS allows 63",
                )
