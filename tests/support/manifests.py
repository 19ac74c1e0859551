"""Offline validation of the Kubernetes objects in an inventory, against the schemas of the
Kubernetes version of the cluster each object goes to.

Built-in kinds are checked against the Kubernetes OpenAPI schemas `kubernetes-validate` ships
(strict: an unknown field is an error, as the API server's strict field validation makes it).
Custom resources (Karpenter's NodePool and EC2NodeClass, Kueue's queues, flavors and priority
classes) are checked against the openAPIV3Schema of their CRDs, vendored in `tests/data/crds/`
(provenance in its README), made strict the same way. Not checked offline: the CEL rules of the
CRDs (`x-kubernetes-validations`), admission webhooks (Kueue's), and what Helm releases render
(a release is a chart install, not an object; its values are asserted by the component tests).

Each object's cluster is found through its Kubernetes provider: the kubeconfig names the cluster,
whose `aws:eks/cluster:Cluster` gives the version. Where the kubeconfig cannot be read (a real
`pulumi stack export` keeps it secret) the oldest cluster version of the stack is used.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from mlplat.gate.terraform_plan import kubernetes_manifest

CRD_DIR = Path(__file__).resolve().parent.parent / "data" / "crds"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"


@dataclass(frozen=True)
class ManifestProblem:
    stack: str
    id: str
    """`Kind.namespace.name`, as checkov names the object."""
    kubernetes_version: str
    path: str
    """Where in the object: `spec.template.spec.taints[0].effect`; empty for the object itself."""
    message: str

    def __str__(self) -> str:
        return f"{self.stack}: {self.id} (Kubernetes {self.kubernetes_version}): {self.path or '(object)'}: {self.message}"


def _strict(schema: Any) -> Any:
    """The schema with unknown fields refused wherever it lists the fields an object has."""
    if isinstance(schema, list):
        return [_strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    strict = {key: _strict(value) for key, value in schema.items()}
    if (
        "properties" in strict
        and "additionalProperties" not in strict
        and not strict.get("x-kubernetes-preserve-unknown-fields")
    ):
        strict["additionalProperties"] = False
    return strict


@cache
def crd_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> strict openAPIV3Schema of every served version of the vendored CRDs."""
    found = {}
    for path in sorted(CRD_DIR.glob("*.yaml")):
        crd = yaml.safe_load(path.read_text(encoding="utf-8"))
        group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served", True):
                schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
                found[(f"{group}/{version['name']}", kind)] = _strict(schema)
    return found


def supported_versions() -> list[str]:
    """Kubernetes minor versions whose schemas kubernetes-validate ships."""
    return sorted({kubernetes_validate.utils.major_minor(v) for v in kubernetes_validate.utils.all_versions()},
                  key=lambda v: tuple(int(p) for p in v.split(".")))  # fmt: skip


def _path(error: jsonschema.ValidationError) -> str:
    parts = ""
    for part in error.absolute_path:
        parts += f"[{part}]" if isinstance(part, int) else (f".{part}" if parts else str(part))
    return parts


def validate(body: Mapping[str, Any], kubernetes_version: str) -> list[tuple[str, str]]:
    """(path, message) for every way the object breaks its schema at that Kubernetes version."""
    key = (str(body.get("apiVersion")), str(body.get("kind")))
    schema = crd_schemas().get(key)
    if schema is not None:
        validator = jsonschema.Draft202012Validator(schema)
        return sorted((_path(e), e.message) for e in validator.iter_errors(dict(body)))
    if kubernetes_version not in supported_versions():
        return [("", f"kubernetes-validate has no schemas for Kubernetes {kubernetes_version}")]
    try:
        kubernetes_validate.validate(dict(body), kubernetes_version, strict=True)
    except kubernetes_validate.ValidationError as error:  # the first problem only: the library stops there
        return [(_path(error), error.message)]
    except kubernetes_validate.SchemaNotFoundError:
        return [("", f"no schema for {key[1]} {key[0]}: neither a Kubernetes kind nor a vendored CRD")]
    return []


def _resources(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, list):
        return document
    return list((document.get("deployment") or {}).get("resources") or [])


def _cluster_of(provider: Mapping[str, Any]) -> str | None:
    kubeconfig = (provider.get("inputs") or {}).get("kubeconfig")
    if not isinstance(kubeconfig, str):
        return None  # a secret in a real export
    try:
        config = yaml.safe_load(kubeconfig)  # JSON is YAML
        current = config["current-context"]
        (context,) = [c["context"] for c in config["contexts"] if c["name"] == current]
        return str(context["cluster"])
    except (yaml.YAMLError, KeyError, TypeError, ValueError):
        return None


def _versions(resources: list[dict[str, Any]]) -> tuple[dict[str, str], str | None]:
    """Provider reference (`urn::id`) -> Kubernetes version of its cluster; and the oldest version."""
    clusters = {
        str((r.get("outputs") or {}).get("name") or (r.get("inputs") or {}).get("name")): str(
            (r.get("inputs") or {}).get("version")
        )
        for r in resources
        if r.get("type") == EKS_CLUSTER
    }
    oldest = min(clusters.values(), key=lambda v: tuple(int(p) for p in v.split(".")), default=None)
    by_provider = {}
    for r in resources:
        if r.get("type") == KUBERNETES_PROVIDER:
            name = _cluster_of(r)
            version = clusters.get(name) if name else None
            if version is not None:
                by_provider[f"{r['urn']}::{r.get('id')}"] = version
    return by_provider, oldest


def inventory_problems(stacks: Mapping[str, Any]) -> Iterator[ManifestProblem]:
    """Every problem of every Kubernetes object of every stack (`pulumi stack export` documents)."""
    for stack, document in stacks.items():
        resources = _resources(document)
        versions, oldest = _versions(resources)
        for resource in resources:
            if not resource.get("custom") or not str(resource.get("type", "")).startswith("kubernetes:"):
                continue
            manifest = kubernetes_manifest(resource)
            if manifest is None:
                continue  # a Helm release
            version = versions.get(str(resource.get("provider")), oldest)
            if version is None:
                yield ManifestProblem(
                    stack, manifest.id, "?", "", "no EKS cluster in the stack gives a version"
                )
                continue
            for path, message in validate(manifest.body, version):
                yield ManifestProblem(stack, manifest.id, version, path, message)


def manifests(stacks: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(stack, manifest body) of every Kubernetes object of the inventory."""
    found = []
    for stack, document in stacks.items():
        for resource in _resources(document):
            if resource.get("custom") and str(resource.get("type", "")).startswith("kubernetes:"):
                manifest = kubernetes_manifest(resource)
                if manifest is not None:
                    found.append((stack, json.loads(json.dumps(manifest.body))))
    return found
