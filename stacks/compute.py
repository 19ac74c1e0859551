"""The `<env>-compute` stack: an EKS cluster per training region with its system, NVIDIA and AI 100 pools."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components import karpenter_pools, registry_access
from components._kubernetes import TeamQuota
from components.device_plugins import DevicePlugins, DevicePluginsArgs
from components.eks_cluster import EksCluster, EksClusterArgs, SystemPoolArgs
from components.karpenter import Karpenter, KarpenterArgs
from components.karpenter_pools import KarpenterPools, KarpenterPoolsArgs
from components.kueue import Kueue, KueueArgs
from components.lustre_cache import LustreCache, LustreCacheArgs, SnapshotLinkArgs
from components.node_group import NodeGroup, NodeGroupArgs
from components.team_tenancy import (
    ProductFacts,
    TeamArgs,
    TeamTenancy,
    TeamTenancyArgs,
    namespace_quotas,
    team_reads,
)
from platform_spec import PlatformSpec
from platform_spec.models import ClusterSpec
from platform_spec.naming import scratch_bucket_name
from platform_spec.queries import accelerators
from platform_spec.tables import node_pools
from stacks.providers import baseline_tags, layer_reference, regional_providers


def cluster_name(spec: PlatformSpec, region: str) -> str:
    return f"{spec.org.name}-{spec.env.name}-{region}"


def _system_pool(cluster: ClusterSpec) -> SystemPoolArgs:
    (system,) = [group for group in cluster.node_groups.values() if group.kind == "system"]
    return SystemPoolArgs(
        instance_types=system.instance_types,
        min_size=system.min_size,
        max_size=system.max_size,
        desired_size=system.desired(),
        root_volume_gib=system.root_volume_gib,
        zones=system.availability_zones,
    )


def kubeconfig(
    *, cluster_name: str, endpoint: str, certificate_authority: str, region: str, role_arn: str
) -> str:
    """A kubeconfig for one cluster: its endpoint and CA, a token from `aws eks get-token` as `role_arn`.

    The role is the environment's deploy role, the principal the cluster's admin access entry names;
    nothing in the file is secret (the token is fetched at each call).
    """
    user = f"{cluster_name}-deployer"
    return json.dumps(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [
                {
                    "name": cluster_name,
                    "cluster": {"server": endpoint, "certificate-authority-data": certificate_authority},
                }
            ],
            "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": user}}],
            "current-context": cluster_name,
            "users": [
                {
                    "name": user,
                    "user": {
                        "exec": {
                            "apiVersion": "client.authentication.k8s.io/v1beta1",
                            "command": "aws",
                            "args": [
                                "--region", region, "eks", "get-token",
                                "--cluster-name", cluster_name, "--role-arn", role_arn, "--output", "json",
                            ],
                            "interactiveMode": "Never",
                        }
                    },
                }
            ],
        },
        sort_keys=True,
    )  # fmt: skip


def kubernetes_provider(
    name: str, *, cluster: EksCluster, region: str, role_arn: pulumi.Input[str]
) -> k8s.Provider:
    """The Kubernetes provider bound to one cluster: every Kubernetes object of the cluster uses it."""
    return k8s.Provider(
        name,
        kubeconfig=pulumi.Output.all(
            cluster.name, cluster.endpoint, cluster.certificate_authority, role_arn
        ).apply(
            lambda v: kubeconfig(
                cluster_name=v[0], endpoint=v[1], certificate_authority=v[2], region=region, role_arn=v[3]
            )
        ),
        enable_server_side_apply=True,
        opts=pulumi.ResourceOptions(depends_on=[cluster]),
    )


@dataclass(frozen=True)
class ClusterSoftware:
    device_plugins: DevicePlugins | None
    """None for a cluster without accelerator pools: no plugin to run."""
    karpenter: KarpenterPools
    kueue: Kueue


def cluster_software(
    region: str,
    spec: ClusterSpec,
    *,
    cluster_name: str,
    cluster: EksCluster,
    karpenter: Karpenter,
    subnet_ids: list[pulumi.Input[str]],
    kms_key_arn: pulumi.Input[str],
    tags: dict[str, str],
    kubernetes: k8s.Provider,
    namespaces: dict[str, pulumi.Input[str]],
) -> ClusterSoftware:
    """The Kubernetes objects every cluster runs, all through the cluster's Kubernetes provider."""
    present = accelerators(spec)
    (system,) = [group for group in spec.node_groups.values() if group.kind == "system"]
    replicas = min(2, system.min_size)  # one controller per system node at most (anti-affinity)
    on_cluster = pulumi.ResourceOptions(provider=kubernetes, depends_on=[cluster])
    # The spec gives each plugin exactly where the cluster has pools of its accelerator, and none without.
    device_plugins = (
        DevicePlugins(
            f"{region}-device-plugins", DevicePluginsArgs(**spec.device_plugins.model_dump()), opts=on_cluster
        )
        if present
        else None
    )
    pools = KarpenterPools(
        f"{region}-karpenter",
        KarpenterPoolsArgs(
            cluster_name=cluster_name,
            region=region,
            chart_version=spec.karpenter.chart_version,
            ami_alias=spec.karpenter.ami_alias,
            interruption_queue=karpenter.queue_name,
            node_role_name=cluster.node_role_name,
            subnet_ids=subnet_ids,
            security_group_ids=[cluster.security_group_id],
            kms_key_arn=kms_key_arn,
            tags=tags,
            replicas=replicas,
            pools={
                key: karpenter_pools.PoolArgs(
                    kind=pool.kind,
                    instance_types=pool.instance_types,
                    spot=karpenter_pools.CapacityLimits(**pool.spot.model_dump()),
                    on_demand=karpenter_pools.CapacityLimits(**pool.on_demand.model_dump())
                    if pool.on_demand
                    else None,
                    consolidation_policy=pool.consolidation_policy,
                    consolidate_after=pool.consolidate_after,
                    expire_after=pool.expire_after,
                    budgets=[karpenter_pools.Budget(**budget.model_dump()) for budget in pool.budgets],
                    root_volume_gib=pool.root_volume_gib,
                )
                for key, pool in spec.karpenter.node_pools.items()
            },
        ),
        # The controller's credentials come from the Pod Identity association of the AWS side.
        opts=pulumi.ResourceOptions(provider=kubernetes, depends_on=[cluster, karpenter]),
    )
    kueue = Kueue(
        f"{region}-kueue",
        KueueArgs(
            chart_version=spec.kueue.chart_version,
            cohort="teams",
            teams={key: TeamQuota(**team.model_dump()) for key, team in spec.teams.items()},
            accelerators=present,
            namespaces=namespaces,  # the tenancy's Namespaces: each LocalQueue is created after its namespace
            replicas=replicas,
        ),
        opts=on_cluster,
    )
    return ClusterSoftware(device_plugins, pools, kueue)


