"""ECR for the platform: immutable, scanned, KMS-encrypted repositories replicated next to every cluster."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems

UPSTREAMS = {"ecr-public": "public.ecr.aws", "k8s": "registry.k8s.io", "quay": "quay.io"}
"""Public registries ECR can cache without credentials, by the prefix their cached repositories get."""
KINDS = ("training", "evaluation", "toolchain")
PULL_ACTIONS = ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability")


@dataclass(frozen=True, kw_only=True, slots=True)
class RepositoryArgs:
    kind: str
    """training, evaluation or toolchain: the first part of the repository name."""
    enhanced_scanning: bool = False
    keep_releases: int = 30


@dataclass(frozen=True, kw_only=True, slots=True)
class ContainerRegistryArgs:
    account_id: pulumi.Input[str]
    """The registry account."""
    providers: Mapping[str, pulumi.ProviderResource]
    """Registry-account provider per region; the first is home, where images are pushed."""
    kms_key_arns: Mapping[str, pulumi.Input[str]]
    """Key per region that encrypts repositories there (replicas included)."""
    repositories: Mapping[str, RepositoryArgs]
    puller_account_ids: Sequence[pulumi.Input[str]]
    """Accounts whose roles may pull (the training accounts); their IAM decides which roles."""
    untagged_expiry_days: int
    pull_through_caches: Sequence[str] = ()

    def __post_init__(self) -> None:
        problems = Problems("ContainerRegistry")
        if not self.providers:
            problems.add("providers", {}, "at least the home region")
        for region in self.providers:
            if region not in self.kms_key_arns:
                problems.add("kms_key_arns", region, "a key for every region of the registry")
        for key, repository in self.repositories.items():
            if repository.kind not in KINDS:
                problems.add(f"repositories.{key}.kind", repository.kind, f"one of {', '.join(KINDS)}")
            if not 1 <= repository.keep_releases <= 1000:
                problems.add(f"repositories.{key}.keep_releases", repository.keep_releases, "from 1 to 1000")
        if not 1 <= self.untagged_expiry_days <= 90:
            problems.add("untagged_expiry_days", self.untagged_expiry_days, "from 1 to 90 days")
        for cache in self.pull_through_caches:
            if cache not in UPSTREAMS:
                problems.add("pull_through_caches", cache, f"one of {', '.join(UPSTREAMS)}")
        problems.raise_if_any()


def lifecycle_policy(untagged_expiry_days: int, keep_releases: int) -> dict:
    """Untagged layers expire; only the last releases are kept; `approved-*` tags match no rule and stay."""
    return {
        "rules": [
            {
                "rulePriority": 1,
                "description": f"Expire untagged images after {untagged_expiry_days} days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": untagged_expiry_days,
                },
                "action": {"type": "expire"},
            },
            {
                "rulePriority": 2,
                "description": f"Keep the last {keep_releases} release images",
                "selection": {
                    "tagStatus": "tagged",
                    "tagPrefixList": ["release-"],
                    "countType": "imageCountMoreThan",
                    "countNumber": keep_releases,
                },
                "action": {"type": "expire"},
            },
        ]
    }


def pull_policy(account_ids: Sequence[str]) -> dict:
    return _iam.document(
        {
            "Sid": "PullFromPlatformAccounts",
            "Effect": "Allow",
            "Principal": {"AWS": [f"arn:aws:iam::{account}:root" for account in sorted(set(account_ids))]},
            "Action": list(PULL_ACTIONS),
        }
    )


class ContainerRegistry(pulumi.ComponentResource):
    """Creates the repositories (`<kind>/<key>`) in the home region with immutable tags, scanning, the
    region's KMS key, a lifecycle policy and a pull policy for the platform's accounts; replicates
    them to every other region; and in every region sets registry scanning, pull-through caches and
    a creation template so that replicated and cached repositories get the same settings.
    """

    def __init__(
        self, name: str, args: ContainerRegistryArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:registry:ContainerRegistry", name, None, opts)
        home, *others = list(args.providers)
        pull = pulumi.Output.all(*args.puller_account_ids).apply(lambda ids: json.dumps(pull_policy(ids)))
        self.repository_urls: dict[str, pulumi.Output[str]] = {}
        self.repository_arns: dict[str, pulumi.Output[str]] = {}
        at_home = pulumi.ResourceOptions(parent=self, provider=args.providers[home])
        for key, repository in args.repositories.items():
            created = aws.ecr.Repository(
                f"{name}-{key}",
                name=f"{repository.kind}/{key}",
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration={"scan_on_push": True},
                encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.kms_key_arns[home]}],
                force_delete=False,
                opts=pulumi.ResourceOptions(parent=self, provider=args.providers[home], protect=True),
            )
            aws.ecr.LifecyclePolicy(
                f"{name}-{key}",
                repository=created.name,
                policy=json.dumps(lifecycle_policy(args.untagged_expiry_days, repository.keep_releases)),
                opts=at_home,
            )
            aws.ecr.RepositoryPolicy(f"{name}-{key}", repository=created.name, policy=pull, opts=at_home)
            self.repository_urls[key] = created.repository_url
            self.repository_arns[key] = created.arn

        if others:
            aws.ecr.ReplicationConfiguration(
                f"{name}-replication",
                replication_configuration={
                    "rules": [
                        {
                            "destinations": [
                                {"region": region, "registry_id": args.account_id} for region in others
                            ],
                            "repository_filters": [
                                {"filter": f"{kind}/", "filter_type": "PREFIX_MATCH"}
                                for kind in sorted({r.kind for r in args.repositories.values()})
                            ],
                        }
                    ]
                },
                opts=at_home,
            )

        enhanced = sorted(f"{r.kind}/{key}" for key, r in args.repositories.items() if r.enhanced_scanning)
        longest_keep = max((r.keep_releases for r in args.repositories.values()), default=30)
        creation_role = self._creation_role(name, args, at_home)
        for region, provider in args.providers.items():
            in_region = pulumi.ResourceOptions(parent=self, provider=provider)
            aws.ecr.RegistryScanningConfiguration(
                f"{name}-scanning-{region}",
                scan_type="ENHANCED" if enhanced else "BASIC",
                rules=[
                    {
                        "scan_frequency": "CONTINUOUS_SCAN" if enhanced else "SCAN_ON_PUSH",
                        "repository_filters": [
                            {"filter": f, "filter_type": "WILDCARD"} for f in (enhanced or ["*"])
                        ],
                    }
                ],
                opts=in_region,
            )
            for cache in args.pull_through_caches:
                aws.ecr.PullThroughCacheRule(
                    f"{name}-{cache}-{region}",
                    ecr_repository_prefix=cache,
                    upstream_registry_url=UPSTREAMS[cache],
                    opts=in_region,
                )
            # Replicas and cached repositories are created by ECR itself; without a template they
            # would get mutable tags and AES-256 instead of the region's key.
            aws.ecr.RepositoryCreationTemplate(
                f"{name}-template-{region}",
                prefix="ROOT",
                description="Settings of repositories ECR creates by replication or pull-through cache",
                applied_fors=["REPLICATION", "PULL_THROUGH_CACHE"],
                image_tag_mutability="IMMUTABLE",
                encryption_configurations=[{"encryption_type": "KMS", "kms_key": args.kms_key_arns[region]}],
                lifecycle_policy=json.dumps(lifecycle_policy(args.untagged_expiry_days, longest_keep)),
                repository_policy=pull,
                custom_role_arn=creation_role.arn,
                opts=in_region,
            )
        self.register_outputs(
            {"repository_urls": self.repository_urls, "repository_arns": self.repository_arns}
        )

    def _creation_role(
        self, name: str, args: ContainerRegistryArgs, opts: pulumi.ResourceOptions
    ) -> aws.iam.Role:
        """The role ECR assumes to create repositories from the templates with the KMS keys."""
        role = aws.iam.Role(
            f"{name}-creation",
            description="ECR creates replicated and pull-through repositories with this role",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(_iam.trust_service("ecr.amazonaws.com", account))
            ),
            opts=opts,
        )
        keys = pulumi.Output.all(*args.kms_key_arns.values())
        aws.iam.RolePolicy(
            f"{name}-creation",
            role=role.name,
            policy=pulumi.Output.all(args.account_id, keys).apply(
                lambda values: json.dumps(
                    _iam.document(
                        {
                            "Sid": "CreateRepositories",
                            "Effect": "Allow",
                            "Action": ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
                            "Resource": f"arn:aws:ecr:*:{values[0]}:repository/*",
                        },
                        {
                            "Sid": "EncryptWithRegionKeys",
                            "Effect": "Allow",
                            "Action": ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"],
                            "Resource": sorted(values[1]),
                        },
                    )
                )
            ),
            opts=opts,
        )
        return role
