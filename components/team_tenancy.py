"""Team tenancy on one training cluster: a namespace per team with quotas, network isolation, a job
service account and a Pod Identity role that reads the team's data products and writes its scratch.

Design and the reasons behind each limit: docs/adr/0009-team-tenancy-and-lustre.md.

- Namespace `team-<key>`, Pod Security Admission `restricted` (enforce, audit and warn, pinned to
  the cluster's minor version): jobs run as non-root, without privilege escalation or added
  capabilities, with the runtime's seccomp profile. GPUs, AI 100 devices and EFA reach pods through
  device plugins, which need none of that.
- ResourceQuota: the most Kueue can ever admit for the team (`namespace_quotas`: the cohort's total),
  so that the quota never rejects the pods of a workload Kueue admitted on borrowed quota; LimitRange:
  default requests and a memory limit for containers that state none.
- NetworkPolicy: default deny in both directions, then only what a job needs (its own namespace,
  DNS, the Pod Identity agent, and TCP 443 to any address except link-local 169.254.0.0/16). The
  443 rule is meant for AWS endpoints and the API server, but NetworkPolicy cannot name S3's prefix
  list, so it also admits any internet host on 443 that the VPC's NAT reaches (ADR 0009).
- ServiceAccount `jobs` bound by an EKS Pod Identity association to the team's role, which carries
  the tag `team=<key>` that the lake's access points admit (components/data_product.py).
- Scratch: one bucket per cluster (training account, the cluster's region, the platform key, a short
  expiry), a prefix `<team>/` per team behind an access point per team.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components import _iam, _kubernetes, product_access
from components._kubernetes import TeamQuota, team_namespace
from components._validation import Problems
from components.eks_cluster import pod_identity_trust
from components.lake_bucket import LakeBucket, LakeBucketArgs
from platform_spec.tables import lake_classes, tiering

SERVICE_ACCOUNT = "jobs"
"""The service account of a team's jobs: its pods get the team role through Pod Identity."""
SCRATCH_ZONE = "scratch"
"""The scratch area's name in the product-shaped export the grant helpers take."""
POD_IDENTITY_AGENT = "169.254.170.23/32"
"""The EKS Pod Identity agent (host network, port 80): where a pod's SDK fetches the team role's credentials."""
LINK_LOCAL = "169.254.0.0/16"
"""Instance metadata and other link-local services: never reachable over the HTTPS allow rule."""
DEFAULT_REQUEST = {"cpu": "1", "memory": "4Gi"}
DEFAULT_LIMIT = {"memory": "4Gi"}
"""A container without resources gets 1 vCPU and 4 GiB, and is killed above 4 GiB (no CPU limit: throttling
slows data loaders and buys nothing the quota does not already bound)."""
SCRATCH_OBJECT_ACTIONS = (
    "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:PutObject",
    "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:DeleteObject",
)  # fmt: skip
SCRATCH_EXPIRY_DAYS = 30


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What the spec says about a data product: who may read which zone, and which zones hold personal data."""

    owner_team: str
    consumers: Sequence[str]
    personal_zones: Mapping[str, bool]
    """Zone -> whether its data class is personal data."""


def namespace_quotas(nominal: Mapping[str, TeamQuota]) -> dict[str, TeamQuota]:
    """Each team's ResourceQuota from the teams' Kueue nominal quotas in one cohort.

    Kueue (components/kueue.py) puts every team's ClusterQueue in one cohort without borrowing limits:
    a team may be admitted up to the cohort's total of every resource. A ResourceQuota below that would
    reject the pods of a workload Kueue admitted on borrowed quota, and the workload would hang admitted
    but podless. So the quota is Kueue's ceiling, the cohort's total: fairness between teams is Kueue's
    job (nominal quotas, reclaim by preemption); the quota stops what bypasses Kueue from taking more
    than the whole cohort.
    """
    total = TeamQuota(
        nvidia_gpus=sum(q.nvidia_gpus for q in nominal.values()),
        qaic_devices=sum(q.qaic_devices for q in nominal.values()),
        cpu=sum(q.cpu for q in nominal.values()),
        memory_gib=sum(q.memory_gib for q in nominal.values()),
    )
    return dict.fromkeys(nominal, total)


def team_reads(team: str, products: Mapping[str, ProductFacts]) -> dict[str, list[str]]:
    """The zones a team's role reads: those the team has an access point on, without personal data.

    Team roles live in the training account, which never decrypts a personal-data class (its keys
    admit only the data account, stacks/foundation.py): jobs train on anonymized zones, wherever the
    cluster runs. Products with nothing left are not listed."""
    reads: dict[str, list[str]] = {}
    for key, product in products.items():
        zones = [
            zone
            for zone, personal in product.personal_zones.items()
            if team
            in lake_classes.access_point_teams(product.owner_team, product.consumers, personal_data=personal)
            and not personal
        ]
        if zones:
            reads[key] = zones
    return reads


def scratch_access_point_policy(access_point_arn: str, account_id: str, team: str) -> dict:
    """Roles of the training account tagged `team=<team>` may use their own prefix `<team>/` only."""
    tagged = {"StringEquals": {"aws:PrincipalTag/team": team}}
    return _iam.document(
        {
            "Sid": "TeamPrefixObjects",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": list(SCRATCH_OBJECT_ACTIONS),
            "Resource": f"{access_point_arn}/object/{team}/*",
            "Condition": tagged,
        },
        {
            "Sid": "TeamPrefixList",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "s3:ListBucket",
            "Resource": access_point_arn,
            "Condition": {**tagged, "StringLike": {"s3:prefix": [f"{team}/*"]}},
        },
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamArgs:
    quota: TeamQuota
    """The namespace's ResourceQuota (see `namespace_quotas`)."""
    reads: Mapping[str, Sequence[str]]
    """Data product -> the zones the team's role reads (see `team_reads`)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class TeamTenancyArgs:
    cluster_name: pulumi.Input[str]
    """The EKS cluster the namespaces and Pod Identity associations belong to."""
    kubernetes_version: str
    """The cluster's minor version: Pod Security Admission evaluates that version's `restricted` profile."""
    account_id: pulumi.Input[str]
    """The training account (its roles are the team roles; it owns the scratch bucket)."""
    region: str
    products: Mapping[str, ProductFacts]
    """The lake's products as the spec declares them (access points, personal data), for validation."""
    product_exports: pulumi.Input[Mapping[str, Any]]
    """The data stack's `data_products` export (access point and key ARNs)."""
    teams: Mapping[str, TeamArgs]
    scratch_bucket_name: str
    kms_key_arn: pulumi.Input[str]
    """The platform key of the training account and region (scratch objects)."""
    scratch_expiry_days: int = SCRATCH_EXPIRY_DAYS
    """Scratch objects are deleted at this age: scratch is working space, not a second lake."""
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = Problems("TeamTenancy")
        if not self.teams:
            problems.add("teams", {}, "at least one team")
        if not 1 <= self.scratch_expiry_days <= 90:
            problems.add(
                "scratch_expiry_days", self.scratch_expiry_days, "1 to 90 days: scratch is short-lived"
            )
        for team, spec in self.teams.items():
            if len(f"scratch-{team}") > lake_classes.ACCESS_POINT_NAME_MAX:
                problems.add(
                    f"teams.{team}", team, "a team key short enough for the access point scratch-<team>"
                )
            for quota_field in fields(spec.quota):
                value = getattr(spec.quota, quota_field.name)
                if value < 0:
                    problems.add(f"teams.{team}.quota.{quota_field.name}", value, "zero or more")
            for product, zones in spec.reads.items():
                facts = self.products.get(product)
                if facts is None:
                    problems.add(
                        f"teams.{team}.reads.{product}",
                        product,
                        f"a data product: {', '.join(self.products)}",
                    )
                    continue
                for zone in zones:
                    if zone not in facts.personal_zones:
                        problems.add(
                            f"teams.{team}.reads.{product}",
                            zone,
                            f"a zone of {product}: {', '.join(facts.personal_zones)}",
                        )
                        continue
                    personal = facts.personal_zones[zone]
                    if team not in lake_classes.access_point_teams(
                        facts.owner_team, facts.consumers, personal_data=personal
                    ):
                        problems.add(
                            f"teams.{team}.reads.{product}",
                            zone,
                            f"team {team} has no access point on {product}/{zone} (owner {facts.owner_team}, "
                            f"consumers {', '.join(facts.consumers) or 'none'})",
                        )
                    elif personal:
                        problems.add(
                            f"teams.{team}.reads.{product}",
                            zone,
                            f"{product}/{zone} holds personal data; {lake_classes.PERSONAL_DATA_STAYS}",
                        )
        problems.raise_if_any()


