"""An EKS cluster from pulumi_aws primitives, with its system node group and managed add-ons."""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _iam, _tags
from components._validation import Problems
from components.node_group import ClusterAttachment, NodeGroup, NodeGroupArgs
from platform_spec import formats
from platform_spec.cidr import public_cidr_problem

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
ADDONS_BEFORE_NODES = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
"""DaemonSets a node needs to become Ready (network, service routing) or its pods need for credentials."""
ADDONS_ON_NODES = ("coredns", "aws-ebs-csi-driver")
"""Deployments: EKS reports them healthy only once nodes run them, so they come after the system nodes."""
ADDONS = ADDONS_BEFORE_NODES + ADDONS_ON_NODES
ADDON_CONFIGURATION = {"vpc-cni": {"enableNetworkPolicy": "true"}}
"""The VPC CNI enforces NetworkPolicy (team namespaces get default-deny policies later)."""
EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa"
CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
MANAGED = "arn:aws:iam::aws:policy/"
CLUSTER_POLICIES = {"cluster": "AmazonEKSClusterPolicy"}
NODE_POLICIES = {
    "worker": "AmazonEKSWorkerNodePolicy",
    "cni": "AmazonEKS_CNI_Policy",
    "ecr-pull": "AmazonEC2ContainerRegistryPullOnly",
}
"""The standard node policies; the platform's own repositories are granted by registry_access.grant_pull."""
EBS_GRANT_OPERATIONS = (
    "Encrypt", "Decrypt", "ReEncryptFrom", "ReEncryptTo", "GenerateDataKeyWithoutPlaintext",
    "DescribeKey", "CreateGrant",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True, slots=True)
class SystemPoolArgs:
    """The on-demand pool that runs the cluster's add-ons, tainted CriticalAddonsOnly."""

    instance_types: Sequence[str]
    min_size: int
    max_size: int
    desired_size: int
    root_volume_gib: int = 100
    zones: Sequence[str] | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class EksClusterArgs:
    cluster_name: str
    kubernetes_version: str
    account_id: pulumi.Input[str]
    region: str
    subnet_ids: Mapping[str, pulumi.Input[str]]
    """Private subnet per zone of the VPC: control-plane interfaces and nodes go there."""
    kms_key_arn: pulumi.Input[str]
    """Encrypts Kubernetes secrets, the control-plane log group and node volumes."""
    addon_versions: Mapping[str, str]
    """A pinned version for each of ADDONS."""
    log_retention_days: int
    admin_role_arns: Sequence[pulumi.Input[str]]
    """Roles given cluster admin through access entries (the deploy role the later layers use)."""
    system_pool: SystemPoolArgs
    ebs_grantee_arn: pulumi.Input[str]
    """The account's EC2 Auto Scaling service-linked role: it launches nodes with encrypted volumes."""
    tags: Mapping[str, str]
    """Baseline tags for what default_tags do not reach (node instances and volumes)."""
    endpoint_public_access: bool = False
    public_access_cidrs: Sequence[str] = ()
    support_type: str = "STANDARD"
    deletion_protection: bool = True
    service_cidr: str = "172.20.0.0/16"
    """Service IP range; outside the 10.x VPC ranges, and written into custom-AMI nodes' NodeConfig."""

    def __post_init__(self) -> None:
        problems = Problems("EksCluster")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}", self.cluster_name):
            problems.add("cluster_name", self.cluster_name, "1 to 100 letters, digits, - and _")
        if not formats.matches(formats.KUBERNETES_VERSION, self.kubernetes_version):
            problems.add("kubernetes_version", self.kubernetes_version, 'a minor version such as "1.34"')
        if len(self.subnet_ids) < 2:
            problems.add(
                "subnet_ids", dict(self.subnet_ids), "subnets in at least two zones (EKS requires it)"
            )
        for addon in ADDONS:
            version = self.addon_versions.get(addon)
            if version is None or not formats.matches(formats.ADDON_VERSION, version):
                problems.add(f"addon_versions.{addon}", version, "a pinned version vX.Y.Z-eksbuild.N")
        for addon in self.addon_versions:
            if addon not in ADDONS:
                problems.add("addon_versions", addon, f"one of {', '.join(ADDONS)}")
        kube_proxy = self.addon_versions.get("kube-proxy", "")
        if kube_proxy and not kube_proxy.startswith(f"v{self.kubernetes_version}."):
            problems.add(
                "addon_versions.kube-proxy",
                kube_proxy,
                f"the cluster's minor version {self.kubernetes_version}",
            )
        if self.log_retention_days < 1:
            problems.add("log_retention_days", self.log_retention_days, "a CloudWatch Logs retention period")
        if not self.admin_role_arns:
            problems.add("admin_role_arns", [], "at least the deploy role, or nobody can manage the cluster")
        if self.support_type not in ("STANDARD", "EXTENDED"):
            problems.add("support_type", self.support_type, "STANDARD or EXTENDED")
        if self.endpoint_public_access and not self.public_access_cidrs:
            problems.add("public_access_cidrs", [], "the networks allowed to reach the public endpoint")
        if not self.endpoint_public_access and self.public_access_cidrs:
            problems.add(
                "public_access_cidrs", list(self.public_access_cidrs), "only with endpoint_public_access"
            )
        for cidr in self.public_access_cidrs:
            reason = public_cidr_problem(cidr)
            if reason is not None:
                problems.add("public_access_cidrs", cidr, reason)
        try:
            ipaddress.IPv4Network(self.service_cidr)
        except ValueError:
            problems.add("service_cidr", self.service_cidr, "an IPv4 network such as 172.20.0.0/16")
        problems.raise_if_any()


