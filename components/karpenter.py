"""What Karpenter needs from AWS for one cluster: the controller's role on Pod Identity and the
interruption queue with its EventBridge rules.

The Helm release, EC2NodeClass and NodePools are Kubernetes objects of a later phase; they name
the queue (`settings.interruptionQueue`) and the node role exported here. The policy follows the
controller policy of Karpenter v1's CloudFormation template (getting-started), scoped to this
cluster by the `kubernetes.io/cluster/<name>` and `eks:eks-cluster-name` tags Karpenter sets.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems
from components.eks_cluster import key_use_policy, pod_identity_trust

QUEUE_RETENTION_SECONDS = 300
"""Interruption notices are acted on within two minutes; older ones are stale."""
INTERRUPTION_EVENTS = {
    "health": ("aws.health", "AWS Health Event"),
    "spot-interruption": ("aws.ec2", "EC2 Spot Instance Interruption Warning"),
    "rebalance": ("aws.ec2", "EC2 Instance Rebalance Recommendation"),
    "state-change": ("aws.ec2", "EC2 Instance State-change Notification"),
    "reservation-interruption": ("aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"),
}
"""Rule key (short: `<region>-karpenter-<key>` plus Pulumi's suffix fits EventBridge's 64 characters)
-> (event source, detail type): what Karpenter's interruption handling reads."""
READ_ACTIONS = (
    "ec2:DescribeCapacityReservations", "ec2:DescribeImages", "ec2:DescribeInstances",
    "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates",
    "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets",
)  # fmt: skip


@dataclass(frozen=True, kw_only=True, slots=True)
class KarpenterArgs:
    cluster_name: str
    cluster_arn: pulumi.Input[str]
    account_id: pulumi.Input[str]
    region: str
    node_role_arn: pulumi.Input[str]
    """The role of the nodes Karpenter launches (the cluster's node role, already admitted by an access entry)."""
    namespace: str = "kube-system"
    service_account: str = "karpenter"
    volume_key_arn: pulumi.Input[str] | None = None
    """Key of the root volumes of the nodes Karpenter launches (EC2NodeClass `kmsKeyID`): EC2 uses
    it on the controller's behalf at launch, so the controller needs it, with grants for AWS resources."""

    def __post_init__(self) -> None:
        problems = Problems("Karpenter")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,68}", self.cluster_name):
            problems.add(
                "cluster_name", self.cluster_name, "1 to 69 characters (the queue is <cluster>-karpenter)"
            )
        for field in ("namespace", "service_account"):
            value = getattr(self, field)
            if not re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", value):
                problems.add(field, value, "a Kubernetes name (RFC 1123 label)")
        problems.raise_if_any()


