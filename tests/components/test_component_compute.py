"""Compute components under the recording mocks: the EKS control plane, its add-ons and every kind of pool."""

from __future__ import annotations

import base64
import json

import pulumi
import pulumi_aws as aws
import pytest

from components import registry_access
from components.eks_cluster import EksCluster, EksClusterArgs, SystemPoolArgs
from components.karpenter import Karpenter, KarpenterArgs
from components.node_group import NodeGroup, NodeGroupArgs
from tests.support.synthesis import policy, run_component

TRAINING, REGISTRY = "333333333333", "444444444444"
REGION = "us-west-2"
KEY = f"arn:aws:kms:{REGION}:{TRAINING}:key/platform"
DEPLOY_ROLE = f"arn:aws:iam::{TRAINING}:role/mlplatform-deploy-prod"
SUBNETS = {"us-west-2a": "subnet-a", "us-west-2b": "subnet-b", "us-west-2d": "subnet-d"}
TAGS = {"project": "mlplatform", "environment": "prod", "layer": "compute", "owner": "ml@acme.example",
        "cost-center": "CC-1", "managed-by": "pulumi"}  # fmt: skip
ADDONS = {
    "vpc-cni": "v1.22.4-eksbuild.3",
    "coredns": "v1.12.4-eksbuild.29",
    "kube-proxy": "v1.34.6-eksbuild.21",
    "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
}
AMI = "ami-0e1c5a7f2b9d43c61"
BLOCK = "cr-0a4f7e2c9b1d83e56"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"


def cluster_args(**overrides) -> EksClusterArgs:
    base = dict(
        cluster_name="acme-prod-us-west-2",
        kubernetes_version="1.34",
        account_id=TRAINING,
        region=REGION,
        subnet_ids=SUBNETS,
        kms_key_arn=KEY,
        addon_versions=ADDONS,
        log_retention_days=365,
        admin_role_arns=[DEPLOY_ROLE],
        system_pool=SystemPoolArgs(instance_types=["m7i.xlarge", "m6i.xlarge"], min_size=3, max_size=6, desired_size=3),
        ebs_grantee_arn=f"arn:aws:iam::{TRAINING}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
        tags=TAGS,
    )  # fmt: skip
    return EksClusterArgs(**{**base, **overrides})


def pool_args(cluster: EksCluster, **overrides) -> NodeGroupArgs:
    base = dict(pool="batch", kind="nvidia-batch", region=REGION, cluster=cluster.attachment, subnet_ids=SUBNETS,
                instance_types=["g6e.12xlarge"], capacity="spot", min_size=0, max_size=32, desired_size=0,
                kms_key_arn=KEY, tags=TAGS)  # fmt: skip
    return NodeGroupArgs(**{**base, **overrides})


