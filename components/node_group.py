"""One EKS managed node group of a pool, with the launch template that makes its nodes safe."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _tags
from components._validation import Problems
from platform_spec.tables import node_pools

TAINT_EFFECTS = {
    "NO_SCHEDULE": "NoSchedule",
    "NO_EXECUTE": "NoExecute",
    "PREFER_NO_SCHEDULE": "PreferNoSchedule",
}
"""EKS API taint effects and their Kubernetes names (kubelet flags of custom-AMI nodes)."""
INSTANCE_TAGGED = ("instance", "volume", "network-interface")


@dataclass(frozen=True, kw_only=True, slots=True)
class ClusterAttachment:
    """What a node group needs of its cluster (`EksCluster.attachment`)."""

    cluster_name: pulumi.Input[str]
    kubernetes_version: str
    endpoint: pulumi.Input[str]
    certificate_authority: pulumi.Input[str]
    """Base64 certificate authority data of the API server."""
    service_cidr: str
    security_group_id: pulumi.Input[str]
    """The cluster security group EKS creates; EFA interfaces name it explicitly."""
    node_role_arn: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True, slots=True)
class NodeGroupArgs:
    pool: str
    """The pool's key; node label `mlplatform.io/pool`."""
    kind: str
    """A pool kind of core/platform_spec/tables/node_pools.py: AMI type, taint, families, EFA."""
    region: str
    cluster: ClusterAttachment
    subnet_ids: Mapping[str, pulumi.Input[str]]
    """Private subnet of the cluster's VPC per zone."""
    instance_types: Sequence[str]
    capacity: str
    """on-demand, spot or capacity-block: one managed node group has one purchase option."""
    min_size: int
    max_size: int
    desired_size: int
    kms_key_arn: pulumi.Input[str]
    """Key of the root volumes (the platform key of the account and region)."""
    tags: Mapping[str, str]
    """Baseline tags; launched instances, volumes and interfaces get them through the launch template."""
    zones: Sequence[str] | None = None
    """Zones used; None: every zone of `subnet_ids`."""
    root_volume_gib: int = 100
    ami_id: str | None = None
    capacity_reservation_id: str | None = None

    def __post_init__(self) -> None:
        problems = Problems("NodeGroup")
        if self.capacity not in node_pools.CAPACITY_TYPES:
            problems.add(
                "capacity",
                self.capacity,
                f"one of {', '.join(node_pools.CAPACITY_TYPES)} (a spot-first pool is two node groups, "
                "see node_pools.groups)",
            )
        for problem in node_pools.pool_problems(
            self.kind,
            instance_types=self.instance_types,
            capacity=self.capacity,
            min_size=self.min_size,
            max_size=self.max_size,
            desired_size=self.desired_size,
            zones=self.zones,
            region=self.region,
            ami_id=self.ami_id,
            capacity_reservation_id=self.capacity_reservation_id,
        ):
            if problem.path == "on_demand_max_size" or (
                problem.path == "capacity" and self.capacity not in node_pools.CAPACITY_TYPES
            ):
                continue  # reported above: a node group has one capacity type and no fallback
            problems.add(problem.path, problem.value, problem.message)
        if not self.subnet_ids:
            problems.add("subnet_ids", {}, "a private subnet per zone of the cluster's VPC")
        for zone in self.zones or ():
            if zone not in self.subnet_ids:
                problems.add("zones", zone, f"a zone with a subnet: {', '.join(self.subnet_ids)}")
        if not 20 <= self.root_volume_gib <= 16384:
            problems.add("root_volume_gib", self.root_volume_gib, "from 20 to 16384 GiB (gp3)")
        try:
            _tags.merged(self.tags)
        except ValueError as error:
            problems.add("tags", dict(self.tags), str(error))
        problems.raise_if_any()


def node_config_user_data(
    *,
    cluster_name: str,
    endpoint: str,
    certificate_authority: str,
    service_cidr: str,
    labels: Mapping[str, str],
    taint: tuple[str, str, str],
) -> str:
    """Base64 MIME user data with the nodeadm NodeConfig a custom AL2023-based AMI joins with.

    EKS writes this for its own AMIs; for a custom AMI it must come with the launch template.
    Labels and the taint are also set through kubelet flags, so a node is tainted from its
    first moment, before EKS applies the node group's taints through the API.
    """
    key, value, effect = taint
    node_labels = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
    document = "\n".join(
        [
            "MIME-Version: 1.0",
            'Content-Type: multipart/mixed; boundary="//"',
            "",
            "--//",
            "Content-Type: application/node.eks.aws",
            "",
            "---",
            "apiVersion: node.eks.aws/v1alpha1",
            "kind: NodeConfig",
            "spec:",
            "  cluster:",
            f"    name: {cluster_name}",
            f"    apiServerEndpoint: {endpoint}",
            f"    certificateAuthority: {certificate_authority}",
            f"    cidr: {service_cidr}",
            "  kubelet:",
            "    flags:",
            f"      - --node-labels={node_labels}",
            f"      - --register-with-taints={key}={value}:{TAINT_EFFECTS[effect]}",
            "",
            "--//--",
            "",
        ]
    )
    return base64.b64encode(document.encode()).decode()


