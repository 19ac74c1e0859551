"""The cost model: a monthly estimate of an inventory, with its worst case and its savings.

Input: the resources of one or more stacks (an mlplat inventory, a `pulumi stack export`, or the
resources the policy analyzer hands a stack rule) and the usage assumptions of the environment
(platform_cost.usage). Output: one `Line` per resource and price item, with the monthly estimate,
the worst case (every node pool at max size for 730 hours) and, where the price table has no
figure, the missing price instead of a number. Savings are measured separately: spot against the
same node-hours on-demand, tiering against the same bytes in S3 Standard.

Resource types the model prices: S3 buckets (platform_cost.lake) and their replication, EKS
clusters and managed node groups (platform_cost.compute), NAT gateways, VPC endpoints, cross-AZ
traffic of VPCs, KMS keys, ECR repositories and their replicas, FSx for Lustre. Every other type
is counted as "not modelled"; docs/cost-model.md lists what that leaves out.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from platform_cost import compute, lake
from platform_cost.prices import HOURS_PER_MONTH, Missing, PriceTable, Quote
from platform_cost.usage import Usage
from platform_cost.values import decoded
from platform_spec.errors import PlatformError
from platform_spec.layers import layer_of

BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
IT_CONFIG = "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
KMS_KEY = "aws:kms/key:Key"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
ECR_REPLICATION = "aws:ecr/replicationConfiguration:ReplicationConfiguration"
LUSTRE = "aws:fsx/lustreFileSystem:LustreFileSystem"
AWS_PROVIDER = "pulumi:providers:aws"
KARPENTER_NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool"

# Types that never bill by themselves (configuration of a billed resource, or free).
FREE = frozenset(
    {
        LIFECYCLE, IT_CONFIG, LAUNCH_TEMPLATE, SUBNET,
        "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/accessPoint:AccessPoint", "aws:kms/alias:Alias", "aws:kms/grant:Grant",
        "aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/serviceLinkedRole:ServiceLinkedRole",
        "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
        "aws:ec2/internetGateway:InternetGateway", "aws:ec2/placementGroup:PlacementGroup",
        "aws:organizations/organization:Organization", "aws:organizations/organizationalUnit:OrganizationalUnit",
        "aws:organizations/account:Account", "aws:organizations/policy:Policy",
        "aws:organizations/policyAttachment:PolicyAttachment", "aws:ecr/lifecyclePolicy:LifecyclePolicy",
        "aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate",
        "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration",
        "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "aws:eks/podIdentityAssociation:PodIdentityAssociation", "aws:sqs/queuePolicy:QueuePolicy",
        "aws:sns/topicPolicy:TopicPolicy", "aws:cloudwatch/eventTarget:EventTarget",
        "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy",
        "aws:costexplorer/costAllocationTag:CostAllocationTag",
    }
)  # fmt: skip
"""Resources that carry no charge of their own (AWS bills the resource they configure, or nothing)."""


# --- resources --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """A resource as the model reads it, whichever source it came from."""

    stack: str
    urn: str
    type: str
    props: Mapping[str, Any]
    region: str | None
    account: str | None
    component: str
    """Name of the nearest `mlplatform:` component above it; the stack's name at the top."""
    dependencies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Property name -> URNs the property refers to (Pulumi's propertyDependencies)."""
    id: str | None = None
    custom: bool = True

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def layer(self) -> str:
        return layer_of(self.stack)


class ModelInputError(PlatformError):
    """Properties the model cannot read (a node group size that is not a whole number): one line each,
    `<stack>: <urn>: <property path>: <value>: what is allowed`."""


def whole(value: Any, resource: Resource, path: str, problems: list[str] | None) -> int:
    """A count the model reads (node group sizes, accelerator limits): an int, an integral float or
    its text (Kubernetes quantities are text); anything else is a problem, counted as 0. Without a
    list to collect problems in, the first raises `ModelInputError`."""
    if value is None:
        return 0
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            number = None
    if number is not None and number.is_integer() and number >= 0:
        return int(number)
    line = f"{resource.stack}: {resource.urn}: {path}: {value!r}: a whole number, 0 or more"
    if problems is None:
        raise ModelInputError([line])
    problems.append(line)
    return 0


def provider_place(props: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(region, account) of an AWS provider's properties; a Kubernetes provider's region is its EKS
    endpoint's (https://<id>.<zone>.<region>.eks.amazonaws.com in the kubeconfig)."""
    accounts = decoded(props.get("allowedAccountIds"))
    account = accounts[0] if isinstance(accounts, list) and accounts else None
    region = props.get("region")
    if not isinstance(region, str):
        found = re.search(
            r"\.([a-z]{2}(?:-[a-z]+)+-\d)\.eks\.amazonaws\.com", str(props.get("kubeconfig") or "")
        )
        region = found.group(1) if found else None
    return region, (str(account) if account else None)


def from_inventory(stacks: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[Resource]]:
    """Resources of an inventory (or a `pulumi stack export`), by stack."""
    found: dict[str, list[Resource]] = {}
    for stack, resources in stacks.items():
        by_urn = {r["urn"]: r for r in resources}
        out = []
        for r in resources:
            provider = by_urn.get(str(r.get("provider", "")).rsplit("::", 1)[0])
            region, account = provider_place(provider.get("inputs") or {}) if provider else (None, None)
            props = r.get("inputs") or r.get("outputs") or {}
            if isinstance(props.get("region"), str):
                region = props["region"]
            out.append(
                Resource(
                    stack=stack,
                    urn=r["urn"],
                    type=r["type"],
                    props=props,
                    region=region,
                    account=account,
                    component=_component(r, by_urn, stack),
                    dependencies={k: tuple(v) for k, v in (r.get("propertyDependencies") or {}).items()},
                    id=r.get("id"),
                    custom=bool(r.get("custom")),
                )
            )
        found[stack] = out
    return found


def _component(resource: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]], stack: str) -> str:
    parent = by_urn.get(resource.get("parent") or "")
    while parent is not None:
        if parent["type"].startswith("mlplatform:"):
            return parent["urn"].rsplit("::", 1)[-1]
        parent = by_urn.get(parent.get("parent") or "")
    return stack