def queue_policy(queue_arn: str, rule_arns: list[str]) -> dict:
    """EventBridge (only this cluster's rules) may send; nothing may use the queue without TLS."""
    return _iam.document(
        {
            "Sid": "EventBridgeRulesSend",
            "Effect": "Allow",
            "Principal": {"Service": ["events.amazonaws.com", "sqs.amazonaws.com"]},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": sorted(rule_arns)}},
        },
        {
            "Sid": "DenyHTTP",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sqs:*",
            "Resource": queue_arn,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
    )


def controller_policy(
    *, cluster_name: str, cluster_arn: str, account_id: str, region: str, queue_arn: str, node_role_arn: str
) -> dict:
    """Karpenter v1's controller permissions, scoped to one cluster, region and queue."""
    ec2 = f"arn:aws:ec2:{region}"
    owned = {
        f"aws:RequestTag/kubernetes.io/cluster/{cluster_name}": "owned",
        "aws:RequestTag/eks:eks-cluster-name": cluster_name,
    }
    resource_owned = {f"aws:ResourceTag/kubernetes.io/cluster/{cluster_name}": "owned"}
    launched = [f"{ec2}:*:{kind}/*" for kind in ("fleet", "instance", "volume", "network-interface", "launch-template",
                                                  "spot-instances-request")]  # fmt: skip
    profile = f"arn:aws:iam::{account_id}:instance-profile/*"
    return _iam.document(
        {
            "Sid": "AllowScopedEC2InstanceAccessActions",
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
            "Resource": [
                f"{ec2}::image/*",
                f"{ec2}::snapshot/*",
                f"{ec2}:*:security-group/*",
                f"{ec2}:*:subnet/*",
                f"{ec2}:*:capacity-reservation/*",
            ],
        },
        {
            "Sid": "AllowScopedEC2LaunchTemplateAccessActions",
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
            "Resource": f"{ec2}:*:launch-template/*",
            "Condition": {
                "StringEquals": resource_owned,
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
        },
        {
            "Sid": "AllowScopedEC2InstanceActionsWithTags",
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            "Resource": launched,
            "Condition": {"StringEquals": owned, "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"}},
        },
        {
            "Sid": "AllowScopedResourceCreationTagging",
            "Effect": "Allow",
            "Action": "ec2:CreateTags",
            "Resource": launched,
            "Condition": {
                "StringEquals": {
                    **owned,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                "StringLike": {"aws:RequestTag/karpenter.sh/nodepool": "*"},
            },
        },
        {
            "Sid": "AllowScopedResourceTagging",
            "Effect": "Allow",
            "Action": "ec2:CreateTags",
            "Resource": f"{ec2}:*:instance/*",
            "Condition": {
                "StringEquals": resource_owned,
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
                "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster_name},
                "ForAllValues:StringEquals": {
                    "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]
                },
            },
        },
        {
            "Sid": "AllowScopedDeletion",
            "Effect": "Allow",
            "Action": ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            "Resource": [f"{ec2}:*:instance/*", f"{ec2}:*:launch-template/*"],
            "Condition": {
                "StringEquals": resource_owned,
                "StringLike": {"aws:ResourceTag/karpenter.sh/nodepool": "*"},
            },
        },
        {
            "Sid": "AllowRegionalReadActions",
            "Effect": "Allow",
            "Action": list(READ_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": region}},
        },
        {
            "Sid": "AllowSSMReadActions",
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            "Resource": f"arn:aws:ssm:{region}::parameter/aws/service/*",
        },
        {
            "Sid": "AllowPricingReadActions",
            "Effect": "Allow",
            "Action": "pricing:GetProducts",
            "Resource": "*",
        },
        {
            "Sid": "AllowInterruptionQueueActions",
            "Effect": "Allow",
            "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            "Resource": queue_arn,
        },
        {
            "Sid": "AllowPassingInstanceRole",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": node_role_arn,
            "Condition": {"StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com"]}},
        },
        {
            "Sid": "AllowScopedInstanceProfileCreationActions",
            "Effect": "Allow",
            "Action": ["iam:CreateInstanceProfile", "iam:TagInstanceProfile"],
            "Resource": profile,
            "Condition": {
                "StringEquals": {**owned, "aws:RequestTag/topology.kubernetes.io/region": region},
                "StringLike": {"aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        },
        {
            "Sid": "AllowScopedInstanceProfileActions",
            "Effect": "Allow",
            "Action": [
                "iam:AddRoleToInstanceProfile",
                "iam:RemoveRoleFromInstanceProfile",
                "iam:DeleteInstanceProfile",
            ],
            "Resource": profile,
            "Condition": {
                "StringEquals": {**resource_owned, "aws:ResourceTag/topology.kubernetes.io/region": region},
                "StringLike": {"aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*"},
            },
        },
        {
            "Sid": "AllowInstanceProfileReadActions",
            "Effect": "Allow",
            "Action": ["iam:GetInstanceProfile", "iam:ListInstanceProfiles"],
            "Resource": profile,
        },
        {
            "Sid": "AllowAPIServerEndpointDiscovery",
            "Effect": "Allow",
            "Action": "eks:DescribeCluster",
            "Resource": cluster_arn,
        },
    )


class Karpenter(pulumi.ComponentResource):
    """Creates the interruption queue (SQS-managed encryption, 300 s retention, TLS only, written only
    by this cluster's rules), the five EventBridge rules that feed it, and the controller's role with
    its Pod Identity association (`kube-system/karpenter` by default).
    """

    def __init__(self, name: str, args: KarpenterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:compute:Karpenter", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        # EventBridge cannot write to a queue encrypted with a key whose policy does not name it;
        # SQS-managed encryption needs no key policy, as in Karpenter's own template.
        self.queue = aws.sqs.Queue(
            f"{name}-interruption",
            name=f"{args.cluster_name}-karpenter",
            message_retention_seconds=QUEUE_RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            opts=child,
        )
        rules = {}
        for key, (source, detail_type) in INTERRUPTION_EVENTS.items():
            rules[key] = aws.cloudwatch.EventRule(
                f"{name}-{key}",
                description=f"{detail_type} for Karpenter of {args.cluster_name}",
                event_pattern=json.dumps({"source": [source], "detail-type": [detail_type]}),
                opts=child,
            )
            aws.cloudwatch.EventTarget(f"{name}-{key}", rule=rules[key].name, arn=self.queue.arn, opts=child)
        aws.sqs.QueuePolicy(
            f"{name}-interruption",
            queue_url=self.queue.url,
            policy=pulumi.Output.all(self.queue.arn, *[rule.arn for rule in rules.values()]).apply(
                lambda arns: json.dumps(queue_policy(arns[0], list(arns[1:])))
            ),
            opts=child,
        )

        self.controller_role = aws.iam.Role(
            f"{name}-controller",
            description=f"Karpenter controller of {args.cluster_name} (Pod Identity)",
            assume_role_policy=pulumi.Output.from_input(args.account_id).apply(
                lambda account: json.dumps(pod_identity_trust(account))
            ),
            opts=child,
        )
        aws.iam.RolePolicy(
            f"{name}-controller",
            role=self.controller_role.id,
            policy=pulumi.Output.all(
                args.cluster_arn, args.account_id, self.queue.arn, args.node_role_arn
            ).apply(
                lambda values: json.dumps(
                    controller_policy(
                        cluster_name=args.cluster_name,
                        cluster_arn=values[0],
                        account_id=values[1],
                        region=args.region,
                        queue_arn=values[2],
                        node_role_arn=values[3],
                    )
                )
            ),
            opts=child,
        )
        if args.volume_key_arn is not None:
            aws.iam.RolePolicy(
                f"{name}-controller-volume-key",
                role=self.controller_role.id,
                policy=pulumi.Output.from_input(args.volume_key_arn).apply(
                    lambda key: json.dumps(key_use_policy(key, grants=True))
                ),
                opts=child,
            )
        aws.eks.PodIdentityAssociation(
            f"{name}-controller",
            cluster_name=args.cluster_name,
            namespace=args.namespace,
            service_account=args.service_account,
            role_arn=self.controller_role.arn,
            opts=child,
        )
        self.queue_name = self.queue.name
        self.controller_role_arn = self.controller_role.arn
        self.register_outputs(
            {"queue_name": self.queue_name, "controller_role_arn": self.controller_role_arn}
        )
