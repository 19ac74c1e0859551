"""Every Kubernetes object the compute layer creates validates against the schemas of its
cluster's Kubernetes version (built-in kinds) or its vendored CRD (Karpenter, Kueue)."""

from __future__ import annotations

import copy
import hashlib
import json
import re

import pytest

from platform_spec import available_environments, load_spec
from platform_spec.queries import accelerators
from tests.support import manifests

CUSTOM_KINDS = {
    ("karpenter.sh/v1", "NodePool"),
    ("karpenter.k8s.aws/v1", "EC2NodeClass"),
    ("kueue.x-k8s.io/v1beta2", "ClusterQueue"),
    ("kueue.x-k8s.io/v1beta2", "LocalQueue"),
    ("kueue.x-k8s.io/v1beta2", "ResourceFlavor"),
    ("kueue.x-k8s.io/v1beta2", "WorkloadPriorityClass"),
}


def _stacks(plans, env: str) -> dict:
    return json.loads(plans.inventory(env).read_text(encoding="utf-8"))["stacks"]


@pytest.mark.parametrize("env", available_environments())
def test_every_kubernetes_object_of_the_environment_validates(plans, env):
    stacks = _stacks(plans, env)
    found = manifests.manifests(stacks)
    kinds = {(body["apiVersion"], body["kind"]) for _, body in found}
    assert kinds >= CUSTOM_KINDS  # every custom kind the layer uses is checked here
    built_in = {("scheduling.k8s.io/v1", "PriorityClass"), ("v1", "Namespace")}
    if any("qualcomm" in accelerators(c) for c in load_spec(env).env.compute.clusters.values()):
        built_in.add(
            ("apps/v1", "DaemonSet")
        )  # the Qualcomm device plugin, only beside AI 100 pools (not dev)
    assert built_in <= kinds
    assert [str(p) for p in manifests.inventory_problems(stacks)] == []


@pytest.mark.parametrize("env", available_environments())
def test_each_object_is_checked_at_its_clusters_version(plans, env):
    stacks = _stacks(plans, env)
    compute = stacks[f"{env}-compute"]
    by_provider, _ = manifests._versions(compute["deployment"]["resources"])
    expected = {c.kubernetes_version for c in load_spec(env).env.compute.clusters.values()}
    assert set(by_provider.values()) == expected
    assert len(by_provider) == len(load_spec(env).env.compute.clusters)


def test_the_cluster_versions_have_schemas():
    versions = {
        c.kubernetes_version
        for e in available_environments()
        for c in load_spec(e).env.compute.clusters.values()
    }
    assert versions <= set(manifests.supported_versions())  # fmt: skip


def _first(plans, kind: str) -> dict:
    return next(
        copy.deepcopy(body) for _, body in manifests.manifests(_stacks(plans, "prod")) if body["kind"] == kind
    )


def test_a_broken_node_pool_is_refused(plans):
    pool = _first(plans, "NodePool")
    pool["spec"]["template"]["spec"]["taints"][0]["effect"] = "NO_SCHEDULE"  # the EKS API's spelling
    pool["spec"]["disruption"]["consolidateAfer"] = "1m"
    pool["spec"]["weight"] = 0
    assert manifests.validate(pool, "1.34") == [
        ("spec.disruption", "Additional properties are not allowed ('consolidateAfer' was unexpected)"),
        ("spec.template.spec.taints[0].effect", "'NO_SCHEDULE' is not one of ['NoSchedule', 'PreferNoSchedule', 'NoExecute']"),
        ("spec.weight", "0 is less than the minimum of 1"),
    ]  # fmt: skip


def test_a_broken_node_class_and_queue_are_refused(plans):
    node_class = _first(plans, "EC2NodeClass")
    node_class["spec"]["metadataOptions"]["httpPutResponseHopLimit"] = 0
    assert manifests.validate(node_class, "1.34") == [
        ("spec.metadataOptions.httpPutResponseHopLimit", "0 is less than the minimum of 1")
    ]
    queue = _first(plans, "ClusterQueue")
    queue["spec"]["resourceGroups"][0]["flavors"][0]["resources"][0]["nominalQuota"] = "lots"
    ((path, message),) = manifests.validate(queue, "1.34")
    assert path == "spec.resourceGroups[0].flavors[0].resources[0].nominalQuota"
    assert message.startswith("'lots' does not match")


def test_a_broken_built_in_object_is_refused(plans):
    daemon_set = _first(plans, "DaemonSet")
    daemon_set["spec"]["template"]["spec"]["tolerations"][0]["operater"] = "Exists"
    assert manifests.validate(daemon_set, "1.34") == [
        (
            "spec.template.spec.tolerations[0]",
            "Additional properties are not allowed ('operater' was unexpected)",
        )
    ]


def test_a_version_without_schemas_and_an_unknown_kind_are_problems_not_passes():
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}
    assert manifests.validate(namespace, "1.34") == []
    assert manifests.validate(namespace, "1.99") == [
        ("", "kubernetes-validate has no schemas for Kubernetes 1.99")
    ]
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "x"}}
    assert manifests.validate(unknown, "1.34") == [
        ("", "no schema for Widget example.com/v1: neither a Kubernetes kind nor a vendored CRD")
    ]


def test_the_vendored_crds_are_the_recorded_files():
    """The README records each file's SHA-256: a CRD changes only with its source and version noted."""
    readme = (manifests.CRD_DIR / "README.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"`([\w.-]+\.yaml)`.*?`([0-9a-f]{64})`", readme))
    files = sorted(p.name for p in manifests.CRD_DIR.glob("*.yaml"))
    assert sorted(recorded) == files
    for name in files:
        assert hashlib.sha256((manifests.CRD_DIR / name).read_bytes()).hexdigest() == recorded[name], name
    assert {key for key in manifests.crd_schemas()} >= CUSTOM_KINDS
