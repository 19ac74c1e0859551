"""The `<env>-registry` stack: container registry, MLflow and model registry, edge-artefact store."""

from __future__ import annotations

import pulumi

from components.container_registry import ContainerRegistry, ContainerRegistryArgs, RepositoryArgs
from components.edge_artefact_store import EdgeArtefactStore, EdgeArtefactStoreArgs
from components.lake_bucket import LakeBucket, delivery_bucket_args
from components.model_registry import ModelRegistry, ModelRegistryArgs
from platform_spec import PlatformSpec
from stacks.providers import baseline_tags, layer_reference, regional_providers


def program(spec: PlatformSpec) -> None:
    env, org = spec.env, spec.org
    registry = env.registry
    assignment = env.accounts["registry"]
    home = assignment.regions[0]
    tags = baseline_tags(environment=env.name, layer="registry", owner=env.owner, cost_center=env.cost_center)
    foundation = layer_reference(f"{env.name}-foundation")
    account_ids = foundation.require_output("account_ids")
    account_id = account_ids.apply(lambda ids: ids["registry"])
    training_account_id = account_ids.apply(lambda ids: ids["training"])
    keys = foundation.require_output("kms_key_arns").apply(lambda k: k[assignment.account])

    def key(region: str, data_class: str) -> pulumi.Output[str]:
        return keys.apply(lambda k: k[region][data_class])

    providers = regional_providers(
        "registry",
        account_id=account_id,
        regions=assignment.regions,
        role_name=f"{org.deploy_role_name}-{env.name}",
        session_name=f"mlplatform-{env.name}-registry",
        tags=tags,
    )
    at_home = pulumi.ResourceOptions(provider=providers[home])
    name_prefix = f"{org.name}-{env.name}"

    containers = ContainerRegistry(
        "ecr",
        ContainerRegistryArgs(
            account_id=account_id,
            providers=providers,
            kms_key_arns={region: key(region, "platform") for region in assignment.regions},
            repositories={
                name: RepositoryArgs(
                    kind=r.kind, enhanced_scanning=r.enhanced_scanning, keep_releases=r.keep_releases
                )
                for name, r in registry.repositories.items()
            },
            puller_account_ids=[training_account_id],
            untagged_expiry_days=registry.untagged_expiry_days,
            pull_through_caches=registry.pull_through_caches,
        ),
        opts=at_home,
    )
    access_logs = LakeBucket(
        "registry-access-logs",
        delivery_bucket_args(
            f"{name_prefix}-registry-access-logs-{home}",
            account_id=account_id,
            purpose="s3-access-logs",
            retention_days=env.data_lake.access_log_retention_days,
        ),
        opts=at_home,
    )
    models = ModelRegistry(
        "models",
        ModelRegistryArgs(
            name_prefix=name_prefix,
            account_id=account_id,
            region=home,
            kms_key_arn=key(home, "platform"),
            access_log_bucket=access_logs.bucket_name,
            mlflow_version=registry.mlflow.version,
            mlflow_size=registry.mlflow.size,
            model_groups={name: group.description for name, group in registry.model_groups.items()},
            approver_team=registry.approver_team,
        ),
        opts=at_home,
    )
    edge = EdgeArtefactStore(
        "edge-artefacts",
        EdgeArtefactStoreArgs(
            name_prefix=name_prefix,
            account_id=account_id,
            region=home,
            kms_key_arn=key(home, "safety-evidence"),
            access_log_bucket=access_logs.bucket_name,
            object_lock_days=registry.edge_artefact_lock_days,
            release_principal_arns=org.ci_principal_arns,
        ),
        opts=at_home,
    )

    pulumi.export(
        "repositories",
        {
            name: {"arn": containers.repository_arns[name], "url": containers.repository_urls[name]}
            for name in registry.repositories
        },
    )
    pulumi.export("model_package_groups", models.groups)
    pulumi.export("mlflow_tracking_server_arn", models.tracking_server_arn)
    pulumi.export("handoff_topic_arn", models.handoff_topic_arn)
    pulumi.export("edge_artefact_bucket", edge.bucket_name)
    pulumi.export("release_role_arn", edge.release_role_arn)
