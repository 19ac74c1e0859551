"""The registries of an environment: ECR, MLflow, model groups and the edge-artefact store."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from platform_spec.models.common import Frozen, Key, _unique


class RepositorySpec(Frozen):
    """An ECR repository, named `<kind>/<key>`."""

    kind: Literal["training", "evaluation", "toolchain"]
    """training and evaluation images, or compiler toolchains (QNN, TensorRT builders)."""
    description: Annotated[str, Field(min_length=1)]
    """What the images hold."""
    enhanced_scanning: bool = False
    """Continuous enhanced scanning (Amazon Inspector) instead of basic scan on push."""
    keep_releases: Annotated[int, Field(ge=1, le=1000)] = 30
    """Images tagged `release-*` kept; older ones expire (`approved-*` tags never expire)."""


class ModelGroupSpec(Frozen):
    """A SageMaker Model Package Group: the versions of one model and their approval status."""

    description: Annotated[str, Field(min_length=1)]
    """What the model does."""
    owner_team: Key
    """Team that registers versions of the model."""


class MlflowSpec(Frozen):
    """The managed MLflow tracking server (SageMaker)."""

    version: Annotated[str, Field(pattern=r"^\d+\.\d+(\.\d+)?$")]
    """MLflow version, pinned (e.g. "3.0")."""
    size: Literal["Small", "Medium", "Large"]
    """Tracking server size (concurrent users)."""


class RegistrySpec(Frozen):
    """Container registry, experiment tracking, model registry and the edge-artefact store."""

    repositories: Annotated[dict[Key, RepositorySpec], Field(min_length=1)]
    """ECR repositories by key."""
    untagged_expiry_days: Annotated[int, Field(ge=1, le=90)]
    """Untagged images expire after this many days."""
    pull_through_caches: Annotated[list[Literal["ecr-public", "k8s", "quay"]], AfterValidator(_unique)] = []
    """Public upstream registries cached in ECR: public.ecr.aws, registry.k8s.io, quay.io."""
    mlflow: MlflowSpec
    """Experiment tracking."""
    model_groups: Annotated[dict[Key, ModelGroupSpec], Field(min_length=1)]
    """Model Package Groups by key."""
    approver_team: Key
    """The only team whose roles may approve a model version (ISO 26262 release sign-off)."""
    edge_artefact_lock_days: Annotated[int, Field(ge=1)]
    """Object Lock (compliance mode) of released artefacts; at least the safety-evidence minimum."""