def build(provider):
    cluster = EksCluster("usw2", cluster_args())
    pools = {
        "batch-spot": {},
        "batch-on-demand": {"capacity": "on-demand", "max_size": 8},
        "train": {"pool": "train", "kind": "nvidia-training", "instance_types": ["p5.48xlarge"], "capacity": "on-demand",
                  "zones": ["us-west-2b"], "max_size": 8, "root_volume_gib": 400},
        "block": {"pool": "block", "kind": "nvidia-training", "instance_types": ["p5.48xlarge"],
                  "capacity": "capacity-block", "capacity_reservation_id": BLOCK, "zones": ["us-west-2a"], "max_size": 8},
        "ai100": {"pool": "ai100", "kind": "qualcomm-ai100", "instance_types": ["dl2q.24xlarge"], "capacity": "on-demand",
                  "zones": ["us-west-2d"], "ami_id": AMI, "max_size": 4, "root_volume_gib": 500},
    }  # fmt: skip
    for name, overrides in pools.items():
        NodeGroup(
            f"usw2-{name}", pool_args(cluster, **overrides), opts=pulumi.ResourceOptions(depends_on=[cluster])
        )
    registry_access.grant_pull(
        "usw2-nodes-pull",
        role=cluster.node_role_name,
        repositories={
            "perception-train": {
                "arn": f"arn:aws:ecr:eu-central-1:{REGISTRY}:repository/training/perception-train",
                "url": "unused",
            }
        },
    )
    EksCluster(
        "public",
        cluster_args(cluster_name="acme-dev-us-west-2", endpoint_public_access=True,
                     public_access_cidrs=["203.0.113.0/24"], deletion_protection=False, support_type="EXTENDED"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def recorded():
    return run_component(build, account=TRAINING, region=REGION)


def test_the_control_plane_is_private_encrypted_audited_and_api_authenticated(recorded):
    cluster = recorded.one("aws:eks/cluster:Cluster", "usw2")
    inputs = cluster.inputs
    assert inputs["name"] == "acme-prod-us-west-2" and inputs["version"] == "1.34"
    assert inputs["vpcConfig"] == {
        "endpointPrivateAccess": True,
        "endpointPublicAccess": False,
        "subnetIds": ["subnet-a", "subnet-b", "subnet-d"],
    }
    assert inputs["encryptionConfig"] == {"provider": {"keyArn": KEY}, "resources": ["secrets"]}
    assert inputs["enabledClusterLogTypes"] == [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ]
    assert inputs["accessConfig"] == {
        "authenticationMode": "API",
        "bootstrapClusterCreatorAdminPermissions": False,
    }
    assert inputs["bootstrapSelfManagedAddons"] is False
    assert inputs["kubernetesNetworkConfig"] == {"ipFamily": "ipv4", "serviceIpv4Cidr": "172.20.0.0/16"}
    assert inputs["upgradePolicy"] == {"supportType": "STANDARD"}
    assert inputs["deletionProtection"] is True
    log_group = recorded.one("aws:cloudwatch/logGroup:LogGroup", "usw2-control-plane")
    assert log_group.inputs == {
        "name": "/aws/eks/acme-prod-us-west-2/cluster",
        "retentionInDays": 365,
        "kmsKeyId": KEY,
    }
    assert log_group.retain_on_delete and not log_group.protect
    assert log_group.urn in cluster.dependencies  # EKS would otherwise create it without key and retention


def test_a_public_endpoint_only_with_the_spec_networks(recorded):
    inputs = recorded.one("aws:eks/cluster:Cluster", "public").inputs
    assert inputs["vpcConfig"]["endpointPublicAccess"] is True
    assert inputs["vpcConfig"]["publicAccessCidrs"] == ["203.0.113.0/24"]
    assert inputs["upgradePolicy"] == {"supportType": "EXTENDED"} and inputs["deletionProtection"] is False


def test_the_cluster_role_uses_the_key_through_eks_only(recorded):
    role = recorded.one("aws:iam/role:Role", "usw2-cluster")
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "eks.amazonaws.com"}
    assert trust["Action"] == ["sts:AssumeRole", "sts:TagSession"]
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": TRAINING}}
    (use,) = policy(recorded.one("aws:iam/rolePolicy:RolePolicy", "usw2-cluster-secrets-key"))["Statement"]
    assert use["Resource"] == KEY
    attached = recorded.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "usw2-cluster-cluster")
    assert attached.inputs["policyArn"] == "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"