def pod_identity_trust(account_id: str) -> dict:
    """Trust of a role that pods of this account's clusters assume through EKS Pod Identity."""
    return _iam.trust_service(
        "pods.eks.amazonaws.com",
        account_id,
        actions=("sts:AssumeRole", "sts:TagSession"),
        sid="EksPodIdentity",
    )


def key_use_policy(key_arn: str, *, grants: bool) -> dict:
    """Use of one KMS key (the key policy allows it only through AWS services of the account)."""
    statements = [
        {
            "Sid": "UsePlatformKey",
            "Effect": "Allow",
            "Action": [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            "Resource": key_arn,
        }
    ]
    if grants:
        statements.append(
            {
                "Sid": "GrantsForAwsResources",
                "Effect": "Allow",
                "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                "Resource": key_arn,
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            }
        )
    return _iam.document(*statements)


class EksCluster(pulumi.ComponentResource):
    """Creates the EKS control plane (private endpoint unless the spec allows a public one, secrets
    encrypted with the platform key, every control-plane log type into a KMS-encrypted log group
    with retention, access entries only (authentication mode API), no self-managed add-ons), its
    IAM roles, the pinned managed add-ons with the EBS CSI driver on Pod Identity, the node role
    every node group of the cluster uses, and the system node group.

    `attachment` is what further `NodeGroup`s of the cluster need.
    """

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:compute:EksCluster", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = pulumi.Output.from_input(args.account_id)
        key = pulumi.Output.from_input(args.kms_key_arn)

        cluster_role = aws.iam.Role(
            f"{name}-cluster",
            description=f"EKS control plane of {args.cluster_name}",
            assume_role_policy=account.apply(
                lambda a: json.dumps(
                    _iam.trust_service("eks.amazonaws.com", a, actions=("sts:AssumeRole", "sts:TagSession"))
                )
            ),
            opts=child,
        )
        cluster_attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-cluster-{short}", role=cluster_role.name, policy_arn=MANAGED + policy, opts=child
            )
            for short, policy in CLUSTER_POLICIES.items()
        ]
        secrets_key = aws.iam.RolePolicy(
            f"{name}-cluster-secrets-key",
            role=cluster_role.id,
            policy=key.apply(lambda k: json.dumps(key_use_policy(k, grants=False))),
            opts=child,
        )
        # EKS writes control-plane logs here; created first so it has the key and a retention.
        self.log_group = aws.cloudwatch.LogGroup(
            f"{name}-control-plane",
            name=f"/aws/eks/{args.cluster_name}/cluster",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            opts=pulumi.ResourceOptions(parent=self, retain_on_delete=True),
        )
        self.cluster = aws.eks.Cluster(
            name,
            name=args.cluster_name,
            version=args.kubernetes_version,
            role_arn=cluster_role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=list(args.subnet_ids.values()),
                endpoint_private_access=True,
                endpoint_public_access=args.endpoint_public_access,
                public_access_cidrs=list(args.public_access_cidrs) if args.endpoint_public_access else None,
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=args.kms_key_arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(LOG_TYPES),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API", bootstrap_cluster_creator_admin_permissions=False
            ),
            bootstrap_self_managed_addons=False,
            kubernetes_network_config=aws.eks.ClusterKubernetesNetworkConfigArgs(
                ip_family="ipv4", service_ipv4_cidr=args.service_cidr
            ),
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type=args.support_type),
            deletion_protection=args.deletion_protection,
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[self.log_group, secrets_key, *cluster_attachments]
            ),
        )
        cluster_name = self.cluster.name

        for i, principal in enumerate(args.admin_role_arns):
            entry = aws.eks.AccessEntry(
                f"{name}-admin-{i}",
                cluster_name=cluster_name,
                principal_arn=principal,
                type="STANDARD",
                opts=child,
            )
            aws.eks.AccessPolicyAssociation(
                f"{name}-admin-{i}",
                cluster_name=cluster_name,
                principal_arn=entry.principal_arn,
                policy_arn=CLUSTER_ADMIN_POLICY,
                access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
                opts=child,
            )

        self.node_role = aws.iam.Role(
            f"{name}-nodes",
            description=f"Nodes of {args.cluster_name}",
            assume_role_policy=account.apply(
                lambda a: json.dumps(_iam.trust_service("ec2.amazonaws.com", a))
            ),
            opts=child,
        )
        node_attachments = [
            aws.iam.RolePolicyAttachment(
                f"{name}-nodes-{short}", role=self.node_role.name, policy_arn=MANAGED + policy, opts=child
            )
            for short, policy in NODE_POLICIES.items()
        ]
        # EC2 Auto Scaling launches the nodes; without a grant it cannot use the key of their volumes.
        ebs_grant = aws.kms.Grant(
            f"{name}-node-volumes",
            key_id=args.kms_key_arn,
            grantee_principal=args.ebs_grantee_arn,
            operations=list(EBS_GRANT_OPERATIONS),
            opts=child,
        )

        addons: dict[str, aws.eks.Addon] = {}
        for addon in ADDONS_BEFORE_NODES:
            addons[addon] = self._addon(name, addon, args, cluster_name, child)
        self.attachment = ClusterAttachment(
            cluster_name=cluster_name,
            kubernetes_version=args.kubernetes_version,
            endpoint=self.cluster.endpoint,
            certificate_authority=self.cluster.certificate_authority.data,
            service_cidr=args.service_cidr,
            security_group_id=self.cluster.vpc_config.cluster_security_group_id,
            node_role_arn=self.node_role.arn,
        )
        system = args.system_pool
        self.system_nodes = NodeGroup(
            f"{name}-system",
            NodeGroupArgs(
                pool="system",
                kind="system",
                region=args.region,
                cluster=self.attachment,
                subnet_ids=args.subnet_ids,
                zones=system.zones,
                instance_types=system.instance_types,
                capacity="on-demand",
                min_size=system.min_size,
                max_size=system.max_size,
                desired_size=system.desired_size,
                root_volume_gib=system.root_volume_gib,
                kms_key_arn=args.kms_key_arn,
                tags=_tags.merged(args.tags, {"eks-cluster": args.cluster_name}),
            ),
            opts=pulumi.ResourceOptions(
                parent=self, depends_on=[*addons.values(), *node_attachments, ebs_grant]
            ),
        )

        self.ebs_csi_role = aws.iam.Role(
            f"{name}-ebs-csi",
            description=f"EBS CSI controller of {args.cluster_name} (Pod Identity)",
            assume_role_policy=account.apply(lambda a: json.dumps(pod_identity_trust(a))),
            opts=child,
        )
        ebs_csi_policies = [
            aws.iam.RolePolicyAttachment(
                f"{name}-ebs-csi",
                role=self.ebs_csi_role.name,
                policy_arn=MANAGED + "service-role/AmazonEBSCSIDriverPolicy",
                opts=child,
            ),
            aws.iam.RolePolicy(
                f"{name}-ebs-csi-key",
                role=self.ebs_csi_role.id,
                policy=key.apply(lambda k: json.dumps(key_use_policy(k, grants=True))),
                opts=child,
            ),
        ]
        on_nodes = pulumi.ResourceOptions(
            parent=self, depends_on=[self.system_nodes, addons["eks-pod-identity-agent"], *ebs_csi_policies]
        )
        for addon in ADDONS_ON_NODES:
            addons[addon] = self._addon(name, addon, args, cluster_name, on_nodes)
        self.addons = addons

        self.name = cluster_name
        self.arn = self.cluster.arn
        self.endpoint = self.cluster.endpoint
        self.certificate_authority = self.attachment.certificate_authority
        self.oidc_issuer = self.cluster.identities.apply(lambda ids: ids[0].oidcs[0].issuer)
        self.security_group_id = self.attachment.security_group_id
        self.node_role_arn = self.node_role.arn
        self.node_role_name = self.node_role.name
        self.register_outputs(
            {
                "name": self.name,
                "arn": self.arn,
                "endpoint": self.endpoint,
                "certificate_authority": self.certificate_authority,
                "oidc_issuer": self.oidc_issuer,
                "security_group_id": self.security_group_id,
                "node_role_arn": self.node_role_arn,
            }
        )

    def _addon(
        self,
        name: str,
        addon: str,
        args: EksClusterArgs,
        cluster_name: pulumi.Output[str],
        opts: pulumi.ResourceOptions,
    ) -> aws.eks.Addon:
        configuration = ADDON_CONFIGURATION.get(addon)
        return aws.eks.Addon(
            f"{name}-{addon}",
            cluster_name=cluster_name,
            addon_name=addon,
            addon_version=args.addon_versions[addon],
            configuration_values=json.dumps(configuration) if configuration else None,
            pod_identity_associations=[
                aws.eks.AddonPodIdentityAssociationArgs(
                    role_arn=self.ebs_csi_role.arn, service_account=EBS_CSI_SERVICE_ACCOUNT
                )
            ]
            if addon == "aws-ebs-csi-driver"
            else None,
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            opts=opts,
        )