class NodeGroup(pulumi.ComponentResource):
    """Creates a launch template (IMDSv2 only with hop limit 1, so pods cannot take the node's
    credentials; an encrypted gp3 root volume with the platform key; the baseline tags on every
    instance, volume and interface; EFA interfaces and a cluster placement group for training;
    the Capacity Block for capacity-block groups) and the EKS managed node group using it, with
    the kind's AMI type, taint and labels.
    """

    def __init__(self, name: str, args: NodeGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:compute:NodeGroup", name, None, opts)
        kind = node_pools.KINDS[args.kind]
        zones = list(args.zones or args.subnet_ids)
        labels = node_pools.labels(args.pool, args.kind, args.capacity)
        taint_key, taint_value, taint_effect = kind.taint
        capacity_block = args.capacity == "capacity-block"
        child = pulumi.ResourceOptions(parent=self)

        placement = None
        if kind.one_zone and not capacity_block:
            # A Capacity Block is already placed together by EC2; a placement group would conflict.
            self.placement_group: aws.ec2.PlacementGroup | None = aws.ec2.PlacementGroup(
                name, strategy="cluster", opts=child
            )
            placement = aws.ec2.LaunchTemplatePlacementArgs(group_name=self.placement_group.name)
        else:
            self.placement_group = None

        efa = node_pools.efa_interfaces(args.kind, args.instance_types[0])
        interfaces = [
            aws.ec2.LaunchTemplateNetworkInterfaceArgs(
                device_index=0 if card == 0 else 1,
                network_card_index=card,
                interface_type="efa",
                delete_on_termination="true",
                security_groups=[args.cluster.security_group_id],
            )
            for card in range(efa)
        ]
        user_data = None
        if args.ami_id is not None:
            user_data = pulumi.Output.all(
                args.cluster.cluster_name, args.cluster.endpoint, args.cluster.certificate_authority
            ).apply(
                lambda values: node_config_user_data(
                    cluster_name=values[0],
                    endpoint=values[1],
                    certificate_authority=values[2],
                    service_cidr=args.cluster.service_cidr,
                    labels=labels,
                    taint=kind.taint,
                )
            )
        instance_tags = _tags.merged(args.tags, {"Name": name, f"{node_pools.LABEL_PREFIX}/pool": args.pool})
        self.launch_template = aws.ec2.LaunchTemplate(
            name,
            description=f"{args.kind} nodes of pool {args.pool} ({args.capacity})",
            image_id=args.ami_id,
            user_data=user_data,
            instance_type=args.instance_types[0] if capacity_block else None,
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
                instance_metadata_tags="disabled",
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name=node_pools.ROOT_DEVICE,
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=args.root_volume_gib,
                        volume_type="gp3",
                        encrypted="true",
                        kms_key_id=args.kms_key_arn,
                        delete_on_termination="true",
                    ),
                )
            ],
            network_interfaces=interfaces or None,
            placement=placement,
            instance_market_options=aws.ec2.LaunchTemplateInstanceMarketOptionsArgs(
                market_type="capacity-block"
            )
            if capacity_block
            else None,
            capacity_reservation_specification=aws.ec2.LaunchTemplateCapacityReservationSpecificationArgs(
                capacity_reservation_target=aws.ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs(
                    capacity_reservation_id=args.capacity_reservation_id
                )
            )
            if capacity_block
            else None,
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=resource, tags=instance_tags)
                for resource in INSTANCE_TAGGED
            ],
            update_default_version=True,
            opts=child,
        )
        custom_ami = args.ami_id is not None
        self.node_group = aws.eks.NodeGroup(
            name,
            cluster_name=args.cluster.cluster_name,
            node_role_arn=args.cluster.node_role_arn,
            subnet_ids=[args.subnet_ids[zone] for zone in zones],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                min_size=args.min_size, max_size=args.max_size, desired_size=args.desired_size
            ),
            # The EKS API refuses amiType and version with a custom AMI in the launch template
            # (it reports the group as CUSTOM); a Capacity Block's type is in the launch template.
            ami_type=None if custom_ami else kind.ami_type,
            version=None if custom_ami else args.cluster.kubernetes_version,
            instance_types=None if capacity_block else list(args.instance_types),
            capacity_type=node_pools.CAPACITY_TYPES[args.capacity],
            labels=labels,
            taints=[aws.eks.NodeGroupTaintArgs(key=taint_key, value=taint_value, effect=taint_effect)],
            launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                id=self.launch_template.id, version=self.launch_template.latest_version.apply(str)
            ),
            update_config=aws.eks.NodeGroupUpdateConfigArgs(max_unavailable=1),
            node_repair_config=aws.eks.NodeGroupNodeRepairConfigArgs(enabled=True),
            # Autoscalers move the desired size; a deploy must not reset it.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["scalingConfig.desiredSize"]),
        )
        self.arn = self.node_group.arn
        self.register_outputs(
            {"arn": self.arn, "launch_template_id": self.launch_template.id, "zones": zones, "labels": labels}
        )
