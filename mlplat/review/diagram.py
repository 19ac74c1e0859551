"""`mlplat diagram`: the architecture of an environment as a picture, read from its inventory.

What is drawn, and from which evidence in the inventory:

- accounts, and regions inside them: the `allowedAccountIds` and `region` of the provider each
  resource deploys through (account names from the org stack's `aws:organizations/account`);
- components: every top-level `ComponentResource` of every layer stack (its layer gives the
  colour), and the node groups and Karpenter drawn inside the EKS cluster they belong to;
- flows (`FLOWS`), each only where the inventory shows it: a *grant* is a resource policy of the
  source component (access point, bucket or repository policy) that allows an account hosting
  the target; a *reference* is an input of the target that names an id or ARN of the source
  (wildcard ARNs in IAM policies included).

The same `Architecture` gives Mermaid source (GitHub renders it in Markdown) and a Graphviz
graph laid out by `dot` (the `graphviz` package; the Makefile installs Graphviz's binaries).
`mark(...)` merges a base and a head architecture for `mlplat diff`: components and flows that
were added, removed or changed get their own colour and a `+`, `-` or `~` before the label.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from mlplat.review.diff import ArchitectureDiff, short_type
from platform_cost.values import decoded
from platform_spec.layers import LAYERS, layer_of

LAYER_COLOURS = {
    "org": ("#eaeef2", "#57606a"),
    "foundation": ("#ddf4ff", "#0969da"),
    "data": ("#dafbe1", "#1a7f37"),
    "registry": ("#fff1e5", "#bc4c00"),
    "compute": ("#fbefff", "#8250df"),
}
"""Layer -> (fill, stroke)."""
MARK_COLOURS = {
    "added": ("#aceebb", "#1a7f37"),
    "removed": ("#ffcecb", "#cf222e"),
    "changed": ("#fff8c5", "#9a6700"),
}
MARK_PREFIX = {"added": "+ ", "removed": "- ", "changed": "~ "}
HOST = "mlplatform:compute:EksCluster"
HOSTED_ROWS = 5
"""Rows per column of the components drawn inside a cluster."""


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    label: str
    evidence: tuple[str, ...]
    """`grant` and/or `reference` (see the module docstring)."""


FLOWS = (
    Flow("mlplatform:data:DataProduct", HOST, "reads data", ("grant", "reference")),
    Flow("mlplatform:registry:ContainerRegistry", HOST, "pulls images", ("grant", "reference")),
    Flow("mlplatform:foundation:Network", HOST, "subnets", ("reference",)),
    Flow("mlplatform:org:OrganizationTrail", "mlplatform:org:LogArchive", "audit logs", ("reference",)),
)
POLICY_INPUTS = ("policy", "resourcePolicy", "repositoryPolicy")
"""Inputs that hold a resource-based policy (principals in other accounts)."""


@dataclass(frozen=True)
class Node:
    key: str
    """The component's URN: stable across plans, shared by both sides of a diff."""
    type: str
    name: str
    stack: str
    layer: str
    account: str
    region: str
    title: str
    details: tuple[str, ...] = ()
    host: str = ""
    """The key of the EKS cluster node this one is drawn inside."""
    mark: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    mark: str = ""


@dataclass
class Architecture:
    environment: str
    accounts: dict[str, str]
    """Account id -> name."""
    nodes: dict[str, Node]
    edges: list[Edge]
    marked: bool = False
    owner: dict[str, str] = field(default_factory=dict, compare=False)
    """Resource URN -> the key of the node drawn for it (its nearest drawn component)."""

    def regions(self, account: str) -> list[str]:
        return sorted({n.region for n in self.nodes.values() if n.account == account and not n.host})


# --- reading the inventory ---------------------------------------------------------------------


