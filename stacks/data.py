"""The `<env>-data` stack: the lake's shared buckets and catalog, and every data product of the spec."""

from __future__ import annotations

import pulumi

from components.data_lake import CatalogDatabaseArgs, DataLake, DataLakeArgs
from components.data_product import DataProduct, DataProductArgs, ZoneArgs
from platform_spec import PlatformSpec
from platform_spec.tables.tiering import Transition
from stacks.foundation import data_class_keys, environment_accounts
from stacks.providers import baseline_tags, layer_reference, regional_providers


def program(spec: PlatformSpec) -> None:
    env, org = spec.env, spec.org
    lake = env.data_lake
    data = env.accounts["data"]
    tags = baseline_tags(environment=env.name, layer="data", owner=env.owner, cost_center=env.cost_center)
    foundation = layer_reference(f"{env.name}-foundation")
    account_ids = foundation.require_output("account_ids")
    account_id = account_ids.apply(lambda ids: ids["data"])
    training_account_id = account_ids.apply(lambda ids: ids["training"])
    key_arns = foundation.require_output("kms_key_arns").apply(lambda keys: keys[data.account])

    providers = regional_providers(
        "data",
        account_id=account_id,
        regions=data.regions,
        role_name=f"{org.deploy_role_name}-{env.name}",
        session_name=f"mlplatform-{env.name}-data",
        tags=tags,
    )
    roles = environment_accounts(spec)[data.account][0]
    kms_key_arns = {
        region: {
            data_class: key_arns.apply(lambda keys, r=region, c=data_class: keys[r][c])
            for data_class in data_class_keys(spec, roles, region)
        }
        for region in data.regions
    }

    name_prefix = f"{org.name}-{env.name}"
    databases = {}
    for product in lake.products.values():
        domain = env.domains[product.domain]
        databases.setdefault(
            product.domain,
            CatalogDatabaseArgs(
                region=env.product_region(product),
                description=domain.description,
                owner_team=domain.owner_team,
            ),
        )
    data_lake = DataLake(
        "lake",
        DataLakeArgs(
            name_prefix=name_prefix,
            account_id=account_id,
            providers=providers,
            access_log_retention_days=lake.access_log_retention_days,
            databases=databases,
        ),
        opts=pulumi.ResourceOptions(provider=providers[data.regions[0]]),
    )

    # Products whose training snapshots an FSx for Lustre file system of the training account links.
    linked = {
        key for cluster in env.compute.clusters.values() if cluster.lustre for key in cluster.lustre.products
    }
    products = {}
    for key, product in lake.products.items():
        region = env.product_region(product)
        zones = {
            zone: ZoneArgs(
                data_class=zone_spec.data_class,
                region=region,
                personal_data=org.data_classes[zone_spec.data_class].personal_data,
                access=zone_spec.access,
                transitions=[Transition(t.days, t.storage_class) for t in zone_spec.transitions]
                if zone_spec.transitions is not None
                else None,
                retention_days=zone_spec.retention_days,
                object_lock_days=zone_spec.object_lock_days,
                replicate_to=zone_spec.replicate_to,
                inventory=zone_spec.volume_tib >= lake.inventory_min_tib,
            )
            for zone, zone_spec in product.zones.items()
        }
        products[key] = DataProduct(
            key,
            DataProductArgs(
                product=key,
                name_prefix=name_prefix,
                domain=product.domain,
                owner_team=env.product_owner(product),
                consumers=product.consumers,
                account_id=account_id,
                consumer_account_ids=[training_account_id],
                residency_regions=org.personal_data_regions,
                providers=providers,
                kms_key_arns=kms_key_arns,
                access_log_buckets=data_lake.access_log_buckets,
                inventory_bucket_arns=data_lake.inventory_bucket_arns,
                zones=zones,
                formats=product.formats,
                lustre_reader_account_ids=[training_account_id] if key in linked else (),
            ),
            opts=pulumi.ResourceOptions(provider=providers[region]),
        )

    pulumi.export("data_products", {key: product.export for key, product in products.items()})
    pulumi.export("glue_databases", data_lake.databases)
    pulumi.export("access_log_buckets", data_lake.access_log_buckets)
    pulumi.export("inventory_bucket_arns", data_lake.inventory_bucket_arns)
