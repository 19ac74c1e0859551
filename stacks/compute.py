"""The `<env>-compute` stack: an EKS cluster per training region with its system, NVIDIA and AI 100 pools."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components import node_pools, registry_access
from components.eks_cluster import EksCluster, EksClusterArgs, SystemPoolArgs
from components.karpenter import Karpenter, KarpenterArgs
from components.node_group import NodeGroup, NodeGroupArgs
from stacks.providers import baseline_tags, layer_reference, regional_providers
from stacks.spec import ClusterSpec, PlatformSpec


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
            },
        }

    pulumi.export("clusters", exported)