@dataclass
class _Index:
    stacks: Mapping[str, Sequence[Mapping[str, Any]]]
    by_urn: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    stack_of: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        for stack, resources in self.stacks.items():
            for resource in resources:
                self.by_urn[resource["urn"]] = resource
                self.stack_of[resource["urn"]] = stack
                if resource.get("parent"):
                    self.children[resource["parent"]].append(resource["urn"])

    def descendants(
        self, urn: str, *, stop: Callable[[str], bool] = lambda _: False
    ) -> list[Mapping[str, Any]]:
        found, todo = [], list(self.children.get(urn, []))
        while todo:
            child = todo.pop()
            if stop(child):
                continue
            found.append(self.by_urn[child])
            todo.extend(self.children.get(child, []))
        return sorted(found, key=lambda r: r["urn"])

    def provider(self, resource: Mapping[str, Any]) -> Mapping[str, Any] | None:
        provider = resource.get("provider") or ""
        return self.by_urn.get(provider.rsplit("::", 1)[0]) if provider else None


def _accounts(index: _Index) -> dict[str, str]:
    names: dict[str, str] = {}
    for resource in index.by_urn.values():
        if resource["type"] == "aws:organizations/account:Account" and resource.get("id"):
            names[str(resource["id"])] = str((resource.get("inputs") or {}).get("name") or resource["id"])
        if resource["type"] == "aws:organizations/organization:Organization":
            master = (resource.get("outputs") or {}).get("masterAccountId")
            if master:
                names.setdefault(str(master), "management")
    return names


def _placement(index: _Index, resources: Iterable[Mapping[str, Any]]) -> tuple[str, str, list[str]]:
    """(account, region, other regions) where most of the resources deploy."""
    places: Counter[tuple[str, str]] = Counter()
    for resource in resources:
        provider = index.provider(resource)
        if provider is None:
            continue
        inputs = provider.get("inputs") or {}
        accounts = decoded(inputs.get("allowedAccountIds")) or []
        places[(str(accounts[0]) if accounts else "", str(inputs.get("region") or ""))] += 1
    if not places:
        return "", "", []
    (account, region), _ = sorted(places.items(), key=lambda item: (-item[1], item[0]))[0]
    others = sorted({r for (a, r) in places if r != region and r})
    return account, region, others


def _strings(value: Any) -> Iterable[str]:
    value = decoded(value)
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def _granted_accounts(resources: Iterable[Mapping[str, Any]]) -> set[str]:
    """Accounts that Allow statements of resource-based policies name as principals."""
    accounts: set[str] = set()
    for resource in resources:
        for key in POLICY_INPUTS:
            document = decoded((resource.get("inputs") or {}).get(key))
            if not isinstance(document, Mapping):
                continue
            statements = document.get("Statement") or []
            for statement in statements if isinstance(statements, list) else [statements]:
                if not isinstance(statement, Mapping) or statement.get("Effect") != "Allow":
                    continue
                principal = statement.get("Principal")
                values = principal.get("AWS") if isinstance(principal, Mapping) else principal
                for value in values if isinstance(values, list) else [values]:
                    match = re.match(r"^(?:arn:aws[\w-]*:iam::)?(\d{12})(?::|$)", str(value))
                    if match:
                        accounts.add(match.group(1))
    return accounts


def _identifiers(resources: Iterable[Mapping[str, Any]]) -> set[str]:
    found = set()
    for resource in resources:
        if not resource.get("custom"):
            continue
        for value in (resource.get("id"), (resource.get("outputs") or {}).get("arn")):
            if isinstance(value, str) and len(value) > 4:
                found.add(value)
    return found


def _region_wildcard(value: str) -> bool:
    """An ARN that names one resource of one account in any region (`arn:aws:ecr:*:1234...:repository/x`):
    the way IAM policies grant a replicated resource. Wider wildcards are grants, not references."""
    parts = value.split(":", 5)
    return (
        len(parts) == 6
        and parts[0] == "arn"
        and parts[3] == "*"
        and re.fullmatch(r"\d{12}", parts[4]) is not None
        and "*" not in parts[5]
    )