def test_add_ons_are_pinned_and_ordered_around_the_system_nodes(recorded):
    addons = {r.inputs["addonName"]: r for r in recorded.of_type("aws:eks/addon:Addon") if "::usw2-" in r.urn}
    assert {name: r.inputs["addonVersion"] for name, r in addons.items()} == ADDONS
    assert json.loads(addons["vpc-cni"].inputs["configurationValues"]) == {"enableNetworkPolicy": "true"}
    system = recorded.one(NODE_GROUP, "usw2-system")
    for name in ("coredns", "aws-ebs-csi-driver"):
        assert system.urn in addons[name].dependencies, name
    for name in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent"):
        assert addons[name].urn in recorded.one("mlplatform:compute:NodeGroup", "usw2-system").dependencies
    ebs_role = recorded.one("aws:iam/role:Role", "usw2-ebs-csi")
    assert addons["aws-ebs-csi-driver"].inputs["podIdentityAssociations"] == [
        {"roleArn": ebs_role.outputs["arn"], "serviceAccount": "ebs-csi-controller-sa"}
    ]
    (trust,) = json.loads(ebs_role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    key_statements = policy(recorded.one("aws:iam/rolePolicy:RolePolicy", "usw2-ebs-csi-key"))["Statement"]
    assert key_statements[1]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


def test_only_the_deploy_role_administers_the_cluster_through_an_access_entry(recorded):
    entry = recorded.one("aws:eks/accessEntry:AccessEntry", "usw2-admin-0")
    assert entry.inputs["principalArn"] == DEPLOY_ROLE and entry.inputs["type"] == "STANDARD"
    association = recorded.one("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "usw2-admin-0")
    assert (
        association.inputs["policyArn"]
        == "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    )
    assert association.inputs["accessScope"] == {"type": "cluster"}
    assert len(recorded.of_type("aws:eks/accessEntry:AccessEntry")) == 2  # one per cluster


def test_nodes_get_the_standard_policies_the_platform_images_and_their_volume_key(recorded):
    attached = sorted(
        r.inputs["policyArn"] for r in recorded.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if "::usw2-nodes-" in r.urn
    )  # fmt: skip
    assert attached == [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    ]
    (trust,) = json.loads(recorded.one("aws:iam/role:Role", "usw2-nodes").inputs["assumeRolePolicy"])[
        "Statement"
    ]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}
    pulls = policy(recorded.one("aws:iam/rolePolicy:RolePolicy", "usw2-nodes-pull"))
    assert pulls["Statement"][1]["Resource"] == [
        f"arn:aws:ecr:*:{REGISTRY}:repository/training/perception-train"
    ]
    grant = recorded.one("aws:kms/grant:Grant", "usw2-node-volumes")
    assert grant.inputs["keyId"] == KEY
    assert grant.inputs["granteePrincipal"].endswith(
        ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    assert grant.inputs["operations"] == ["Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo",
                                          "GenerateDataKeyWithoutPlaintext", "DescribeKey", "CreateGrant"]  # fmt: skip


def test_every_launch_template_requires_imdsv2_with_hop_limit_1_and_encrypts_the_root_volume(recorded):
    templates = recorded.of_type(LAUNCH_TEMPLATE)
    assert len(templates) == 7  # two system pools and five pools
    for template in templates:
        assert template.inputs["metadataOptions"] == {
            "httpEndpoint": "enabled",
            "httpTokens": "required",
            "httpPutResponseHopLimit": 1,
            "instanceMetadataTags": "disabled",
        }
        (root,) = template.inputs["blockDeviceMappings"]
        assert root["deviceName"] == "/dev/xvda"
        assert {k: root["ebs"][k] for k in ("encrypted", "kmsKeyId", "volumeType", "deleteOnTermination")} == {
            "encrypted": "true", "kmsKeyId": KEY, "volumeType": "gp3", "deleteOnTermination": "true",
        }  # fmt: skip
        assert [t["resourceType"] for t in template.inputs["tagSpecifications"]] == [
            "instance", "volume", "network-interface",
        ]  # fmt: skip
        for spec in template.inputs["tagSpecifications"]:
            assert TAGS.items() <= spec["tags"].items()
    sizes = {
        r.urn.rsplit("::", 1)[1]: r.inputs["blockDeviceMappings"][0]["ebs"]["volumeSize"] for r in templates
    }
    assert sizes["usw2-ai100"] == 500 and sizes["usw2-train"] == 400 and sizes["usw2-batch-spot"] == 100


def test_pools_get_their_ami_type_capacity_taint_labels_and_bounds(recorded):
    groups = {r.urn.rsplit("::", 1)[1]: r.inputs for r in recorded.of_type(NODE_GROUP)}
    summary = {
        name: (g.get("amiType"), g["capacityType"], g["taints"], g["scalingConfig"]["minSize"], g["scalingConfig"]["maxSize"])
        for name, g in groups.items() if name.startswith("usw2-")
    }  # fmt: skip
    gpu = [{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}]
    assert summary == {
        "usw2-system": ("AL2023_x86_64_STANDARD", "ON_DEMAND",
                        [{"key": "CriticalAddonsOnly", "value": "true", "effect": "NO_SCHEDULE"}], 3, 6),
        "usw2-batch-spot": ("AL2023_x86_64_NVIDIA", "SPOT", gpu, 0, 32),
        "usw2-batch-on-demand": ("AL2023_x86_64_NVIDIA", "ON_DEMAND", gpu, 0, 8),
        "usw2-train": ("AL2023_x86_64_NVIDIA", "ON_DEMAND", gpu, 0, 8),
        "usw2-block": ("AL2023_x86_64_NVIDIA", "CAPACITY_BLOCK", gpu, 0, 8),
        "usw2-ai100": (None, "ON_DEMAND", [{"key": "qualcomm.com/qaic", "value": "true", "effect": "NO_SCHEDULE"}], 0, 4),
    }  # fmt: skip
    assert groups["usw2-batch-spot"]["labels"] == {
        "mlplatform.io/pool": "batch",
        "mlplatform.io/pool-kind": "nvidia-batch",
        "mlplatform.io/accelerator": "nvidia",
        "mlplatform.io/capacity": "spot",
        "nvidia.com/gpu.present": "true",
    }
    assert groups["usw2-batch-spot"]["subnetIds"] == ["subnet-a", "subnet-b", "subnet-d"]
    assert groups["usw2-train"]["subnetIds"] == ["subnet-b"]
    assert groups["usw2-block"]["subnetIds"] == ["subnet-a"]
    assert groups["usw2-ai100"]["subnetIds"] == ["subnet-d"]
    assert groups["usw2-batch-spot"]["version"] == "1.34"
    for name, group in groups.items():
        template = recorded.one(LAUNCH_TEMPLATE, name)
        assert group["launchTemplate"] == {"id": template.id, "version": "1"}
        assert recorded.one(NODE_GROUP, name).ignore_changes == ["scalingConfig.desiredSize"]


def test_training_pools_have_efa_on_every_card_and_a_cluster_placement_group_in_one_zone(recorded):
    template = recorded.one(LAUNCH_TEMPLATE, "usw2-train").inputs
    cluster = recorded.one("aws:eks/cluster:Cluster", "usw2")
    security_group = cluster.outputs["vpcConfig"]["clusterSecurityGroupId"]
    interfaces = template["networkInterfaces"]
    assert len(interfaces) == 32
    assert [(i["networkCardIndex"], i["deviceIndex"]) for i in interfaces[:3]] == [(0, 0), (1, 1), (2, 1)]
    assert {i["interfaceType"] for i in interfaces} == {"efa"}
    assert all(i["securityGroups"] == [security_group] for i in interfaces)
    group = recorded.one("aws:ec2/placementGroup:PlacementGroup", "usw2-train")
    assert group.inputs["strategy"] == "cluster"
    assert template["placement"] == {"groupName": group.outputs["name"]}
    assert recorded.names("aws:ec2/placementGroup:PlacementGroup") == ["usw2-train"]


def test_a_capacity_block_pool_launches_into_its_reservation(recorded):
    template = recorded.one(LAUNCH_TEMPLATE, "usw2-block").inputs
    assert template["instanceMarketOptions"] == {"marketType": "capacity-block"}
    assert template["capacityReservationSpecification"] == {
        "capacityReservationTarget": {"capacityReservationId": BLOCK}
    }
    assert template["instanceType"] == "p5.48xlarge"
    assert "placement" not in template  # the block is placed by EC2
    assert "instanceTypes" not in recorded.one(NODE_GROUP, "usw2-block").inputs


def test_ai100_nodes_boot_the_custom_ami_and_join_with_their_taint(recorded):
    template = recorded.one(LAUNCH_TEMPLATE, "usw2-ai100").inputs
    assert template["imageId"] == AMI
    cluster = recorded.one("aws:eks/cluster:Cluster", "usw2").outputs
    user_data = base64.b64decode(template["userData"]).decode()
    assert "Content-Type: application/node.eks.aws" in user_data
    assert f"    name: acme-prod-us-west-2\n    apiServerEndpoint: {cluster['endpoint']}\n" in user_data
    assert (
        f"    certificateAuthority: {cluster['certificateAuthority']['data']}\n    cidr: 172.20.0.0/16\n"
        in user_data
    )
    assert "      - --register-with-taints=qualcomm.com/qaic=true:NoSchedule\n" in user_data
    assert "qualcomm.com/qaic=true" in user_data.split("--node-labels=")[1].split("\n")[0]
    group = recorded.one(NODE_GROUP, "usw2-ai100").inputs
    assert "amiType" not in group and "version" not in group  # EKS refuses both with a custom AMI
    for name in ("usw2-batch-spot", "usw2-train"):
        assert "imageId" not in recorded.one(LAUNCH_TEMPLATE, name).inputs
        assert "userData" not in recorded.one(LAUNCH_TEMPLATE, name).inputs


def test_children_are_parented_and_named_from_their_component(recorded):
    for registration in recorded.registrations:
        if registration.type.startswith(("aws:eks", "aws:ec2/launchTemplate", "aws:kms/grant")):
            name = registration.urn.rsplit("::", 1)[1]
            assert name.startswith(("usw2", "public")), name
            assert "mlplatform:compute:" in registration.parent, registration.urn


# --- arguments refused at construction ---------------------------------------------------------


def errors(raised: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(e["property_path"], e["reason"]) for e in raised.value.errors]


def test_cluster_arguments_are_checked_together():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        cluster_args(
            kubernetes_version="1.34.2",
            subnet_ids={"us-west-2a": "subnet-a"},
            addon_versions={**ADDONS, "kube-proxy": "v1.33.10-eksbuild.21", "coredns": "latest"},
            admin_role_arns=[],
            public_access_cidrs=["0.0.0.0/0"],
        )
    assert errors(raised) == [
        ("kubernetes_version", "'1.34.2': a minor version such as \"1.34\""),
        ("subnet_ids", "{'us-west-2a': 'subnet-a'}: subnets in at least two zones (EKS requires it)"),
        ("addon_versions.coredns", "'latest': a pinned version vX.Y.Z-eksbuild.N"),
        ("addon_versions.kube-proxy", "'v1.33.10-eksbuild.21': the cluster's minor version 1.34.2"),
        ("admin_role_arns", "[]: at least the deploy role, or nobody can manage the cluster"),
        ("public_access_cidrs", "['0.0.0.0/0']: only with endpoint_public_access"),
        (
            "public_access_cidrs",
            "'0.0.0.0/0': at most a /16: a public endpoint is opened to named networks, not the internet",
        ),
    ]


def test_node_group_arguments_are_checked_against_the_pool_table():
    attachment = type("Attachment", (), {})()
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        NodeGroupArgs(pool="ai100", kind="qualcomm-ai100", region="us-east-1", cluster=attachment,
                      subnet_ids={"us-east-1a": "subnet-a"}, zones=["us-east-1b"], instance_types=["dl2q.24xlarge"],
                      capacity="spot-first", min_size=1, max_size=2, desired_size=1, kms_key_arn=KEY, tags=TAGS)  # fmt: skip
    assert errors(raised) == [
        ("capacity", "'spot-first': one of on-demand, spot, capacity-block (a spot-first pool is two node groups, "
                     "see node_pools.groups)"),
        ("instance_types[0]", "'dl2q.24xlarge': dl2q is not offered in us-east-1; offered in: eu-central-1, us-west-2"),
        ("min_size", "1: qualcomm-ai100 pools scale from zero: min_size must be 0"),
        ("ami_id", "None: required: the EKS-optimized AMIs do not cover dl2q; give the id of an AMI with the "
                   "accelerator's driver (docs/adr/0007-compute-clusters.md)"),
        ("zones", "'us-east-1b': a zone with a subnet: us-east-1a"),
    ]  # fmt: skip


def test_the_autoscaling_service_linked_role_is_answered_like_aws():
    recorded = run_component(
        lambda provider: aws.iam.ServiceLinkedRole(
            "autoscaling",
            aws_service_name="autoscaling.amazonaws.com",
            opts=pulumi.ResourceOptions(provider=provider),
        ),
        account=TRAINING,
    )
    role = recorded.one("aws:iam/serviceLinkedRole:ServiceLinkedRole", "autoscaling")
    assert role.outputs["arn"] == (
        f"arn:aws:iam::{TRAINING}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )


# --- Karpenter's AWS side ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def karpenter():
    def build_karpenter(provider):
        Karpenter(
            "usw2-karpenter",
            KarpenterArgs(
                cluster_name="acme-prod-us-west-2",
                cluster_arn=f"arn:aws:eks:{REGION}:{TRAINING}:cluster/acme-prod-us-west-2",
                account_id=TRAINING,
                region=REGION,
                node_role_arn=f"arn:aws:iam::{TRAINING}:role/usw2-nodes",
            ),
        )

    return run_component(build_karpenter, account=TRAINING, region=REGION)


def test_the_interruption_queue_is_encrypted_short_lived_and_tls_only(karpenter):
    queue = karpenter.one("aws:sqs/queue:Queue", "usw2-karpenter-interruption")
    assert queue.inputs["name"] == "acme-prod-us-west-2-karpenter"
    assert queue.inputs["messageRetentionSeconds"] == 300
    assert queue.inputs["sqsManagedSseEnabled"] is True
    send, deny = policy(karpenter.one("aws:sqs/queuePolicy:QueuePolicy", "usw2-karpenter-interruption"))[
        "Statement"
    ]
    assert send["Principal"] == {"Service": ["events.amazonaws.com", "sqs.amazonaws.com"]}
    assert send["Action"] == "sqs:SendMessage" and send["Resource"] == queue.outputs["arn"]
    assert send["Condition"]["ArnEquals"]["aws:SourceArn"] == sorted(
        r.outputs["arn"] for r in karpenter.of_type("aws:cloudwatch/eventRule:EventRule")
    )
    assert deny == {
        "Sid": "DenyHTTP",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": queue.outputs["arn"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def test_five_eventbridge_rules_feed_the_queue(karpenter):
    patterns = {
        r.urn.rsplit("::", 1)[1]: json.loads(r.inputs["eventPattern"])
        for r in karpenter.of_type("aws:cloudwatch/eventRule:EventRule")
    }
    assert patterns == {
        "usw2-karpenter-health": {"source": ["aws.health"], "detail-type": ["AWS Health Event"]},
        "usw2-karpenter-spot-interruption": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Spot Instance Interruption Warning"],
        },
        "usw2-karpenter-rebalance": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Instance Rebalance Recommendation"],
        },
        "usw2-karpenter-state-change": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Instance State-change Notification"],
        },
        "usw2-karpenter-reservation-interruption": {
            "source": ["aws.ec2"],
            "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"],
        },
    }
    queue = karpenter.one("aws:sqs/queue:Queue", "usw2-karpenter-interruption")
    targets = karpenter.of_type("aws:cloudwatch/eventTarget:EventTarget")
    assert len(targets) == 5 and {t.inputs["arn"] for t in targets} == {queue.outputs["arn"]}


def test_the_controller_is_scoped_to_its_cluster_queue_and_node_role(karpenter):
    role = karpenter.one("aws:iam/role:Role", "usw2-karpenter-controller")
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    statements = {
        s["Sid"]: s
        for s in policy(karpenter.one("aws:iam/rolePolicy:RolePolicy", "usw2-karpenter-controller"))[
            "Statement"
        ]
    }
    queue = karpenter.one("aws:sqs/queue:Queue", "usw2-karpenter-interruption")
    assert statements["AllowInterruptionQueueActions"]["Resource"] == queue.outputs["arn"]
    assert statements["AllowPassingInstanceRole"]["Resource"] == f"arn:aws:iam::{TRAINING}:role/usw2-nodes"
    assert statements["AllowScopedDeletion"]["Condition"]["StringEquals"] == {
        "aws:ResourceTag/kubernetes.io/cluster/acme-prod-us-west-2": "owned"
    }
    assert statements["AllowRegionalReadActions"]["Condition"] == {
        "StringEquals": {"aws:RequestedRegion": REGION}
    }
    unconditioned_wildcards = [
        sid for sid, s in statements.items() if s["Resource"] == "*" and "Condition" not in s
    ]
    assert unconditioned_wildcards == ["AllowPricingReadActions"]  # pricing:GetProducts has no resource
    association = karpenter.one(
        "aws:eks/podIdentityAssociation:PodIdentityAssociation", "usw2-karpenter-controller"
    )
    assert {k: association.inputs[k] for k in ("clusterName", "namespace", "serviceAccount", "roleArn")} == {
        "clusterName": "acme-prod-us-west-2",
        "namespace": "kube-system",
        "serviceAccount": "karpenter",
        "roleArn": role.outputs["arn"],
    }
