"""Rules of FSx for Lustre: capacity, zone, the linked products (never personal data) and its key."""

from __future__ import annotations

from collections.abc import Iterable

from platform_spec.errors import Problem
from platform_spec.models import EnvironmentSpec, OrganizationSpec
from platform_spec.tables import lake_classes
from platform_spec.tables.lustre import storage_problem


def lustre_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    """FSx for Lustre: capacity, zone, the products it links (personal data only within residency) and
    the platform key it is encrypted with."""

    training = env.accounts.get("training")
    lake = env.data_lake.products
    with_snapshots = [key for key, product in lake.items() if "training-snapshot" in product.zones]
    for region, cluster in env.compute.clusters.items():
        lustre = cluster.lustre
        if lustre is None or training is None or region not in training.regions:
            continue  # a cluster outside the training regions is reported by compute_problems
        at = f"compute.clusters.{region}.lustre"
        reason = storage_problem(lustre.storage_tib)
        if reason is not None:
            yield Problem(file, f"{at}.storage_tib", lustre.storage_tib, reason)
        vpcs = env.training_vpcs(region)
        if len(vpcs) == 1:  # otherwise reported by compute_problems
            zones = env.network.vpcs[vpcs[0]].availability_zones
            training_zones = sorted(
                {
                    zone
                    for group in cluster.node_groups.values()
                    if group.kind == "nvidia-training"
                    for zone in group.availability_zones or zones
                }
            )
            if lustre.availability_zone not in zones:
                yield Problem(
                    file,
                    f"{at}.availability_zone",
                    lustre.availability_zone,
                    f"not a zone of network.vpcs.{vpcs[0]}; allowed: {', '.join(zones)}",
                )
            elif training_zones and lustre.availability_zone not in training_zones:
                yield Problem(
                    file,
                    f"{at}.availability_zone",
                    lustre.availability_zone,
                    f"Lustre serves one zone: put it where a training pool runs, {', '.join(training_zones)}",
                )
        for i, key in enumerate(lustre.products):
            where = f"{at}.products[{i}]"
            product = lake.get(key)
            if product is None:
                yield Problem(
                    file, where, key, f"not a data product of data_lake.products; allowed: {', '.join(lake)}"
                )
                continue
            snapshot = product.zones.get("training-snapshot")
            if snapshot is None:
                yield Problem(
                    file,
                    where,
                    key,
                    "has no training-snapshot zone to link; products with one: "
                    + (", ".join(with_snapshots) or "none"),
                )
                continue
            data_class = org.data_classes.get(snapshot.data_class)
            if data_class is not None and data_class.personal_data:
                yield Problem(
                    file,
                    where,
                    key,
                    f"its training snapshots ({snapshot.data_class}) hold personal data; "
                    + lake_classes.PERSONAL_DATA_STAYS,
                )
        platform = org.data_classes.get("platform")
        if platform is not None and "fsx" not in platform.key_services:
            yield Problem(
                file,
                at,
                "platform",
                "the file system is encrypted with the platform key, which only the services in "
                "data_classes.platform.key_services of environments/org.yaml may use: add fsx there",
            )