def _references(target: Iterable[Mapping[str, Any]], identifiers: set[str]) -> bool:
    for resource in target:
        if not resource.get("custom"):
            continue
        for value in _strings(resource.get("inputs") or {}):
            if value.startswith("s3://"):
                value = value[5:].split("/", 1)[0]
            if value in identifiers or value.removesuffix("/*") in identifiers:
                return True
            if _region_wildcard(value) and any(
                fnmatchcase(i, value) for i in identifiers if i.startswith("arn:")
            ):
                return True
    return False


# --- what each component shows -----------------------------------------------------------------


def _n(count: int, noun: str, plural: str = "") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {plural or noun + 's'}"


def _first(resources: Sequence[Mapping[str, Any]], token: str) -> Mapping[str, Any]:
    return next((r.get("inputs") or {} for r in resources if r["type"] == token), {})


def _count(resources: Sequence[Mapping[str, Any]], token: str) -> int:
    return sum(1 for r in resources if r["type"] == token)


def _cluster(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    cluster = _first(rs, "aws:eks/cluster:Cluster")
    vpc = cluster.get("vpcConfig") or {}
    endpoint = "public endpoint" if vpc.get("endpointPublicAccess") else "private endpoint"
    return f"EKS {cluster.get('name', name)}", [
        "control plane",
        f"Kubernetes {cluster.get('version', '?')} · {endpoint}",
    ]


def _node_group(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    group = _first(rs, "aws:eks/nodeGroup:NodeGroup")
    scaling = group.get("scalingConfig") or {}
    template = _first(rs, "aws:ec2/launchTemplate:LaunchTemplate")
    types = list(
        group.get("instanceTypes") or ([template["instanceType"]] if template.get("instanceType") else [])
    )
    shown = ", ".join(types[:2]) + (f" +{len(types) - 2}" if len(types) > 2 else "")
    return name, [
        shown,
        f"{group.get('capacityType', '?')} · {scaling.get('minSize', '?')} to {scaling.get('maxSize', '?')} nodes",
    ]


def _data_product(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    zones = sorted(
        {
            _name(r["urn"]).removeprefix(f"{name}-")
            for r in rs
            if r["type"] == "mlplatform:data:LakeBucket"
            and not re.search(r"-[a-z]{2}-[a-z]+-\d$", _name(r["urn"]))
        }
    )
    locked = _count(rs, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
    replicated = _count(rs, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    extras = [f"{locked} Object Lock" if locked else "", f"{replicated} replicated" if replicated else ""]
    return name, [" · ".join(zones), " · ".join(e for e in extras if e)]


def _registry(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    replication = _first(rs, "aws:ecr/replicationConfiguration:ReplicationConfiguration")
    regions = sorted(
        {
            d.get("region", "")
            for rule in (replication.get("replicationConfiguration") or {}).get("rules") or []
            for d in rule.get("destinations") or []
        }
    )
    caches = _count(rs, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
    repositories = _count(rs, "aws:ecr/repository:Repository")
    lines = [f"{_n(repositories, 'repository', 'repositories')} · {_n(caches, 'pull-through cache')}"]
    if regions:
        lines.append(f"replicated to {', '.join(regions)}")
    return "ECR", lines


def _model_registry(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    mlflow = "MLflow · " if _count(rs, "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer") else ""
    groups = _count(rs, "aws:sagemaker/modelPackageGroup:ModelPackageGroup")
    return "Model registry", [f"{mlflow}{_n(groups, 'model group')}"]


def _object_lock(title: str) -> Callable[[str, Sequence[Mapping[str, Any]]], tuple[str, list[str]]]:
    def describe(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
        lock = _first(rs, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")
        retention = ((lock.get("rule") or {}).get("defaultRetention")) or {}
        period = (
            f"{retention.get('days')} days"
            if retention.get("days")
            else f"{retention.get('years', '?')} years"
        )
        return title, [
            f"Object Lock {retention.get('mode', '').lower()} {period}".replace("  ", " ")
        ] if lock else []

    return describe


def _network(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    vpc = _first(rs, "aws:ec2/vpc:Vpc")
    zones = {
        (r.get("inputs") or {}).get("availabilityZone") for r in rs if r["type"] == "aws:ec2/subnet:Subnet"
    } - {None}
    nat = _count(rs, "aws:ec2/natGateway:NatGateway")
    endpoints = _count(rs, "aws:ec2/vpcEndpoint:VpcEndpoint")
    return f"VPC {name}", [
        f"{vpc.get('cidrBlock', '?')} · {len(zones)} AZs",
        f"{nat} NAT · {endpoints} endpoints",
    ]


def _keys(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    return "KMS keys", [_n(_count(rs, "aws:kms/key:Key"), "data class", "data classes")]


def _organization(name: str, rs: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    return "Organization", [
        f"{_count(rs, 'aws:organizations/organizationalUnit:OrganizationalUnit')} OUs · "
        f"{_count(rs, 'aws:organizations/account:Account')} accounts · "
        f"{_count(rs, 'aws:organizations/policy:Policy')} SCPs"
    ]


DESCRIBE: dict[str, Callable[[str, Sequence[Mapping[str, Any]]], tuple[str, list[str]]]] = {
    "mlplatform:compute:EksCluster": _cluster,
    "mlplatform:compute:NodeGroup": _node_group,
    "mlplatform:compute:Karpenter": lambda name, rs: ("Karpenter", ["interruption queue · controller role"]),
    "mlplatform:data:DataProduct": _data_product,
    "mlplatform:data:DataLake": lambda name, rs: ("lake services", ["access logs · inventory"]),
    "mlplatform:registry:ContainerRegistry": _registry,
    "mlplatform:registry:ModelRegistry": _model_registry,
    "mlplatform:registry:EdgeArtefactStore": _object_lock("Edge artefacts"),
    "mlplatform:org:LogArchive": _object_lock("CloudTrail archive"),
    "mlplatform:org:Organization": _organization,
    "mlplatform:org:OrganizationTrail": lambda name, rs: ("Organization trail", []),
    "mlplatform:foundation:Network": _network,
    "mlplatform:foundation:DataClassKeys": _keys,
    "mlplatform:foundation:DeployRole": lambda name, rs: ("Deploy role", []),
}
"""Component type -> (title, detail lines) from its resources; others show `Type name`."""


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


# --- the architecture --------------------------------------------------------------------------


def architecture(stacks: Mapping[str, Sequence[Mapping[str, Any]]], environment: str = "") -> Architecture:
    """Accounts, regions, components and flows of one inventory."""
    index = _Index(stacks)
    roots = {urn for urn, r in index.by_urn.items() if r["type"] == "pulumi:pulumi:Stack"}
    hosts = {urn for urn, r in index.by_urn.items() if r["type"] == HOST}
    chosen = [
        urn
        for urn, r in index.by_urn.items()
        if not r.get("custom")
        and r["type"] != "pulumi:pulumi:Stack"
        and (r.get("parent") in roots or r.get("parent") in hosts)
    ]
    chosen_set = set(chosen)
    members: dict[str, list[Mapping[str, Any]]] = {
        urn: index.descendants(urn, stop=lambda child: child in chosen_set) for urn in chosen
    }
    nodes: dict[str, Node] = {}
    for urn in chosen:
        resource, resources = index.by_urn[urn], members[urn]
        account, region, others = _placement(index, resources)
        name = _name(urn)
        describe = DESCRIBE.get(resource["type"])
        title, details = (
            describe(name, resources) if describe else _generic(resource["type"], name, resources)
        )
        if others:
            details = [*details, f"also {', '.join(others)}"]
        nodes[urn] = Node(
            key=urn,
            type=resource["type"],
            name=name,
            stack=index.stack_of[urn],
            layer=layer_of(index.stack_of[urn]),
            account=account,
            region=region,
            title=title,
            details=tuple(d for d in details if d),
        )
    clusters = [n for n in nodes.values() if n.type == HOST]
    for node in list(nodes.values()):
        host = _host(index, node, clusters, members) if node.type != HOST else None
        if host is not None:
            nodes[node.key] = replace(
                node,
                host=host.key,
                title=_strip_region(node.title, host.region),
                account=node.account or host.account,
                region=node.region or host.region,
            )
    edges = _flows(index, nodes, members)
    owner = {r["urn"]: key for key, resources in members.items() for r in resources} | {
        key: key for key in nodes
    }
    ordered = dict(sorted(nodes.items(), key=lambda kv: _order(kv[1])))
    return Architecture(environment, _accounts(index), ordered, edges, owner=owner)


def _generic(token: str, name: str, resources: Sequence[Mapping[str, Any]]) -> tuple[str, list[str]]:
    """`Type name`, and how many cloud and Kubernetes objects it holds."""
    kubernetes = sum(1 for r in resources if r.get("custom") and r["type"].startswith("kubernetes:"))
    cloud = sum(
        1 for r in resources if r.get("custom") and not r["type"].startswith(("kubernetes:", "pulumi:"))
    )
    counts = [
        _n(cloud, "cloud resource") if cloud else "",
        _n(kubernetes, "Kubernetes object") if kubernetes else "",
    ]
    return f"{short_type(token)} {name}", [" · ".join(c for c in counts if c)]


def _strip_region(title: str, region: str) -> str:
    if not region:
        return title
    return title.replace(f" {region}-", " ").removeprefix(f"{region}-")


def _host(index: _Index, node: Node, clusters: Sequence[Node], members: Mapping[str, Any]) -> Node | None:
    """The cluster above the component; else, in a stack with clusters, the cluster that the component,
    its resources or their providers (a Kubernetes provider's kubeconfig) depend on most."""
    parent = index.by_urn[node.key].get("parent")
    while parent:
        if index.by_urn.get(parent, {}).get("type") == HOST:
            return next(c for c in clusters if c.key == parent)
        parent = index.by_urn.get(parent, {}).get("parent")
    own = [index.by_urn[node.key], *members[node.key]]
    needed = {d for r in own for d in r.get("dependencies") or []}
    needed |= {d for r in own if (p := index.provider(r)) is not None for d in p.get("dependencies") or []}
    scored = [
        (len(needed & {r["urn"] for r in members[c.key]}), c.key, c)
        for c in clusters
        if c.stack == node.stack
    ]
    best = max(scored, default=None, key=lambda item: (item[0], item[1]))
    return best[2] if best and best[0] else None


def _order(node: Node) -> tuple:
    layer = LAYERS.index(node.layer) if node.layer in LAYERS else len(LAYERS)
    return (layer, node.stack, node.type, node.name)


def _flows(
    index: _Index, nodes: Mapping[str, Node], members: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[Edge]:
    edges: list[Edge] = []
    for flow in FLOWS:
        sources = [n for n in nodes.values() if n.type == flow.source]
        targets = [n for n in nodes.values() if n.type == flow.target]
        for source in sources:
            granted = _granted_accounts(members[source.key]) if "grant" in flow.evidence else set()
            identifiers = _identifiers(members[source.key]) if "reference" in flow.evidence else set()
            for target in targets:
                if (target.account in granted) or (
                    identifiers and _references(_with_hosted(nodes, members, target), identifiers)
                ):
                    edges.append(Edge(source.key, target.key, flow.label))
    return sorted(edges, key=lambda e: (_order(nodes[e.source]), _order(nodes[e.target]), e.label))


def _with_hosted(nodes: Mapping[str, Node], members: Mapping[str, Sequence[Mapping[str, Any]]], target: Node):
    """The target's resources and those of the components drawn inside it (a cluster's node groups)."""
    yield from members[target.key]
    for node in nodes.values():
        if node.host == target.key:
            yield from members[node.key]


# --- diff marks --------------------------------------------------------------------------------


def mark(base: Architecture, head: Architecture, diff: ArchitectureDiff) -> Architecture:
    """The union of both sides: a component only in head is added, only in base removed; one that
    holds a changed, added, removed or moved resource, or whose summary differs, is changed. Flows
    only on one side are added or removed."""
    moved = {c.old_urn: c.urn for c in diff.resources if c.old_urn}
    touched: set[str] = set()
    for change in diff.resources:
        if change.kind == "removed":
            touched.add(moved.get(base.owner.get(change.urn, ""), base.owner.get(change.urn, "")))
        else:
            touched.add(head.owner.get(change.urn, ""))
    nodes: dict[str, Node] = {}
    for key, node in head.nodes.items():
        was = next((old for old, new in moved.items() if new == key), None)
        before = base.nodes.get(was or key)
        if before is None:
            nodes[key] = replace(node, mark="added")
        elif key in touched or was is not None or replace(before, key=key, host=node.host) != node:
            nodes[key] = replace(node, mark="changed")
        else:
            nodes[key] = node
    for key, node in base.nodes.items():
        if key not in head.nodes and key not in moved:
            nodes[key] = replace(node, mark="removed", host=moved.get(node.host, node.host))
    head_edges = {(e.source, e.target, e.label) for e in head.edges}
    base_edges = {(moved.get(e.source, e.source), moved.get(e.target, e.target), e.label) for e in base.edges}
    edges = [
        Edge(
            *edge,
            mark=""
            if edge in head_edges and edge in base_edges
            else ("added" if edge in head_edges else "removed"),
        )
        for edge in head_edges | base_edges
    ]
    ordered = dict(sorted(nodes.items(), key=lambda kv: _order(kv[1])))
    edges.sort(key=lambda e: (_order(ordered[e.source]), _order(ordered[e.target]), e.label))
    return Architecture(
        head.environment or base.environment,
        {**base.accounts, **head.accounts},
        ordered,
        edges,
        marked=True,
        owner={**base.owner, **head.owner},
    )


# --- Mermaid -----------------------------------------------------------------------------------


def _ident(prefix: str, text: str) -> str:
    return prefix + re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")


def _ids(arch: Architecture) -> dict[str, str]:
    ids: dict[str, str] = {}
    used: set[str] = set()
    for node in arch.nodes.values():
        base = _ident("n_", f"{node.layer}_{short_type(node.type)}_{node.name}")
        candidate, i = base, 2
        while candidate in used:
            candidate, i = f"{base}_{i}", i + 1
        used.add(candidate)
        ids[node.key] = candidate
    return ids


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def account_label(arch: Architecture, account: str) -> str:
    name = arch.accounts.get(account, "")
    return f"{name} · {account}" if name and account else (account or "(no provider)")


def mermaid(arch: Architecture) -> str:
    """A Mermaid flowchart: account subgraphs holding region subgraphs holding components; an EKS
    cluster is a subgraph of its control plane and node groups, and flows end at it; one class
    per layer, or per diff mark."""
    ids = _ids(arch)
    hosted = _hosted(arch)
    lines = ["flowchart LR"]

    def node_line(
        node: Node, indent: str, title: str | None = None, shown: Sequence[str] | None = None
    ) -> str:
        label = MARK_PREFIX.get(node.mark, "") + _mermaid_text(node.title if title is None else title)
        details = "".join(
            f"<br/><small>{_mermaid_text(d)}</small>" for d in (node.details if shown is None else shown)
        )
        return f'{indent}{ids[node.key]}["{label}{details}"]:::{node.mark or node.layer}'

    for account in _account_order(arch):
        lines.append(
            f'  subgraph {_ident("acct_", account or "none")}["{_mermaid_text(account_label(arch, account))}"]'
        )
        for region in arch.regions(account):
            lines.append(f'    subgraph {_ident("reg_", f"{account}_{region}")}["{region or "(global)"}"]')
            for node in arch.nodes.values():
                if node.account != account or node.region != region or node.host:
                    continue
                if node.key in hosted:
                    lines.append(f'      subgraph {_group_id(ids, node)}["{_mermaid_text(node.title)}"]')
                    lines.append(
                        node_line(node, "        ", node.details[0] if node.details else "", node.details[1:])
                    )
                    lines += [node_line(n, "        ") for n in hosted[node.key]]
                    lines.append("      end")
                else:
                    lines.append(node_line(node, "      "))
            lines.append("    end")
        lines.append("  end")
    lines += [node_line(n, "  ") for n in arch.nodes.values() if n.host and n.host not in arch.nodes]
    link_styles = []
    for i, edge in enumerate(arch.edges):
        arrow = "-.->" if edge.mark == "removed" else "-->"
        label = MARK_PREFIX.get(edge.mark, "") + edge.label
        target = _group_id(ids, arch.nodes[edge.target]) if edge.target in hosted else ids[edge.target]
        lines.append(f"  {ids[edge.source]} {arrow}|{_mermaid_text(label)}| {target}")
        if edge.mark:
            link_styles.append(f"  linkStyle {i} stroke:{MARK_COLOURS[edge.mark][1]},stroke-width:3px")
    lines += link_styles
    for layer, (fill, stroke) in LAYER_COLOURS.items():
        lines.append(f"  classDef {layer} fill:{fill},stroke:{stroke},color:#1f2328")
    for name, (fill, stroke) in MARK_COLOURS.items():
        dash = ",stroke-dasharray:5 5" if name == "removed" else ""
        lines.append(f"  classDef {name} fill:{fill},stroke:{stroke},stroke-width:3px,color:#1f2328{dash}")
    return "\n".join(lines) + "\n"


def _group_id(ids: Mapping[str, str], node: Node) -> str:
    return "grp_" + ids[node.key]


def _hosted(arch: Architecture) -> dict[str, list[Node]]:
    """Host node key -> the nodes drawn inside it."""
    hosted: dict[str, list[Node]] = defaultdict(list)
    for node in arch.nodes.values():
        if node.host in arch.nodes:
            hosted[node.host].append(node)
    return hosted


def _account_order(arch: Architecture) -> list[str]:
    """The management account first, then in the order of the first layer each account serves."""
    first: dict[str, tuple] = {}
    for node in arch.nodes.values():
        first.setdefault(node.account, _order(node))
    return sorted(first, key=lambda a: (arch.accounts.get(a) != "management", first[a], a))


# --- Graphviz ----------------------------------------------------------------------------------


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def _legend(arch: Architecture) -> str:
    cells = [(f"layer: {layer}", fill, stroke) for layer, (fill, stroke) in LAYER_COLOURS.items()]
    if arch.marked:
        cells += [(f"{MARK_PREFIX[m]}{m}", fill, stroke) for m, (fill, stroke) in MARK_COLOURS.items()]
    row = "".join(
        f'<td bgcolor="{fill}" color="{stroke}" border="2">{_html(text)}</td>' for text, fill, stroke in cells
    )
    return f'<<table border="0" cellspacing="6" cellpadding="4"><tr>{row}</tr></table>>'


def graph(arch: Architecture):
    """The same architecture as a `graphviz.Digraph`, for `dot` to lay out."""
    import graphviz

    title = f"{arch.environment}: accounts, regions, layers and flows" if arch.environment else "architecture"
    if arch.marked:
        title += " (diff)"
    dot = graphviz.Digraph(
        "architecture",
        graph_attr={
            "rankdir": "LR",
            "compound": "true",
            "fontname": "Helvetica",
            "fontsize": "16",
            "label": title,
            "labelloc": "t",
            "nodesep": "0.25",
            "ranksep": "1.1",
            "pad": "0.3",
            "bgcolor": "white",
        },
        node_attr={
            "shape": "box",
            "style": "rounded,filled",
            "fontname": "Helvetica",
            "fontsize": "10",
            "margin": "0.12,0.06",
        },
        edge_attr={"fontname": "Helvetica", "fontsize": "9", "color": "#57606a"},
    )
    ids = _ids(arch)
    hosted = _hosted(arch)

    def add(g, node: Node, title: str | None = None, details: Sequence[str] | None = None) -> None:
        fill, stroke = MARK_COLOURS.get(node.mark) or LAYER_COLOURS.get(node.layer, ("#ffffff", "#57606a"))
        shown = node.details if details is None else details
        lines = "".join(f'<br/><font point-size="8">{_html(d)}</font>' for d in shown)
        text = MARK_PREFIX.get(node.mark, "") + (node.title if title is None else title)
        style = "rounded,filled,dashed" if node.mark == "removed" else "rounded,filled"
        g.node(ids[node.key], label=f"<<b>{_html(text)}</b>{lines}>", fillcolor=fill, color=stroke,
               penwidth="3" if node.mark else "1", style=style)  # fmt: skip

    for account in _account_order(arch):
        with dot.subgraph(name=_ident("cluster_acct_", account or "none")) as a:
            a.attr(label=f"account {account_label(arch, account)}", style="rounded", color="#24292f",
                   fontsize="13", penwidth="1.5")  # fmt: skip
            for region in arch.regions(account):
                with a.subgraph(name=_ident("cluster_reg_", f"{account}_{region}")) as r:
                    r.attr(label=region or "(global)", style="rounded,dashed", color="#8c959f", fontsize="11")
                    for node in arch.nodes.values():
                        if node.account != account or node.region != region or node.host:
                            continue
                        if node.key not in hosted:
                            add(r, node)
                            continue
                        with r.subgraph(name="cluster_" + _group_id(ids, node)) as c:
                            fill, stroke = MARK_COLOURS.get(node.mark) or ("#f6f8fa", "#8250df")
                            c.attr(label=MARK_PREFIX.get(node.mark, "") + node.title, style="rounded,filled",
                                   fillcolor=fill, color=stroke, fontsize="11")  # fmt: skip
                            add(
                                c,
                                node,
                                title=node.details[0] if node.details else "",
                                details=node.details[1:],
                            )
                            inside = hosted[node.key]
                            for i, member in enumerate(inside):  # columns of HOSTED_ROWS: wide, not tall
                                add(c, member)
                                before = inside[i - HOSTED_ROWS] if i >= HOSTED_ROWS else node
                                c.edge(ids[before.key], ids[member.key], style="invis")
    for node in arch.nodes.values():
        if node.host and node.host not in arch.nodes:
            add(dot, node)
    for edge in arch.edges:
        colour = MARK_COLOURS[edge.mark][1] if edge.mark else "#57606a"
        extra = (
            {"lhead": "cluster_" + _group_id(ids, arch.nodes[edge.target])} if edge.target in hosted else {}
        )
        dot.edge(ids[edge.source], ids[edge.target], label=MARK_PREFIX.get(edge.mark, "") + edge.label,
                 color=colour, fontcolor=colour, penwidth="2.5" if edge.mark else "1.2",
                 style="dashed" if edge.mark == "removed" else "solid", **extra)  # fmt: skip
    dot.node("legend", label=_legend(arch), shape="plaintext", style="", fontsize="9")
    return dot


class RenderError(Exception):
    """Graphviz's `dot` is missing or failed; the Mermaid and DOT sources are still written."""


def write(
    arch: Architecture, directory: Path, stem: str = "diagram", formats: Sequence[str] = ("svg", "png")
) -> dict[str, Path]:
    """Write `<stem>.mmd` and `<stem>.dot`, then render each format with `dot`.

    Raises RenderError (after the sources are written) when Graphviz cannot render.
    """
    import graphviz

    directory.mkdir(parents=True, exist_ok=True)
    paths = {"mermaid": directory / f"{stem}.mmd", "dot": directory / f"{stem}.dot"}
    paths["mermaid"].write_text(mermaid(arch), encoding="utf-8")
    source = graph(arch)
    paths["dot"].write_text(source.source, encoding="utf-8")
    for fmt in formats:
        try:
            rendered = source.pipe(format=fmt, engine="dot")
        except graphviz.ExecutableNotFound:
            raise RenderError(
                "Graphviz's `dot` is not installed: `make install` installs it (apt-get install graphviz); "
                f"the Mermaid source is in {paths['mermaid']}"
            ) from None
        except graphviz.CalledProcessError as error:
            raise RenderError(
                f"dot -T{fmt} failed: {(error.stderr or b'').decode(errors='replace').strip()}"
            ) from None
        paths[fmt] = directory / f"{stem}.{fmt}"
        paths[fmt].write_bytes(rendered)
    return paths
