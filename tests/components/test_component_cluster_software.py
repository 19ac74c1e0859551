"""The Kubernetes objects of a training cluster under the recording mocks: device plugins,
Karpenter's releases, EC2NodeClass and NodePools, Kueue's queues and priority classes."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version

import pulumi
import pulumi_kubernetes as k8s
import pytest
import yaml

from components import _kubernetes, team_tenancy
from components import karpenter_pools as kp
from components import kueue as kueue_module
from components.device_plugins import DevicePlugins, DevicePluginsArgs
from components.karpenter_pools import KarpenterPools, KarpenterPoolsArgs
from components.kueue import Kueue, KueueArgs, TeamQuota
from mlplat.synth.plan import plan
from platform_spec import formats, load_spec, loader
from platform_spec.models import compute as compute_spec
from platform_spec.paths import project_root
from stacks import compute
from tests.support.synthesis import run_component

ROOT = project_root()

TRAINING, REGION = "333333333333", "us-west-2"
KEY = f"arn:aws:kms:{REGION}:{TRAINING}:key/platform"
TAGS = {"project": "mlplatform", "environment": "prod", "layer": "compute", "owner": "ml@acme.example",
        "cost-center": "CC-1", "managed-by": "pulumi"}  # fmt: skip
RELEASE = "kubernetes:helm.sh/v3:Release"
NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"
NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"
CLUSTER_QUEUE = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
LOCAL_QUEUE = "kubernetes:kueue.x-k8s.io/v1beta2:LocalQueue"
FLAVOR = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"
GPU_TAINT = {"key": "nvidia.com/gpu", "value": "true", "effect": "NoSchedule"}
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
QAIC_TOLERATION = {"key": "qualcomm.com/qaic", "operator": "Exists", "effect": "NoSchedule"}
SYSTEM_TOLERATION = {"key": "CriticalAddonsOnly", "operator": "Exists", "effect": "NoSchedule"}


def on_cluster(build):
    """Run `build(opts)` with a Kubernetes provider, as the stack gives each component."""

    def program(_aws):
        provider = k8s.Provider("cluster", kubeconfig="{}")
        build(pulumi.ResourceOptions(provider=provider))

    return run_component(program, account=TRAINING, region=REGION)


# --- device plugins ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plugins():
    return on_cluster(
        lambda opts: DevicePlugins(
            "usw2-device-plugins",
            DevicePluginsArgs(
                nvidia_chart_version="0.20.0",
                qualcomm_image="ghcr.io/quic/cloud_ai_k8s_device_plugin:1.21.4.0",
            ),
            opts=opts,
        )
    )


def test_the_nvidia_plugin_is_the_pinned_chart_on_gpu_nodes_only(plugins):
    (release,) = plugins.of_type(RELEASE)
    assert {k: release.inputs[k] for k in ("name", "chart", "version", "namespace", "repositoryOpts")} == {
        "name": "nvidia-device-plugin",
        "chart": "nvidia-device-plugin",
        "version": "0.20.0",
        "namespace": "kube-system",
        "repositoryOpts": {"repo": "https://nvidia.github.io/k8s-device-plugin"},
    }
    assert release.inputs["values"] == {
        "nodeSelector": {"nvidia.com/gpu.present": "true"},
        "tolerations": [GPU_TOLERATION],
        "priorityClassName": "system-node-critical",
    }


def test_the_qualcomm_plugin_runs_on_ai100_nodes_only_unprivileged(plugins):
    (daemon_set,) = plugins.of_type("kubernetes:apps/v1:DaemonSet")
    pod = daemon_set.inputs["spec"]["template"]["spec"]
    assert daemon_set.inputs["metadata"]["namespace"] == "kube-system"
    assert pod["nodeSelector"] == {"qualcomm.com/qaic": "true"}
    assert pod["tolerations"] == [QAIC_TOLERATION]
    (container,) = pod["containers"]
    assert container["image"] == "ghcr.io/quic/cloud_ai_k8s_device_plugin:1.21.4.0"
    assert container["securityContext"]["privileged"] is False
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    mounts = {m["mountPath"]: m.get("readOnly", False) for m in container["volumeMounts"]}
    assert mounts == {"/var/lib/kubelet/device-plugins": False, "/run/udev": True, "/dev": True}
    selector = daemon_set.inputs["spec"]["selector"]["matchLabels"]
    assert selector.items() <= daemon_set.inputs["spec"]["template"]["metadata"]["labels"].items()


def test_a_cluster_without_ai100_gets_no_qualcomm_plugin():
    recorded = on_cluster(
        lambda opts: DevicePlugins("p", DevicePluginsArgs(nvidia_chart_version="0.20.0"), opts=opts)
    )
    assert recorded.names(RELEASE) == ["p-nvidia"]
    assert recorded.of_type("kubernetes:apps/v1:DaemonSet") == []


def test_device_plugin_arguments_are_checked_together():
    with pytest.raises(pulumi.InputPropertiesError) as error:
        DevicePluginsArgs(nvidia_chart_version="latest", qualcomm_image="ghcr.io/quic/plugin")
    assert [e["property_path"] for e in error.value.errors] == ["nvidia_chart_version", "qualcomm_image"]
    with pytest.raises(pulumi.InputPropertiesError):
        DevicePluginsArgs()


# --- Karpenter -----------------------------------------------------------------------------------

POOL = kp.PoolArgs(
    kind="nvidia-batch",
    instance_types=["g6e.12xlarge", "g6e.24xlarge"],
    spot=kp.CapacityLimits(weight=100, nvidia_gpus=96, cpu=2304),
    on_demand=kp.CapacityLimits(weight=10, nvidia_gpus=24, cpu=576),
    budgets=[kp.Budget(nodes="10%"), kp.Budget(nodes="0", reasons=["Drifted"], schedule="0 14 * * 1-5", duration="12h")],
    root_volume_gib=300,
)  # fmt: skip


def karpenter_args(**overrides) -> KarpenterPoolsArgs:
    base = dict(cluster_name="acme-prod-us-west-2", region=REGION, chart_version="1.14.1",
                ami_alias="al2023@v20260818", interruption_queue="acme-prod-us-west-2-karpenter",
                node_role_name="usw2-nodes", subnet_ids=["subnet-a", "subnet-b"], security_group_ids=["sg-cluster"],
                kms_key_arn=KEY, tags=TAGS, pools={"batch": POOL})  # fmt: skip
    return KarpenterPoolsArgs(**{**base, **overrides})


@pytest.fixture(scope="module")
def karpenter():
    return on_cluster(lambda opts: KarpenterPools("usw2-karpenter", karpenter_args(), opts=opts))


def test_karpenter_is_two_pinned_releases_crds_first(karpenter):
    crds = karpenter.one(RELEASE, "usw2-karpenter-crd")
    controller = karpenter.one(RELEASE, "usw2-karpenter")
    assert (crds.inputs["chart"], crds.inputs["version"]) == (
        "oci://public.ecr.aws/karpenter/karpenter-crd",
        "1.14.1",
    )
    assert (controller.inputs["chart"], controller.inputs["version"]) == (
        "oci://public.ecr.aws/karpenter/karpenter",
        "1.14.1",
    )
    assert controller.inputs["skipCrds"] is True
    assert crds.urn in controller.dependencies


def test_the_controller_uses_the_queue_the_pod_identity_account_and_the_system_pool(karpenter):
    values = karpenter.one(RELEASE, "usw2-karpenter").inputs["values"]
    assert values["settings"] == {
        "clusterName": "acme-prod-us-west-2",
        "interruptionQueue": "acme-prod-us-west-2-karpenter",
        "featureGates": {"spotToSpotConsolidation": False, "nodeOverlay": False},
    }
    # components/karpenter.py associates the controller role with kube-system/karpenter
    assert values["serviceAccount"] == {"create": True, "name": "karpenter"}
    assert karpenter.one(RELEASE, "usw2-karpenter").inputs["namespace"] == "kube-system"
    assert values["nodeSelector"] == {"mlplatform.io/pool-kind": "system"}
    assert values["tolerations"] == [SYSTEM_TOLERATION]
    assert values["replicas"] == 2


def test_the_node_class_pins_the_ami_and_requires_imdsv2_and_an_encrypted_root(karpenter):
    spec = karpenter.one(NODE_CLASS, "usw2-karpenter-batch").inputs["spec"]
    assert spec["amiSelectorTerms"] == [{"alias": "al2023@v20260818"}]
    assert spec["role"] == "usw2-nodes"
    assert spec["metadataOptions"] == {
        "httpEndpoint": "enabled",
        "httpProtocolIPv6": "disabled",
        "httpPutResponseHopLimit": 1,
        "httpTokens": "required",
    }
    assert spec["blockDeviceMappings"] == [
        {
            "deviceName": "/dev/xvda",
            "rootVolume": True,
            "ebs": {"volumeSize": "300Gi", "volumeType": "gp3", "encrypted": True, "kmsKeyID": KEY,
                    "deleteOnTermination": True},
        }
    ]  # fmt: skip
    assert spec["subnetSelectorTerms"] == [{"id": "subnet-a"}, {"id": "subnet-b"}]
    assert spec["securityGroupSelectorTerms"] == [{"id": "sg-cluster"}]
    assert spec["tags"] == {**TAGS, "mlplatform.io/pool": "batch"}


def test_spot_is_weighted_above_the_on_demand_fallback_with_limits_each(karpenter):
    assert karpenter.names(NODE_POOL) == ["usw2-karpenter-batch-on-demand", "usw2-karpenter-batch-spot"]
    spot = karpenter.one(NODE_POOL, "usw2-karpenter-batch-spot").inputs["spec"]
    on_demand = karpenter.one(NODE_POOL, "usw2-karpenter-batch-on-demand").inputs["spec"]
    assert (spot["weight"], on_demand["weight"]) == (100, 10)
    assert spot["limits"] == {"nvidia.com/gpu": "96", "cpu": "2304"}
    assert on_demand["limits"] == {"nvidia.com/gpu": "24", "cpu": "576"}
    for pool, capacity in ((spot, "spot"), (on_demand, "on-demand")):
        template = pool["template"]["spec"]
        assert template["requirements"] == [
            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": [capacity]},
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["g6e.12xlarge", "g6e.24xlarge"]},
            {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
            {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
        ]  # fmt: skip
        assert template["taints"] == [GPU_TAINT]
        assert template["nodeClassRef"] == {
            "group": "karpenter.k8s.aws",
            "kind": "EC2NodeClass",
            "name": "batch",
        }
        assert pool["template"]["metadata"]["labels"] == {
            "mlplatform.io/pool": "batch",
            "mlplatform.io/pool-kind": "nvidia-batch",
            "mlplatform.io/accelerator": "nvidia",
            "mlplatform.io/capacity": capacity,
            "nvidia.com/gpu.present": "true",
        }
        assert pool["disruption"] == {
            "consolidationPolicy": "WhenEmptyOrUnderutilized",
            "consolidateAfter": "10m",
            "budgets": [
                {"nodes": "10%"},
                {"nodes": "0", "reasons": ["Drifted"], "schedule": "0 14 * * 1-5", "duration": "12h"},
            ],
        }


def test_node_pools_wait_for_the_crds_and_their_node_class(karpenter):
    crds = karpenter.one(RELEASE, "usw2-karpenter-crd").urn
    node_class = karpenter.one(NODE_CLASS, "usw2-karpenter-batch").urn
    pools = karpenter.of_type(NODE_POOL)
    assert len(pools) == 2  # spot and on-demand
    for pool in pools:
        assert {crds, node_class} <= set(pool.dependencies)


def test_a_spot_only_pool_has_no_on_demand_node_pool():
    spot_only = kp.PoolArgs(kind="nvidia-batch", instance_types=["g6e.xlarge"],
                            spot=kp.CapacityLimits(weight=100, nvidia_gpus=2, cpu=16))  # fmt: skip
    recorded = on_cluster(
        lambda opts: KarpenterPools("k", karpenter_args(pools={"batch": spot_only}, replicas=1), opts=opts)
    )
    assert recorded.names(NODE_POOL) == ["k-batch-spot"]


def test_karpenter_arguments_are_checked_together():
    bad_pool = kp.PoolArgs(kind="qualcomm-ai100", instance_types=["dl2q.24xlarge"],
                           spot=kp.CapacityLimits(weight=10, nvidia_gpus=8, cpu=96),
                           on_demand=kp.CapacityLimits(weight=50, nvidia_gpus=8, cpu=96), consolidate_after="soon")  # fmt: skip
    with pytest.raises(pulumi.InputPropertiesError) as error:
        karpenter_args(ami_alias="al2023@latest", chart_version="1.14", pools={"ai100": bad_pool})
    assert [e["property_path"] for e in error.value.errors] == [
        "chart_version",
        "ami_alias",
        "pools.ai100.kind",
        "pools.ai100.on_demand.weight",
        "pools.ai100.consolidate_after",
    ]


def test_a_weight_out_of_range_names_its_capacity():
    pool = kp.PoolArgs(kind="nvidia-batch", instance_types=["g6e.xlarge"],
                       spot=kp.CapacityLimits(weight=101, nvidia_gpus=2, cpu=16),
                       on_demand=kp.CapacityLimits(weight=0, nvidia_gpus=2, cpu=16))  # fmt: skip
    with pytest.raises(pulumi.InputPropertiesError) as error:
        karpenter_args(pools={"batch": pool})
    assert [(e["property_path"], e["reason"]) for e in error.value.errors] == [
        ("pools.batch.spot.weight", "101: 1 to 100"),
        ("pools.batch.on_demand.weight", "0: 1 to 100"),
    ]


# --- Kueue ---------------------------------------------------------------------------------------

TEAMS = {
    "perception": TeamQuota(nvidia_gpus=128, cpu=2048, memory_gib=16384),
    "validation": TeamQuota(nvidia_gpus=8, qaic_devices=32, cpu=256, memory_gib=2048),
    "data-engineering": TeamQuota(cpu=512, memory_gib=4096),
}


@pytest.fixture(scope="module")
def kueue():
    return on_cluster(
        lambda opts: Kueue(
            "usw2-kueue",
            KueueArgs(chart_version="0.19.2", cohort="teams", teams=TEAMS, accelerators=("nvidia", "qualcomm"),
                      namespaces={"perception": "perception-jobs"}),
            opts=opts,
        )
    )  # fmt: skip


def test_kueue_is_the_pinned_chart_on_the_system_pool(kueue):
    release = kueue.one(RELEASE, "usw2-kueue")
    assert (release.inputs["chart"], release.inputs["version"], release.inputs["namespace"]) == (
        "oci://registry.k8s.io/kueue/charts/kueue",
        "0.19.2",
        "kueue-system",
    )
    manager = release.inputs["values"]["controllerManager"]
    assert manager["nodeSelector"] == {"mlplatform.io/pool-kind": "system"}
    assert manager["tolerations"] == [SYSTEM_TOLERATION]
    assert manager["manager"]["image"] == {
        "repository": "registry.k8s.io/kueue/kueue",
        "tag": "v0.19.2",
        "pullPolicy": "IfNotPresent",
    }


def test_flavors_carry_the_node_label_and_toleration_of_their_pools(kueue):
    specs = {r.inputs["metadata"]["name"]: r.inputs.get("spec", {}) for r in kueue.of_type(FLAVOR)}
    assert specs == {
        "default": {},
        "nvidia": {"nodeLabels": {"mlplatform.io/accelerator": "nvidia"}, "tolerations": [GPU_TOLERATION]},
        "qualcomm": {
            "nodeLabels": {"mlplatform.io/accelerator": "qualcomm"},
            "tolerations": [QAIC_TOLERATION],
        },
    }


def _quotas(cluster_queue) -> dict[str, str]:
    return {
        resource["name"]: resource["nominalQuota"]
        for group in cluster_queue.inputs["spec"]["resourceGroups"]
        for flavor in group["flavors"]
        for resource in flavor["resources"]
    }


def test_each_team_queue_has_its_quotas_in_one_cohort_and_admits_its_namespace_only(kueue):
    queues = {r.inputs["metadata"]["name"]: r for r in kueue.of_type(CLUSTER_QUEUE)}
    assert sorted(queues) == ["data-engineering", "perception", "validation"]
    assert _quotas(queues["validation"]) == {"cpu": "256", "memory": "2048Gi", "nvidia.com/gpu": "8",
                                             "qualcomm.com/qaic": "32"}  # fmt: skip
    assert _quotas(queues["data-engineering"]) == {"cpu": "512", "memory": "4096Gi", "nvidia.com/gpu": "0",
                                                   "qualcomm.com/qaic": "0"}  # fmt: skip
    total_gpus = sum(int(_quotas(q)["nvidia.com/gpu"]) for q in queues.values())
    assert total_gpus == sum(team.nvidia_gpus for team in TEAMS.values()) == 136
    for team, queue in queues.items():
        spec = queue.inputs["spec"]
        assert spec["cohortName"] == "teams"
        namespace = "perception-jobs" if team == "perception" else f"team-{team}"
        assert spec["namespaceSelector"] == {"matchLabels": {"kubernetes.io/metadata.name": namespace}}
        assert spec["preemption"] == {"reclaimWithinCohort": "Any", "withinClusterQueue": "LowerPriority"}
        flavors = [(g["coveredResources"], [f["name"] for f in g["flavors"]]) for g in spec["resourceGroups"]]
        assert flavors == [(["cpu", "memory"], ["default"]), (["nvidia.com/gpu"], ["nvidia"]),
                           (["qualcomm.com/qaic"], ["qualcomm"])]  # fmt: skip
        for group in spec["resourceGroups"]:  # no limits: borrow what is idle, lend what is unused
            for flavor in group["flavors"]:
                for resource in flavor["resources"]:
                    assert "borrowingLimit" not in resource and "lendingLimit" not in resource


def test_each_team_has_a_default_local_queue_in_its_namespace(kueue):
    queues = {r.inputs["metadata"]["namespace"]: r.inputs for r in kueue.of_type(LOCAL_QUEUE)}
    assert {ns: (q["metadata"]["name"], q["spec"]["clusterQueue"]) for ns, q in queues.items()} == {
        "perception-jobs": ("default", "perception"),
        "team-validation": ("default", "validation"),
        "team-data-engineering": ("default", "data-engineering"),
    }


def test_training_outranks_evaluation_in_kueue_and_in_the_scheduler(kueue):
    workload = {r.inputs["metadata"]["name"]: r.inputs["value"]
                for r in kueue.of_type("kubernetes:kueue.x-k8s.io/v1beta2:WorkloadPriorityClass")}  # fmt: skip
    pods = {r.inputs["metadata"]["name"]: (r.inputs["value"], r.inputs["globalDefault"])
            for r in kueue.of_type("kubernetes:scheduling.k8s.io/v1:PriorityClass")}  # fmt: skip
    assert workload == {"training": 1000, "evaluation": 500}
    assert pods == {"mlplatform-training": (1000, False), "mlplatform-evaluation": (500, False)}


def test_kueue_arguments_are_checked_together():
    with pytest.raises(pulumi.InputPropertiesError) as error:
        KueueArgs(chart_version="v0.19", cohort="teams", teams=TEAMS, accelerators=("nvidia", "amd"))
    assert [e["property_path"] for e in error.value.errors] == [
        "chart_version",
        "accelerators",
        "teams.validation.qaic_devices",
    ]


# --- the stack's wiring --------------------------------------------------------------------------


def test_the_kubeconfig_names_the_cluster_and_gets_a_token_as_the_deploy_role():
    config = json.loads(
        compute.kubeconfig(cluster_name="acme-prod-us-west-2", endpoint="https://E.gr7.us-west-2.eks.amazonaws.com",
                           certificate_authority="Q0E=", region=REGION, role_arn="arn:aws:iam::1:role/deploy")
    )  # fmt: skip
    assert config["clusters"] == [
        {"name": "acme-prod-us-west-2",
         "cluster": {"server": "https://E.gr7.us-west-2.eks.amazonaws.com", "certificate-authority-data": "Q0E="}}
    ]  # fmt: skip
    (user,) = config["users"]
    assert user["user"]["exec"]["command"] == "aws"
    assert user["user"]["exec"]["args"] == ["--region", REGION, "eks", "get-token", "--cluster-name",
                                            "acme-prod-us-west-2", "--role-arn", "arn:aws:iam::1:role/deploy",
                                            "--output", "json"]  # fmt: skip


@pytest.mark.parametrize(("env", "region", "expected"), [
    ("prod", "us-west-2", ("nvidia", "qualcomm")),
    ("dev", "eu-central-1", ("nvidia",)),
])  # fmt: skip
def test_flavors_follow_the_accelerators_a_cluster_has(env, region, expected):
    assert compute.accelerators(load_spec(env).env.compute.clusters[region]) == expected


def test_karpenters_controller_may_use_the_volume_key_only_through_aws_resources():
    from components.karpenter import Karpenter, KarpenterArgs

    recorded = run_component(
        lambda provider: Karpenter(
            "usw2-karpenter",
            KarpenterArgs(cluster_name="acme-prod-us-west-2", cluster_arn="arn:aws:eks:us-west-2:1:cluster/c",
                          account_id=TRAINING, region=REGION, node_role_arn="arn:aws:iam::1:role/nodes",
                          volume_key_arn=KEY),
        ),
        account=TRAINING,
        region=REGION,
    )  # fmt: skip
    document = json.loads(
        recorded.one("aws:iam/rolePolicy:RolePolicy", "usw2-karpenter-controller-volume-key").inputs["policy"]
    )
    use, grants = document["Statement"]
    assert use["Resource"] == grants["Resource"] == KEY
    assert grants["Action"] == ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
    assert grants["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_a_cluster_without_accelerator_pools_plans_without_device_plugins(tmp_path, monkeypatch):
    """dev without its GPU pools: the spec asks for no device plugin, and the plan creates none."""
    environments = tmp_path / "environments"
    shutil.copytree(ROOT / "environments", environments)
    dev = yaml.safe_load((environments / "dev.yaml").read_text(encoding="utf-8"))
    cluster = dev["compute"]["clusters"]["eu-central-1"]
    del (
        cluster["node_groups"]["batch"],
        cluster["device_plugins"],
        cluster["teams"]["perception"]["nvidia_gpus"],
    )
    cluster["karpenter"]["node_pools"] = {}
    del dev["cost"]["usage"]["pools"]
    (environments / "dev.yaml").write_text(yaml.safe_dump(dev, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(loader, "ENVIRONMENTS_DIR", environments)
    assert compute.accelerators(load_spec("dev").env.compute.clusters["eu-central-1"]) == ()

    result = plan("dev", tmp_path / "plan")

    inventory = json.loads(result.inventory_path.read_text(encoding="utf-8"))
    resources = inventory["stacks"]["dev-compute"]["deployment"]["resources"]
    types = {r["type"] for r in resources}
    assert "mlplatform:compute:DevicePlugins" not in types
    assert {"mlplatform:compute:Kueue", "mlplatform:compute:KarpenterPools"} <= types
    assert [r["inputs"]["metadata"]["name"] for r in resources if r["type"] == FLAVOR] == ["default"]


# --- definitions the components share --------------------------------------------------------------


def test_kueue_and_the_tenancy_share_one_team_quota_and_one_namespace_name():
    assert kueue_module.TeamQuota is team_tenancy.TeamQuota is _kubernetes.TeamQuota
    assert kueue_module.team_namespace is team_tenancy.team_namespace is _kubernetes.team_namespace
    assert _kubernetes.team_namespace("perception") == "team-perception"
    assert TeamQuota(cpu=8, memory_gib=32).hard() == {
        "requests.cpu": "8",
        "requests.memory": "32Gi",
        "requests.nvidia.com/gpu": "0",
        "requests.qualcomm.com/qaic": "0",
    }


@pytest.mark.parametrize(
    ("pattern", "good", "bad"),
    [
        (formats.CHART_VERSION, ["0.20.0", "1.14.1"], ["v0.20.0", "0.20", "latest", "0.20.0\n"]),
        (formats.KARPENTER_DURATION, ["30s", "10m", "720h", "1h30m", "Never"], ["10", "1d", "never", ""]),
        (
            formats.IMAGE,
            ["ghcr.io/quic/cloud_ai_k8s_device_plugin:1.21.4.0", f"registry.k8s.io/kueue/kueue@sha256:{'a' * 64}"],
            ["ghcr.io/quic/plugin", "plugin:1.0", f"ghcr.io/quic/plugin@sha256:{'a' * 63}"],
        ),
    ],
)  # fmt: skip
def test_one_definition_of_each_format(pattern, good, bad):
    assert [formats.matches(pattern, value) for value in good] == [True] * len(good)
    assert [formats.matches(pattern, value) for value in bad] == [False] * len(bad)


def test_the_spec_reads_the_formats_the_components_check():
    assert (compute_spec.CHART_VERSION, compute_spec.KARPENTER_DURATION) == (
        formats.CHART_VERSION,
        formats.KARPENTER_DURATION,
    )
    device_plugins = compute_spec.DevicePluginsSpec
    with pytest.raises(ValueError):
        device_plugins(qualcomm_image="ghcr.io/quic/plugin")  # no tag: what DevicePluginsArgs refuses too
    with pytest.raises(ValueError):
        device_plugins(nvidia_chart_version="v0.20.0")


def test_a_raw_object_asks_for_the_installed_kubernetes_provider(monkeypatch):
    seen = {}

    def record(self, token, name, props, opts):
        seen.update(token=token, version=opts.version)

    monkeypatch.setattr(pulumi.CustomResource, "__init__", record)
    _kubernetes.RawObject("p", {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "WorkloadPriorityClass"})
    assert seen == {
        "token": "kubernetes:kueue.x-k8s.io/v1beta2:WorkloadPriorityClass",
        "version": version("pulumi_kubernetes"),
    }