class TeamTenancy(pulumi.ComponentResource):
    """Creates, per team, the namespace `team-<key>` with its ResourceQuota, LimitRange, NetworkPolicies and
    job ServiceAccount, and the team's IAM role (tag `team`, trusted by EKS Pod Identity, associated with
    `team-<key>/jobs`) with read grants on its products and read and write on its scratch prefix; and once
    per cluster the scratch bucket.

    Kubernetes objects use the component's `kubernetes` provider and AWS resources its `aws` provider:
    pass both with `ResourceOptions(providers=[...])`. `namespaces` (team -> Namespace) lets other
    components (Kueue's LocalQueues, Lustre's claims) put objects into the namespaces.
    """

    def __init__(self, name: str, args: TeamTenancyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:compute:TeamTenancy", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        account = pulumi.Output.from_input(args.account_id)

        scratch = LakeBucket(
            f"{name}-scratch",
            LakeBucketArgs(
                bucket_name=args.scratch_bucket_name,
                account_id=args.account_id,
                kms_key_arn=args.kms_key_arn,
                lifecycle=tiering.Lifecycle(expiration_days=args.scratch_expiry_days, noncurrent_days=1),
                eventbridge=False,
                delegate_to_access_points=True,
                tags={"purpose": "scratch", "data-class": "platform", "personal-data": "false"},
            ),
            opts=child,
        )
        self.scratch_bucket = scratch.bucket_name

        self.namespaces: dict[str, k8s.core.v1.Namespace] = {}
        self.role_arns: dict[str, pulumi.Output[str]] = {}
        for team, spec in args.teams.items():
            namespace = self._namespace(name, team, spec, args)
            role = aws.iam.Role(
                f"{name}-{team}",
                description=f"Jobs of team {team} on {args.region} "
                f"(Pod Identity: {team_namespace(team)}/{SERVICE_ACCOUNT})",
                assume_role_policy=account.apply(lambda a: json.dumps(pod_identity_trust(a))),
                tags={"team": team},
                opts=child,
            )
            aws.eks.PodIdentityAssociation(
                f"{name}-{team}",
                cluster_name=args.cluster_name,
                namespace=namespace.metadata.name,
                service_account=SERVICE_ACCOUNT,
                role_arn=role.arn,
                opts=child,
            )
            for product, zones in sorted(spec.reads.items()):
                product_access.grant_read(
                    f"{name}-{team}-reads-{product}",
                    role=role.name,
                    team=team,
                    product_key=product,
                    product=pulumi.Output.from_input(args.product_exports).apply(
                        lambda exports, p=product, z=tuple(zones): _only_zones(exports[p], z)
                    ),
                    opts=child,
                )
            access_point = aws.s3.AccessPoint(
                f"{name}-scratch-{team}",
                bucket=scratch.bucket.id,
                name=f"scratch-{team}",
                policy=account.apply(
                    lambda a, t=team: json.dumps(
                        scratch_access_point_policy(
                            f"arn:aws:s3:{args.region}:{a}:accesspoint/scratch-{t}", a, t
                        )
                    )
                ),
                public_access_block_configuration={
                    "block_public_acls": True,
                    "block_public_policy": True,
                    "ignore_public_acls": True,
                    "restrict_public_buckets": True,
                },
                opts=child,
            )
            scratch_export = pulumi.Output.all(access_point.arn, args.kms_key_arn).apply(
                lambda v, t=team: _scratch_export(t, args.region, v[0], v[1])
            )
            for verb, grant in (("read", product_access.grant_read), ("write", product_access.grant_write)):
                grant(
                    f"{name}-{team}-scratch-{verb}",
                    role=role.name,
                    team=team,
                    product_key=SCRATCH_ZONE,
                    product=scratch_export,
                    opts=child,
                )
            self.namespaces[team] = namespace
            self.role_arns[team] = role.arn

        self.register_outputs(
            {
                "scratch_bucket": self.scratch_bucket,
                "namespaces": {team: ns.metadata.name for team, ns in self.namespaces.items()},
                "role_arns": self.role_arns,
            }
        )

    def _namespace(
        self, name: str, team: str, spec: TeamArgs, args: TeamTenancyArgs
    ) -> k8s.core.v1.Namespace:
        """The namespace and the Kubernetes objects inside it."""
        ns_name = team_namespace(team)
        labels = _kubernetes.labels("team-tenancy", {"team": team})
        version = f"v{args.kubernetes_version}"
        namespace = k8s.core.v1.Namespace(
            f"{name}-{team}",
            metadata={
                "name": ns_name,
                "labels": {
                    **labels,
                    **{
                        f"pod-security.kubernetes.io/{mode}": "restricted"
                        for mode in ("enforce", "audit", "warn")
                    },
                    **{
                        f"pod-security.kubernetes.io/{mode}-version": version
                        for mode in ("enforce", "audit", "warn")
                    },
                },
            },
            opts=pulumi.ResourceOptions(parent=self),
        )
        inside = pulumi.ResourceOptions(parent=self, depends_on=[namespace])
        metadata = lambda object_name: {"name": object_name, "namespace": ns_name, "labels": labels}  # noqa: E731
        k8s.core.v1.ResourceQuota(
            f"{name}-{team}", metadata=metadata("team-quota"), spec={"hard": spec.quota.hard()}, opts=inside
        )
        k8s.core.v1.LimitRange(
            f"{name}-{team}",
            metadata=metadata("container-defaults"),
            spec={
                "limits": [{"type": "Container", "defaultRequest": DEFAULT_REQUEST, "default": DEFAULT_LIMIT}]
            },
            opts=inside,
        )
        for policy_name, policy_spec in network_policies().items():
            k8s.networking.v1.NetworkPolicy(
                f"{name}-{team}-{policy_name}", metadata=metadata(policy_name), spec=policy_spec, opts=inside
            )
        k8s.core.v1.ServiceAccount(
            f"{name}-{team}",
            metadata=metadata(SERVICE_ACCOUNT),
            # Jobs need AWS credentials (Pod Identity injects its own token), not the Kubernetes API.
            automount_service_account_token=False,
            opts=inside,
        )
        return namespace


def network_policies() -> dict[str, dict]:
    """The NetworkPolicy specs of every team namespace, by name: deny all, then allow what jobs need."""
    everything = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    same_namespace = [{"podSelector": {}}]
    return {
        "default-deny": everything,
        "allow-job-traffic": {
            **everything,
            # Workers of one distributed job talk to each other (rendezvous, NCCL bootstrap); EFA traffic
            # bypasses the kernel network stack and is not subject to NetworkPolicy at all.
            "ingress": [{"from": same_namespace}],
            "egress": [
                {"to": same_namespace},
                {
                    "to": [
                        {
                            "namespaceSelector": {
                                "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}
                            },
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                },
                {
                    "to": [{"ipBlock": {"cidr": POD_IDENTITY_AGENT}}],
                    "ports": [{"protocol": "TCP", "port": 80}],
                },
                # AWS APIs through the VPC's interface endpoints, S3 through its gateway endpoint (public S3
                # addresses, which NetworkPolicy cannot name as a prefix list) and the API server: TCP 443 to
                # any address but link-local, so any internet host on 443 too, where NAT reaches it.
                {
                    "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": [LINK_LOCAL]}}],
                    "ports": [{"protocol": "TCP", "port": 443}],
                },
            ],
        },
    }


def _only_zones(product: Mapping[str, Any], zones: Sequence[str]) -> dict[str, Any]:
    """A product export reduced to `zones`: the grant helpers then grant exactly those."""
    return {**product, "zones": {zone: product["zones"][zone] for zone in zones}}


def _scratch_export(team: str, region: str, access_point_arn: str, kms_key_arn: str) -> dict[str, Any]:
    """The team's scratch prefix in the shape of a product export, owned by the team (components/product_access.py)."""
    return {
        "owner_team": team,
        "zones": {
            SCRATCH_ZONE: {
                "region": region,
                "personal_data": False,
                "kms_key_arn": kms_key_arn,
                "access_points": {team: access_point_arn},
            }
        },
    }