# --- the estimate -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One resource's monthly charge for one price item."""

    stack: str
    layer: str
    component: str
    resource_type: str
    resource: str
    region: str
    item: str
    what: str
    quantity: float
    usd: float | None
    """Monthly estimate; None: unpriced (see `missing`)."""
    worst_usd: float | None
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Saving:
    """What a choice saves against its baseline: spot against on-demand, tiering against S3 Standard."""

    kind: str
    stack: str
    resource: str
    baseline_usd: float | None
    actual_usd: float | None

    @property
    def usd(self) -> float | None:
        if self.baseline_usd is None or self.actual_usd is None:
            return None
        return self.baseline_usd - self.actual_usd


@dataclass
class Estimate:
    lines: list[Line]
    savings: list[Saving]
    unmodelled: Counter
    """Resource type -> count of billable-looking resources the model has no price model for."""
    no_usage: list[str]
    """Resources priced at zero for want of a usage assumption (buckets without a zone volume)."""

    def stacks(self) -> list[str]:
        return list(dict.fromkeys(line.stack for line in self.lines))

    def select(self, stacks: Iterable[str] | None = None) -> list[Line]:
        wanted = None if stacks is None else set(stacks)
        return [line for line in self.lines if wanted is None or line.stack in wanted]

    def total(self, stacks: Iterable[str] | None = None) -> float:
        return sum(line.usd for line in self.select(stacks) if line.usd is not None)

    def worst(self, stacks: Iterable[str] | None = None) -> float:
        return sum(line.worst_usd for line in self.select(stacks) if line.worst_usd is not None)

    def unpriced(self, stacks: Iterable[str] | None = None) -> list[Line]:
        return [line for line in self.select(stacks) if line.usd is None or line.worst_usd is None]

    def saved(self, kind: str, stacks: Iterable[str] | None = None) -> tuple[float, int]:
        """Savings of a kind, and how many could not be priced."""
        wanted = None if stacks is None else set(stacks)
        chosen = [s for s in self.savings if s.kind == kind and (wanted is None or s.stack in wanted)]
        return sum(s.usd for s in chosen if s.usd is not None), sum(1 for s in chosen if s.usd is None)

    def by(
        self, key: Callable[[Line], Any], stacks: Iterable[str] | None = None
    ) -> list[tuple[Any, float, float, int]]:
        """(key, estimate, worst case, unpriced lines) per key, dearest first."""
        groups: dict[Any, list[Line]] = defaultdict(list)
        for line in self.select(stacks):
            groups[key(line)].append(line)
        rows = [
            (k, sum(x.usd or 0 for x in ls), sum(x.worst_usd or 0 for x in ls),
             sum(1 for x in ls if x.usd is None or x.worst_usd is None))
            for k, ls in groups.items()
        ]  # fmt: skip
        return sorted(rows, key=lambda row: (-row[1], -row[2], str(row[0])))