def product_facts(spec: PlatformSpec) -> dict[str, ProductFacts]:
    """The lake's products as the spec declares them: owner, consumers, personal data per zone."""
    env, org = spec.env, spec.org
    return {
        key: ProductFacts(
            owner_team=env.product_owner(product),
            consumers=product.consumers,
            personal_zones={
                zone: org.data_classes[z.data_class].personal_data for zone, z in product.zones.items()
            },
        )
        for key, product in env.data_lake.products.items()
    }


def team_tenancy(
    spec: PlatformSpec,
    region: str,
    cluster_spec: ClusterSpec,
    *,
    cluster: EksCluster,
    account_id: pulumi.Input[str],
    data_products: pulumi.Input[dict],
    kms_key_arn: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> TeamTenancy:
    """Namespaces, quotas, network policies, Pod Identity roles and scratch of the cluster's teams."""
    products = product_facts(spec)
    quotas = namespace_quotas(
        {key: TeamQuota(**team.model_dump()) for key, team in cluster_spec.teams.items()}
    )
    return TeamTenancy(
        f"{region}-tenancy",
        TeamTenancyArgs(
            cluster_name=cluster.name,
            kubernetes_version=cluster_spec.kubernetes_version,
            account_id=account_id,
            region=region,
            products=products,
            product_exports=data_products,
            teams={
                team: TeamArgs(
                    quota=quotas[team],
                    reads=team_reads(team, products),
                )
                for team in cluster_spec.teams
            },
            scratch_bucket_name=scratch_bucket_name(f"{spec.org.name}-{spec.env.name}", region),
            kms_key_arn=kms_key_arn,
        ),
        opts=opts,
    )


def lustre_cache(
    spec: PlatformSpec,
    region: str,
    cluster_spec: ClusterSpec,
    *,
    cluster: EksCluster,
    tenancy: TeamTenancy,
    account_id: pulumi.Input[str],
    vpc_id: pulumi.Input[str],
    subnet_ids: dict[str, pulumi.Input[str]],
    data_products: pulumi.Output[dict],
    kms_key_arn: pulumi.Input[str],
    grant_providers: dict[str, pulumi.ProviderResource],
    opts: pulumi.ResourceOptions,
) -> LustreCache:
    """FSx for Lustre linked to the training snapshots of the spec's products; a read-only claim in each
    namespace whose team may read every one of them."""
    lustre = cluster_spec.lustre
    assert lustre is not None
    env, org = spec.env, spec.org
    zone = "training-snapshot"

    def link(key: str) -> SnapshotLinkArgs:
        product = env.data_lake.products[key]
        exported = data_products.apply(lambda p: p[key]["zones"][zone])
        return SnapshotLinkArgs(
            region=env.product_region(product),
            personal_data=org.data_classes[product.zones[zone].data_class].personal_data,
            bucket=exported.apply(lambda z: z["bucket"]),
            bucket_arn=exported.apply(lambda z: z["bucket_arn"]),
            kms_key_arn=exported.apply(lambda z: z["kms_key_arn"]),
        )

    products = product_facts(spec)
    entitled = [
        team
        for team in cluster_spec.teams
        if all(zone in team_reads(team, products).get(key, []) for key in lustre.products)
    ]
    return LustreCache(
        f"{region}-lustre",
        LustreCacheArgs(
            cluster_name=cluster.name,
            region=region,
            account_id=account_id,
            vpc_id=vpc_id,
            subnet_id=subnet_ids[lustre.availability_zone],
            zone=lustre.availability_zone,
            cluster_security_group_id=cluster.security_group_id,
            kms_key_arn=kms_key_arn,
            storage_tib=lustre.storage_tib,
            throughput_per_tib=lustre.throughput_per_tib,
            log_retention_days=cluster_spec.log_retention_days,
            links={key: link(key) for key in lustre.products},
            grant_providers=grant_providers,
            csi_driver_version=lustre.csi_driver_version,
            mounts={team: tenancy.namespaces[team].metadata.name for team in entitled},
        ),
        opts=opts,
    )


def program(spec: PlatformSpec) -> None:
    env, org = spec.env, spec.org
    training = env.accounts["training"]
    tags = baseline_tags(environment=env.name, layer="compute", owner=env.owner, cost_center=env.cost_center)
    foundation = layer_reference(f"{env.name}-foundation")
    registry = layer_reference(f"{env.name}-registry")
    account_id = foundation.require_output("account_ids").apply(lambda ids: ids["training"])
    keys = foundation.require_output("kms_key_arns").apply(lambda k: k[training.account])
    vpcs = foundation.require_output("vpcs")
    deploy_role_arn = foundation.require_output("deploy_role_arns").apply(lambda arns: arns[training.account])
    repositories = registry.require_output("repositories")

    providers = regional_providers(
        "compute",
        account_id=account_id,
        regions=training.regions,
        role_name=f"{org.deploy_role_name}-{env.name}",
        session_name=f"mlplatform-{env.name}-compute",
        tags=tags,
    )
    data_products = layer_reference(f"{env.name}-data").require_output("data_products")
    # FSx grants on the lake's keys are made in each key's region, by this account (components/lustre_access.py).
    key_regions = {
        env.product_region(env.data_lake.products[key])
        for cluster_spec in env.compute.clusters.values()
        if cluster_spec.lustre
        for key in cluster_spec.lustre.products
    }
    grant_providers = providers | regional_providers(
        "compute",
        account_id=account_id,
        regions=sorted(key_regions - set(providers)),
        role_name=f"{org.deploy_role_name}-{env.name}",
        session_name=f"mlplatform-{env.name}-compute",
        tags=tags,
    )
    # Auto Scaling launches every node; its role must exist before a KMS grant can name it.
    autoscaling = aws.iam.ServiceLinkedRole(
        "autoscaling",
        aws_service_name="autoscaling.amazonaws.com",
        description="EC2 Auto Scaling launches the EKS nodes of the compute layer",
        opts=pulumi.ResourceOptions(provider=providers[training.regions[0]]),
    )

    exported = {}
    for region, spec_cluster in env.compute.clusters.items():
        in_region = pulumi.ResourceOptions(provider=providers[region])
        vpc_key = env.training_vpcs(region)[0]
        subnets = {
            zone: vpcs.apply(lambda v, k=vpc_key, z=zone: v[k]["private_subnets"][z])
            for zone in env.network.vpcs[vpc_key].availability_zones
        }
        platform_key = keys.apply(lambda k, r=region: k[r]["platform"])
        cluster = EksCluster(
            region,
            EksClusterArgs(
                cluster_name=cluster_name(spec, region),
                kubernetes_version=spec_cluster.kubernetes_version,
                account_id=account_id,
                region=region,
                subnet_ids=subnets,
                kms_key_arn=platform_key,
                addon_versions=spec_cluster.addons,
                log_retention_days=spec_cluster.log_retention_days,
                admin_role_arns=[deploy_role_arn],
                system_pool=_system_pool(spec_cluster),
                ebs_grantee_arn=autoscaling.arn,
                tags=tags,
                endpoint_public_access=spec_cluster.endpoint_public_access,
                public_access_cidrs=spec_cluster.public_access_cidrs,
                support_type=spec_cluster.support_type,
                deletion_protection=spec_cluster.deletion_protection,
            ),
            opts=in_region,
        )
        # The Kubernetes provider of this cluster: every Kubernetes object below (device plugins,
        # Karpenter, Kueue, team tenancy) is created with `opts=ResourceOptions(provider=kubernetes)`.
        kubernetes = kubernetes_provider(
            f"{region}-kubernetes", cluster=cluster, region=region, role_arn=deploy_role_arn
        )
        registry_access.grant_pull(
            f"{region}-nodes-pull",
            role=cluster.node_role_name,
            repositories=repositories,
            opts=pulumi.ResourceOptions(provider=providers[region], parent=cluster),
        )
        karpenter = Karpenter(
            f"{region}-karpenter",
            KarpenterArgs(
                cluster_name=cluster_name(spec, region),
                cluster_arn=cluster.arn,
                account_id=account_id,
                region=region,
                node_role_arn=cluster.node_role_arn,
                volume_key_arn=platform_key,
            ),
            opts=pulumi.ResourceOptions(provider=providers[region], depends_on=[cluster]),
        )
        node_groups = {"system": cluster.system_nodes.arn}
        for key, pool in spec_cluster.node_groups.items():
            if pool.kind == "system":
                continue
            for group in node_pools.groups(
                pool.purchase(),
                min_size=pool.min_size,
                max_size=pool.max_size,
                desired_size=pool.desired(),
                on_demand_max_size=pool.on_demand_max_size,
            ):
                node_group = NodeGroup(
                    f"{region}-{key}{group.suffix}",
                    NodeGroupArgs(
                        pool=key,
                        kind=pool.kind,
                        region=region,
                        cluster=cluster.attachment,
                        subnet_ids=subnets,
                        zones=pool.availability_zones,
                        instance_types=pool.instance_types,
                        capacity=group.capacity,
                        min_size=group.min_size,
                        max_size=group.max_size,
                        desired_size=group.desired_size,
                        root_volume_gib=pool.root_volume_gib,
                        ami_id=pool.ami_id,
                        capacity_reservation_id=pool.capacity_reservation_id,
                        kms_key_arn=platform_key,
                        tags={**tags, "eks-cluster": cluster_name(spec, region)},
                    ),
                    opts=pulumi.ResourceOptions(provider=providers[region], depends_on=[cluster]),
                )
                node_groups[f"{key}{group.suffix}"] = node_group.arn
        # Team namespaces and roles, FSx for Lustre (docs/adr/0009-team-tenancy-and-lustre.md).
        on_both = pulumi.ResourceOptions(providers=[providers[region], kubernetes], depends_on=[cluster])
        tenancy = team_tenancy(
            spec,
            region,
            spec_cluster,
            cluster=cluster,
            account_id=account_id,
            data_products=data_products,
            kms_key_arn=platform_key,
            opts=on_both,
        )
        lustre = (
            lustre_cache(
                spec,
                region,
                spec_cluster,
                cluster=cluster,
                tenancy=tenancy,
                account_id=account_id,
                vpc_id=vpcs.apply(lambda v, k=vpc_key: v[k]["vpc_id"]),
                subnet_ids=subnets,
                data_products=data_products,
                kms_key_arn=platform_key,
                grant_providers=grant_providers,
                opts=on_both,
            )
            if spec_cluster.lustre
            else None
        )
        # Device plugins, Karpenter's releases and pools, Kueue (docs/adr/0008-cluster-software.md).
        software = cluster_software(
            region,
            spec_cluster,
            cluster_name=cluster_name(spec, region),
            cluster=cluster,
            karpenter=karpenter,
            subnet_ids=list(subnets.values()),
            kms_key_arn=platform_key,
            tags=tags,
            kubernetes=kubernetes,
            namespaces={team: ns.metadata.name for team, ns in tenancy.namespaces.items()},
        )
        exported[region] = {
            "name": cluster.name,
            "arn": cluster.arn,
            "endpoint": cluster.endpoint,
            "certificate_authority": cluster.certificate_authority,
            "oidc_issuer": cluster.oidc_issuer,
            "security_group_id": cluster.security_group_id,
            "node_role_arn": cluster.node_role_arn,
            "node_groups": node_groups,
            "karpenter": {
                "interruption_queue": karpenter.queue_name,
                "controller_role_arn": karpenter.controller_role_arn,
                "node_pools": sorted(software.karpenter.node_pools),
            },
            "kueue": {"cluster_queues": sorted(software.kueue.cluster_queues)},
            "tenancy": {
                "namespaces": {team: ns.metadata.name for team, ns in tenancy.namespaces.items()},
                "role_arns": tenancy.role_arns,
                "scratch_bucket": tenancy.scratch_bucket,
            },
            "lustre": {
                "file_system_id": lustre.file_system_id,
                "dns_name": lustre.dns_name,
                "mount_name": lustre.mount_name,
            }
            if lustre
            else None,
        }

    pulumi.export("clusters", exported)