@dataclass
class _Draft:
    """A line before tiered prices are blended: a price item and quantities, or a finished price."""

    resource: Resource
    item: str
    what: str
    quantity: float
    worst_quantity: float
    region: str
    usd: float | None = None
    worst_usd: float | None = None
    priced: bool = False
    missing: list[Missing] = field(default_factory=list)
    worst_missing: list[Missing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    group: str = ""
    """Savings group: the resource whose lines are compared with a baseline."""


class Context:
    """Resources of the priced stacks, indexed by URN and type, and the drafts of the estimate."""

    def __init__(self, stacks: Mapping[str, Sequence[Resource]], usage: Usage, prices: PriceTable) -> None:
        self.usage, self.prices = usage, prices
        self.by_urn = {r.urn: r for rs in stacks.values() for r in rs}
        self.by_type: dict[str, list[Resource]] = defaultdict(list)
        for rs in stacks.values():
            for r in rs:
                self.by_type[r.type].append(r)
        self.drafts: list[_Draft] = []
        self.baselines: list[tuple[Resource, str, float]] = []
        """(bucket, region, GB) of the all-Standard counterfactual."""
        self.spot: list[tuple[Resource, float | None, float | None]] = []
        self.no_usage: list[str] = []
        self.problems: list[str] = []
        """Properties the model could not read (ModelInputError)."""

    def referencing(self, target: Resource, types: Sequence[str], prop: str) -> list[Resource]:
        found = []
        for t in types:
            for r in self.by_type.get(t, []):
                if r.stack != target.stack:
                    continue
                linked = r.dependencies.get(prop)
                value = r.props.get(prop)
                named = bool(value) and value in (target.props.get("bucket"), target.id)
                if (target.urn in linked) if linked else named:
                    found.append(r)
        return found

    def referenced(self, resource: Resource, prop: str, types: Sequence[str]) -> Resource | None:
        for urn in resource.dependencies.get(prop, ()):
            target = self.by_urn.get(urn)
            if target is not None and target.type in types:
                return target
        value = resource.props.get(prop)
        for t in types:
            for r in self.by_type.get(t, []):
                if r.stack == resource.stack and value and value in (r.id, r.props.get("id")):
                    return r
        return None

    def add(
        self,
        resource: Resource,
        item: str,
        what: str,
        quantity: float,
        *,
        worst: float | None = None,
        group: str = "",
    ) -> None:
        self.drafts.append(
            _Draft(resource, item, what, quantity, quantity if worst is None else worst, resource.region or "?", group=group)
        )  # fmt: skip


def estimate(stacks: Mapping[str, Sequence[Resource]], usage: Usage, prices: PriceTable) -> Estimate:
    """Price every resource of `stacks` with `usage` and `prices`."""
    ctx = Context(stacks, usage, prices)
    unmodelled: Counter = Counter()
    handled = set(HANDLERS) | FREE
    for resources in stacks.values():
        for resource in resources:
            handler = HANDLERS.get(resource.type)
            if handler is not None:
                handler(ctx, resource)
            elif resource.custom and resource.type not in handled and not _plumbing(resource.type):
                unmodelled[resource.type] += 1
    _node_groups(ctx)
    if ctx.problems:
        raise ModelInputError(ctx.problems)
    lines = _finish(ctx)
    savings = _savings(ctx, lines)
    return Estimate(lines, savings, unmodelled, ctx.no_usage)


def _plumbing(resource_type: str) -> bool:
    return resource_type.startswith(("pulumi:", "mlplatform:")) or resource_type.startswith("kubernetes:")


# --- handlers ---------------------------------------------------------------------------------


def _bucket(ctx: Context, bucket: Resource) -> None:
    tags = bucket.props.get("tags") or {}
    key = f"{tags.get('data-product')}/{tags.get('zone')}"
    usage = ctx.usage.zones.get(key)
    if usage is None or usage.volume_gb == 0:
        ctx.no_usage.append(f"{bucket.stack}: {bucket.name}")
        return
    lifecycle = lake.lifecycle_from(
        [r.props for r in ctx.referencing(bucket, [LIFECYCLE], "bucket")],
        [r.props for r in ctx.referencing(bucket, [IT_CONFIG], "bucket")],
    )
    for charge in lake.zone_charges(lifecycle, usage):
        ctx.add(bucket, charge.item, charge.what, charge.quantity, group=bucket.urn)
    ctx.baselines.append((bucket, bucket.region or "?", usage.volume_gb))


def _replication(ctx: Context, config: Resource) -> None:
    source = ctx.referenced(config, "bucket", [BUCKET])
    if source is None:
        return
    tags = source.props.get("tags") or {}
    usage = ctx.usage.zones.get(f"{tags.get('data-product')}/{tags.get('zone')}")
    if usage is None or usage.volume_gb == 0:
        return
    lifecycle = lake.lifecycle_from(
        [r.props for r in ctx.referencing(source, [LIFECYCLE], "bucket")],
        [r.props for r in ctx.referencing(source, [IT_CONFIG], "bucket")],
    )
    gb, objects = lake.monthly_ingest(lifecycle, usage)
    for rule in config.props.get("rules") or []:
        if rule.get("status", "Enabled") != "Enabled":
            continue
        target_arn = str((rule.get("destination") or {}).get("bucket", ""))
        target = next(
            (b for b in ctx.by_type.get(BUCKET, []) if target_arn in (b.props.get("arn"), f"arn:aws:s3:::{b.props.get('bucket')}")),
            None,
        )  # fmt: skip
        where = target.region if target is not None else "?"
        ctx.add(config, "transfer.inter_region", f"replicating new objects to {where}", gb)
        replica_writer = replace(config, region=where)
        ctx.add(replica_writer, "s3.requests.put.STANDARD", f"replica writes in {where}", objects / 1000)


def _eks_cluster(ctx: Context, cluster: Resource) -> None:
    support = str((cluster.props.get("upgradePolicy") or {}).get("supportType") or "STANDARD")
    ctx.add(cluster, f"eks.cluster.{support}", f"control plane, {support.lower()} support", HOURS_PER_MONTH)


def _vpc_of(ctx: Context, resource: Resource, prop: str) -> Resource | None:
    subnet = ctx.referenced(resource, prop, [SUBNET])
    return ctx.referenced(subnet, "vpcId", [VPC]) if subnet is not None else None


def _nat_gateway(ctx: Context, nat: Resource) -> None:
    ctx.add(nat, "nat.hour", "NAT gateway hours", HOURS_PER_MONTH)
    vpc = _vpc_of(ctx, nat, "subnetId")
    if vpc is None:
        return
    network = ctx.usage.networks.get(vpc.name)
    if network is None or not network.nat_gb:
        return
    peers = [
        n
        for n in ctx.by_type.get(NAT_GATEWAY, [])
        if n.stack == nat.stack and _vpc_of(ctx, n, "subnetId") == vpc
    ]
    ctx.add(nat, "nat.gb", f"data processed: {network.nat_gb:,.0f} GB of {vpc.name} over {len(peers)} gateway(s)",
            network.nat_gb / max(len(peers), 1))  # fmt: skip


def _vpc(ctx: Context, vpc: Resource) -> None:
    network = ctx.usage.networks.get(vpc.name)
    if network is not None and network.cross_az_gb:
        ctx.add(
            vpc, "transfer.inter_az", "cross-AZ traffic, billed in each direction", 2 * network.cross_az_gb
        )


def _endpoint(ctx: Context, endpoint: Resource) -> None:
    if endpoint.props.get("vpcEndpointType") == "Interface":
        zones = len(endpoint.props.get("subnetIds") or [])
        ctx.add(
            endpoint, "vpce.interface.hour", f"interface endpoint in {zones} AZ(s)", zones * HOURS_PER_MONTH
        )
    elif endpoint.props.get("vpcEndpointType") == "Gateway":
        ctx.add(endpoint, "vpce.gateway.hour", "gateway endpoint (no charge)", HOURS_PER_MONTH)


def _kms_key(ctx: Context, key: Resource) -> None:
    ctx.add(key, "kms.key", "customer managed key", 1)


def _ecr_repository(ctx: Context, repository: Resource) -> None:
    ctx.add(repository, "ecr.storage", "image storage", ctx.usage.ecr_gb_per_repository)


def _ecr_replication(ctx: Context, config: Resource) -> None:
    repositories = [r for r in ctx.by_type.get(ECR_REPOSITORY, []) if r.stack == config.stack]
    rules = (config.props.get("replicationConfiguration") or {}).get("rules") or []
    for rule in rules:
        prefixes = [f.get("filter", "") for f in rule.get("repositoryFilters") or []]
        matched = [
            r
            for r in repositories
            if not prefixes or str(r.props.get("name", "")).startswith(tuple(prefixes))
        ]
        for destination in rule.get("destinations") or []:
            region = str(destination.get("region"))
            replica = replace(config, region=region)
            ctx.add(replica, "ecr.storage", f"replicas of {len(matched)} repositories in {region}",
                    len(matched) * ctx.usage.ecr_gb_per_repository)  # fmt: skip


def _lustre(ctx: Context, filesystem: Resource) -> None:
    deployment = str(filesystem.props.get("deploymentType") or "SCRATCH_2")
    props = filesystem.props
    throughput = whole(
        props.get("perUnitStorageThroughput"), filesystem, "perUnitStorageThroughput", ctx.problems
    )
    item = f"fsx.lustre.{deployment}" + (
        f".{throughput}" if throughput and deployment.startswith("PERSISTENT") else ""
    )
    capacity = whole(props.get("storageCapacity"), filesystem, "storageCapacity", ctx.problems)
    ctx.add(filesystem, item, f"{deployment} storage", capacity)


HANDLERS: dict[str, Callable[[Context, Resource], None]] = {
    BUCKET: _bucket,
    REPLICATION: _replication,
    EKS_CLUSTER: _eks_cluster,
    NAT_GATEWAY: _nat_gateway,
    VPC: _vpc,
    VPC_ENDPOINT: _endpoint,
    KMS_KEY: _kms_key,
    ECR_REPOSITORY: _ecr_repository,
    ECR_REPLICATION: _ecr_replication,
    LUSTRE: _lustre,
    NODE_GROUP: lambda ctx, r: None,  # priced per pool, with the Karpenter NodePools of the same pool
    KARPENTER_NODE_POOL: lambda ctx, r: None,
}


def karpenter_view(pool: Resource, problems: list[str] | None = None) -> compute.Group | None:
    """A Karpenter NodePool as a group of its pool: purchase option, instance types, accelerator limit.
    A limit that is not a whole number is a problem (collected in `problems`, else ModelInputError)."""
    spec = pool.props.get("spec") or {}
    template = spec.get("template") or {}
    requirements = {
        r.get("key"): list(r.get("values") or [])
        for r in (template.get("spec") or {}).get("requirements") or []
    }
    capacity = requirements.get("karpenter.sh/capacity-type") or ["on-demand"]
    types = tuple(requirements.get("node.kubernetes.io/instance-type") or ())
    limits = spec.get("limits") or {}
    key = next((k for k in ("nvidia.com/gpu", "qualcomm.com/qaic") if limits.get(k)), None)
    if not types or key is None:
        return None
    limit = whole(limits[key], pool, f"spec.limits.{key}", problems)
    per_node = max(compute.accelerators(types[:1]), 1)
    nodes = limit // per_node
    labels = (template.get("metadata") or {}).get("labels") or {}
    return compute.Group(
        name=pool.name,
        region=pool.region or "?",
        pool=str(labels.get("mlplatform.io/pool") or pool.name),
        capacity_type="SPOT" if "spot" in capacity else "ON_DEMAND",
        instance_types=types,
        min_size=0,
        max_size=nodes,
        desired_size=0,
        accelerator_limit=limit,
    )


def node_group_view(ctx: Context, group: Resource) -> compute.Group:
    props = group.props
    types = tuple(props.get("instanceTypes") or ())
    if not types:
        template = ctx.referenced(group, "launchTemplate", [LAUNCH_TEMPLATE])
        if template is None:
            wanted = (props.get("launchTemplate") or {}).get("id")
            template = next(
                (t for t in ctx.by_type.get(LAUNCH_TEMPLATE, []) if wanted and t.id == wanted), None
            )
        if template is not None and template.props.get("instanceType"):
            types = (str(template.props["instanceType"]),)
    scaling = props.get("scalingConfig") or {}
    labels = props.get("labels") or {}
    size = {
        key: whole(scaling.get(key), group, f"scalingConfig.{key}", ctx.problems)
        for key in ("minSize", "maxSize", "desiredSize")
    }
    return compute.Group(
        name=group.name,
        region=group.region or "?",
        pool=str(labels.get("mlplatform.io/pool") or group.name),
        capacity_type=str(props.get("capacityType") or "ON_DEMAND"),
        instance_types=types,
        min_size=size["minSize"],
        max_size=size["maxSize"],
        desired_size=size["desiredSize"] or size["minSize"],
    )


def _node_groups(ctx: Context) -> None:
    pools: dict[tuple[str, str, str], list[tuple[Resource, compute.Group]]] = defaultdict(list)
    for resource in ctx.by_type.get(NODE_GROUP, []):
        view = node_group_view(ctx, resource)
        pools[resource.stack, view.region, view.pool].append((resource, view))
    for resource in ctx.by_type.get(KARPENTER_NODE_POOL, []):
        karpenter = karpenter_view(resource, ctx.problems)
        if karpenter is None:
            region = resource.region or "?"
            unbounded = Missing(
                "ec2.on_demand", region, "the NodePool names no instance types or no accelerator limit"
            )
            ctx.drafts.append(
                _Draft(resource, "ec2.karpenter", "Karpenter NodePool without instance types or a limit", 0, 0,
                       region, priced=True, missing=[unbounded], worst_missing=[unbounded])
            )  # fmt: skip
            continue
        pools[resource.stack, karpenter.region, karpenter.pool].append((resource, karpenter))
    for (_, region, pool), members in pools.items():
        usage = ctx.usage.pools.get(f"{region}/{pool}")
        costs = compute.pool_costs([view for _, view in members], usage, ctx.prices)
        for (resource, view), cost in zip(members, costs, strict=True):
            types = ", ".join(view.instance_types) or "?"
            bound = (
                f"{view.accelerator_limit} accelerators"
                if view.accelerator_limit
                else f"{view.max_size} x 730 h"
            )
            ctx.drafts.append(
                _Draft(
                    resource, f"ec2.{view.capacity_type.lower()}",
                    f"{cost.node_hours:,.0f} node-hours of {types} ({view.capacity_type.lower().replace('_', '-')}); "
                    f"worst case {bound}",
                    cost.node_hours, view.max_size * HOURS_PER_MONTH, region,
                    usd=cost.usd, worst_usd=cost.worst_usd, priced=True,
                    missing=list(cost.missing), worst_missing=list(cost.worst_missing), notes=cost.notes,
                )
            )  # fmt: skip
            if view.capacity_type == "SPOT":
                ctx.spot.append((resource, cost.on_demand_usd, cost.usd))


# --- pricing ----------------------------------------------------------------------------------


def _finish(ctx: Context) -> list[Line]:
    """Price the drafts; tiered items (S3 Standard) at the blended rate of their account and region."""
    totals: dict[tuple[str | None, str, str], float] = defaultdict(float)
    worst_totals: dict[tuple[str | None, str, str], float] = defaultdict(float)
    for d in ctx.drafts:
        if not d.priced:
            totals[d.resource.account, d.region, d.item] += d.quantity
            worst_totals[d.resource.account, d.region, d.item] += d.worst_quantity
    lines = []
    for d in ctx.drafts:
        usd, worst, missing, worst_missing = d.usd, d.worst_usd, list(d.missing), list(d.worst_missing)
        if not d.priced:
            price = ctx.prices.quote(d.item, d.region)
            if isinstance(price, Missing):
                usd = worst = None
                missing = worst_missing = [price]
            else:
                key = (d.resource.account, d.region, d.item)
                usd = d.quantity * _rate(price, totals[key])
                worst = d.worst_quantity * _rate(price, worst_totals[key])
        if usd is None and not missing:
            missing = [Missing(d.item, d.region, "unpriced")]
        lines.append(
            Line(
                stack=d.resource.stack,
                layer=d.resource.layer,
                component=d.resource.component,
                resource_type=d.resource.type,
                resource=d.resource.name,
                region=d.region,
                item=d.item,
                what=d.what,
                quantity=d.quantity,
                usd=usd,
                worst_usd=worst,
                missing=tuple(dict.fromkeys(str(m) for m in missing + worst_missing)),
                notes=tuple(d.notes),
            )
        )
    return lines


def _rate(price: Quote, total: float) -> float:
    """The blended price per unit of `total` units (flat prices: the price)."""
    if price.row.tiers is None or total <= 0:
        return price.unit_price
    return price.total(total) / total


def _savings(ctx: Context, lines: list[Line]) -> list[Saving]:
    savings = []
    # Tiering: the same bytes in S3 Standard at the rate the account's Standard bytes are billed at, so a
    # bucket that stays in Standard saves exactly nothing.
    standard: dict[tuple[str | None, str], float] = defaultdict(float)
    for d in ctx.drafts:
        if d.item == "s3.storage.STANDARD" and not d.priced:
            standard[d.resource.account, d.region] += d.quantity
    by_resource: dict[str, list[Line]] = defaultdict(list)
    for line, draft in zip(lines, ctx.drafts, strict=True):
        by_resource[draft.resource.urn].append(line)
    for bucket, region, gb in ctx.baselines:
        price = ctx.prices.quote("s3.storage.STANDARD", region)
        baseline = gb * _rate(price, standard[bucket.account, region]) if isinstance(price, Quote) else None
        own = by_resource[bucket.urn]
        actual = None if any(line.usd is None for line in own) else sum(line.usd or 0 for line in own)
        savings.append(Saving("tiering", bucket.stack, bucket.name, baseline, actual))
    for group, on_demand, actual in ctx.spot:
        savings.append(Saving("spot", group.stack, group.name, on_demand, actual))
    return savings


def environment_stacks(estimate: Estimate) -> list[str]:
    """Stacks that count against an environment's budget: all but the organization's."""
    return [s for s in estimate.stacks() if s != "org"]
