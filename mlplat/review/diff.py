"""`mlplat diff`: the architecture review diff between two inventories.

Both sides are `stack name -> resources` as `mlplat.synth.inventory.load_stacks` reads them (an
mlplat inventory or a `pulumi stack export`). Resources are matched by URN, which is Pulumi's
identity; what is left over is matched again, so that an identity change shows as one
resource that moved instead of an unrelated delete and create:

1. an alias: the new resource's `aliases` (a field of Pulumi's `ResourceV3`) names the old
   URN. Pulumi updates the resource in place: kind `renamed`.
2. heuristics, when no alias says so (kind `replaced`: without an alias `pulumi up` deletes the
   old resource and creates the new one), within one stack and one type, in this order:
   the same name under a new parent; the same physical name (`PHYSICAL_NAMES`); inputs that
   agree on at least `SIMILARITY` of their properties (best pairs first). Components pair when
   at least half of the old component's resources paired with resources of the new one.

Same-URN resources whose inputs or options (`protect`, `retainOnDelete`, provider) differ are
`changed`. Every property change gets a review category (`CATEGORIES`) from `PATH_RULES`,
then `TYPE_RULES`; policy documents held as JSON strings are compared statement by statement.

The policy verdicts (`PolicyDelta`) and the monthly cost (`CostDelta`) of both sides are
computed by the caller (`mlplat.review`) and carried here so that the Markdown and JSON
renderings of one `ArchitectureDiff` are complete.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from platform_cost.values import decoded
from platform_spec.layers import LAYERS, layer_of

Stacks = Mapping[str, Sequence[Mapping[str, Any]]]

CATEGORIES = (
    "deletion protection",
    "public access",
    "encryption",
    "IAM statements",
    "Object Lock",
    "replication",
    "lifecycle",
    "instance types",
    "capacity types",
    "scaling bounds",
    "other",
)
"""Review categories, in the order the Markdown lists them: what reviewers care about first."""

PATH_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern, re.IGNORECASE))
    for category, pattern in (
        ("deletion protection", r"^(protect|retainOnDelete)$|deletionProtection|forceDestroy"),
        (
            "public access",
            r"publicAccess|blockPublic|ignorePublicAcls|restrictPublicBuckets|(^|\.)acl$|mapPublicIpOnLaunch",
        ),
        ("Object Lock", r"objectLock"),
        ("replication", r"replicat"),
        ("encryption", r"kms|encrypt|(^|\.)sse|bucketKeyEnabled|keyArn"),
        (
            "IAM statements",
            r"Statement|assumeRolePolicy|managedPolicyArns|policyArn|accessScope|principalArn",
        ),
        ("lifecycle", r"lifecycle|transition|expiration|expire|noncurrent|tiering|retention|abortIncomplete"),
        ("instance types", r"instanceTypes?\b|amiType|imageId"),
        ("capacity types", r"capacityType|capacity\b|/capacity|spot|instanceMarketOptions"),
        ("scaling bounds", r"scalingConfig|minSize|maxSize|desiredSize|maxUnavailable|desiredCapacity"),
    )
)
"""Property path -> category; the first match wins."""

TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern))
    for category, pattern in (
        ("public access", r"^aws:s3/(bucket|account)PublicAccessBlock:"),
        ("encryption", r"^aws:s3/bucketServerSideEncryptionConfiguration:|^aws:kms/"),
        ("Object Lock", r"^aws:s3/bucketObjectLockConfiguration:"),
        ("replication", r"^aws:s3/bucketReplicationConfig:|^aws:ecr/replicationConfiguration:"),
        (
            "lifecycle",
            r"^aws:s3/bucket(Lifecycle|IntelligentTiering)Configuration:|^aws:ecr/lifecyclePolicy:",
        ),
        (
            "IAM statements",
            r"^aws:iam/|^aws:organizations/policy|^aws:s3/bucketPolicy:|^aws:ecr/repositoryPolicy:"
            r"|^aws:eks/(accessEntry|accessPolicyAssociation|podIdentityAssociation):",
        ),
        ("capacity types", r"^aws:eks/nodeGroup:|^aws:ec2/placementGroup:"),
    )
)
"""Resource type -> category, for a resource that exists for that one concern (and for a
property of it that no path rule claims)."""

PHYSICAL_NAMES = ("bucket", "name", "repositoryName", "clusterName", "roleName", "functionName", "queueName")
"""Inputs that name the cloud resource itself: equal values on both sides mean the same resource."""
SIMILARITY = 0.75
KEY_FIELDS = ("Sid", "id", "name", "deviceName", "resourceType", "key", "storageClass")
"""Fields that identify an element of a list of objects, so a list diff is per element."""
IGNORED_TYPES = ("pulumi:pulumi:Stack", "pulumi:pulumi:StackReference")
"""Their outputs echo other stacks; what changes there shows on the resources themselves."""
MISSING = object()


# --- the model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PropertyChange:
    path: str
    before: Any
    after: Any
    category: str

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"path": self.path, "category": self.category}
        if self.before is not MISSING:
            doc["before"] = self.before
        if self.after is not MISSING:
            doc["after"] = self.after
        return doc


@dataclass(frozen=True)
class ResourceChange:
    kind: str
    """added, removed, changed, renamed (through an alias) or replaced (identity change, no alias)."""
    stack: str
    layer: str
    component: str
    """The top-level component the resource belongs to (`Type name`), or `(stack)`."""
    type: str
    urn: str
    """The head URN (the base URN for a removed resource)."""
    custom: bool = True
    old_urn: str = ""
    how: str = ""
    """For renamed and replaced: the evidence (alias, same name, same physical name, similar inputs, children)."""
    protected: bool = False
    """The base resource is protected or retained on delete: a delete or replacement stops or leaves it behind."""
    changes: tuple[PropertyChange, ...] = ()
    facts: tuple[PropertyChange, ...] = ()
    """For added and removed resources: their inputs in the review categories."""

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def old_name(self) -> str:
        return self.old_urn.rsplit("::", 1)[-1] if self.old_urn else ""

    @property
    def categories(self) -> list[str]:
        found = {c.category for c in (*self.changes, *self.facts)}
        if self.kind in ("added", "removed", "replaced"):
            found.add(type_category(self.type) or "other")
        if self.kind in ("removed", "replaced") and self.protected:
            found.add("deletion protection")
        return [c for c in CATEGORIES if c in found]

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "kind": self.kind,
            "stack": self.stack,
            "layer": self.layer,
            "component": self.component,
            "type": self.type,
            "urn": self.urn,
        }
        if not self.custom:
            doc["custom"] = False
        if self.old_urn:
            doc["old_urn"] = self.old_urn
        if self.how:
            doc["how"] = self.how
        if self.protected:
            doc["protected"] = True
        doc["categories"] = self.categories
        if self.changes:
            doc["changes"] = [c.to_json() for c in self.changes]
        if self.facts:
            doc["facts"] = [c.to_json() for c in self.facts]
        return doc


@dataclass(frozen=True)
class Finding:
    rule: str
    stack: str
    urn: str
    level: str
    severity: str
    message: str

    @property
    def resource(self) -> str:
        return self.urn.rsplit("::", 1)[-1] if self.urn else f"(stack {self.stack})"

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "stack": self.stack,
            "urn": self.urn,
            "level": self.level,
            "severity": self.severity,
            "message": self.message,
        }


@dataclass(frozen=True)
class GateSide:
    verdict: str
    """passed, blocked, or not run (with the reason in `note`)."""
    mandatory: int = 0
    advisory: int = 0
    findings: tuple[Finding, ...] = ()
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "verdict": self.verdict,
            "mandatory": self.mandatory,
            "advisory": self.advisory,
        }
        if self.note:
            doc["note"] = self.note
        return doc


@dataclass(frozen=True)
class PolicyDelta:
    base: GateSide
    head: GateSide
    new: tuple[Finding, ...] = ()
    resolved: tuple[Finding, ...] = ()
    relevelled: tuple[tuple[Finding, Finding], ...] = ()
    """(base finding, head finding) of the same rule and resource whose enforcement level changed."""
    changed_findings: tuple[tuple[Finding, Finding], ...] = ()
    """(base finding, head finding) of the same rule and resource whose message changed (a cost
    figure that moved): one finding that changed, not a new one and a resolved one."""

    @property
    def changed(self) -> bool:
        return bool(
            self.new
            or self.resolved
            or self.relevelled
            or self.changed_findings
            or self.base.verdict != self.head.verdict
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "base": self.base.to_json(),
            "head": self.head.to_json(),
            "new": [f.to_json() for f in self.new],
            "resolved": [f.to_json() for f in self.resolved],
            "relevelled": [{"base": b.to_json(), "head": h.to_json()} for b, h in self.relevelled],
            "changed": [{"base": b.to_json(), "head": h.to_json()} for b, h in self.changed_findings],
        }


@dataclass(frozen=True)
class CostLine:
    key: str
    """What the line is about: `layer: component` (as the cost model names components)."""
    base: float
    head: float
    base_unpriced: int = 0
    head_unpriced: int = 0
    """Price lines the model could not price (a missing price is never guessed)."""
    items_changed: bool = False
    """What is priced changed (an item, a quantity), whether or not the priced total moved."""

    @property
    def delta(self) -> float:
        return self.head - self.base

    @property
    def moved(self) -> bool:
        return abs(self.delta) >= 0.005 or self.items_changed


@dataclass(frozen=True)
class CostDelta:
    """Monthly cost of both sides under one cost model (the head's), and the lines that moved."""

    currency: str
    base: float
    head: float
    lines: tuple[CostLine, ...] = ()
    model: str = ""

    @property
    def delta(self) -> float:
        return self.head - self.base

    def to_json(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "model": self.model,
            "base": round(self.base, 2),
            "head": round(self.head, 2),
            "delta": round(self.delta, 2),
            "lines": [
                {
                    "key": x.key,
                    "base": round(x.base, 2),
                    "head": round(x.head, 2),
                    "delta": round(x.delta, 2),
                    "base_unpriced": x.base_unpriced,
                    "head_unpriced": x.head_unpriced,
                    "items_changed": x.items_changed,
                }
                for x in self.lines
                if x.moved
            ],
        }


@dataclass
class ArchitectureDiff:
    environment: str
    base_label: str
    head_label: str
    resources: list[ResourceChange]
    policy: PolicyDelta | None = None
    cost: CostDelta | None = None
    cost_note: str = ""
    """Why there is no cost section (no cost model yet, or it failed), when `cost` is None."""
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return (
            not self.resources
            and (self.policy is None or not self.policy.changed)
            and (
                self.cost is None
                or (abs(self.cost.delta) < 0.005 and not any(x.moved for x in self.cost.lines))
            )
        )

    def count(self, kind: str, custom: bool = True) -> int:
        return sum(1 for r in self.resources if r.kind == kind and r.custom == custom)

    def summary(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in ("added", "removed", "replaced", "renamed", "changed")} | {
            "components_added": self.count("added", False),
            "components_removed": self.count("removed", False),
            "components_moved": self.count("renamed", False) + self.count("replaced", False),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "mlplat-diff",
            "version": 1,
            "environment": self.environment,
            "base": self.base_label,
            "head": self.head_label,
            "empty": self.empty,
            "summary": self.summary(),
            "resources": [r.to_json() for r in self.resources],
            "policy": self.policy.to_json() if self.policy else None,
            "cost": self.cost.to_json() if self.cost else None,
            "cost_note": self.cost_note,
            "notes": self.notes,
        }


# --- helpers -----------------------------------------------------------------------------------


def short_type(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def type_category(token: str) -> str | None:
    return next((category for category, pattern in TYPE_RULES if pattern.search(token)), None)


def property_category(token: str, path: str, before: Any = MISSING, after: Any = MISSING) -> str:
    if "Statement" in path and (_public_statement(after) or _public_statement(before)):
        return "public access"
    for category, pattern in PATH_RULES:
        if pattern.search(path):
            return category
    return type_category(token) or "other"


def _public_statement(value: Any) -> bool:
    """An Allow statement with `*` as principal and no condition: anyone may act."""
    if not isinstance(value, Mapping) or value.get("Effect") != "Allow" or value.get("Condition"):
        return False
    principal = value.get("Principal")
    if isinstance(principal, Mapping):
        principal = principal.get("AWS")
    principals = principal if isinstance(principal, list) else [principal]
    return "*" in principals


def _list_key(items: list[Any]) -> str | None:
    if not items or not all(isinstance(item, Mapping) for item in items):
        return None
    for key in KEY_FIELDS:
        values = [item.get(key) for item in items]
        if all(isinstance(v, (str, int)) and v != "" for v in values) and len(set(values)) == len(values):
            return key
    return None


def flatten(value: Any, path: str = "", elements: dict[str, Any] | None = None) -> dict[str, Any]:
    """Leaf path -> value. Lists of scalars stay whole; lists of objects are keyed by an identifying
    field when every element has a distinct one (`Statement[Sid=PullImages]`), else by a digest of
    the element for policy statements, else by position. `elements` collects path -> element."""
    value = decoded(value)  # policy documents and provider settings travel as JSON text
    if isinstance(value, Mapping):
        if not value:
            return {path: {}} if path else {}
        flat: dict[str, Any] = {}
        for key in sorted(value, key=str):
            flat.update(flatten(value[key], f"{path}.{key}" if path else str(key), elements))
        return flat
    if isinstance(value, list) and any(isinstance(item, (Mapping, list)) for item in value):
        key = _list_key(value)
        flat = {}
        for i, item in enumerate(value):
            if key:
                label = f"[{key}={item[key]}]"
            elif path.endswith("Statement") and isinstance(item, Mapping):
                label = "[#" + hashlib.sha256(json.dumps(item, sort_keys=True).encode()).hexdigest()[:8] + "]"
            else:
                label = f"[{i}]"
            if elements is not None:
                elements[f"{path}{label}"] = item
            flat.update(flatten(item, f"{path}{label}", elements))
        return flat
    return {path: value}


def _statement_root(path: str) -> str | None:
    match = re.match(r"^(.*?Statement\[[^\]]+\])", path)
    return match.group(1) if match else None


def property_changes(token: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> list[PropertyChange]:
    """Leaf-level changes between two input maps; a policy statement added or removed as a whole
    is one change carrying the statement."""
    old_elements: dict[str, Any] = {}
    new_elements: dict[str, Any] = {}
    old, new = flatten(before, "", old_elements), flatten(after, "", new_elements)
    changes: list[PropertyChange] = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path, MISSING), new.get(path, MISSING)
        if a is not MISSING and b is not MISSING and a == b:
            continue
        root = _statement_root(path)
        if root is None:
            changes.append(PropertyChange(path, a, b, property_category(token, path, a, b)))
            continue
        old_statement = old_elements.get(root, MISSING)
        new_statement = new_elements.get(root, MISSING)
        if old_statement is MISSING or new_statement is MISSING:  # a whole statement came or went
            if not any(c.path == root for c in changes):
                changes.append(
                    PropertyChange(
                        root,
                        old_statement,
                        new_statement,
                        property_category(token, root, old_statement, new_statement),
                    )
                )
            continue
        changes.append(
            PropertyChange(path, a, b, property_category(token, path, old_statement, new_statement))
        )
    return changes


def facts(token: str, inputs: Mapping[str, Any]) -> list[PropertyChange]:
    """An added or removed resource's inputs that a path rule puts in a review category."""
    elements: dict[str, Any] = {}
    flat = flatten(inputs, "", elements)
    found: list[PropertyChange] = []
    for path, value in flat.items():
        root = _statement_root(path)
        if root is not None:
            if not any(f.path == root for f in found):
                statement = elements[root]
                found.append(
                    PropertyChange(root, MISSING, statement, property_category(token, root, after=statement))
                )
            continue
        category = next((c for c, pattern in PATH_RULES if pattern.search(path)), None)
        if category:
            found.append(PropertyChange(path, MISSING, value, category))
    return found


@dataclass
class _Side:
    """One inventory, indexed."""

    stacks: Stacks
    by_urn: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    stack_of: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for stack, resources in self.stacks.items():
            for resource in resources:
                self.by_urn[resource["urn"]] = resource
                self.stack_of[resource["urn"]] = stack

    def component(self, urn: str) -> str:
        """`Type name` of the top-level component above (or at) urn; `(stack)` for stack children."""
        resource = self.by_urn[urn]
        top = None
        while True:
            if not resource.get("custom") and resource["type"] != "pulumi:pulumi:Stack":
                top = resource
            parent = resource.get("parent")
            if not parent or parent not in self.by_urn:
                break
            resource = self.by_urn[parent]
        return f"{short_type(top['type'])} {_name(top['urn'])}" if top else "(stack)"

    def descendants(self, urn: str) -> list[str]:
        children: dict[str, list[str]] = defaultdict(list)
        for resource in self.by_urn.values():
            if resource.get("parent"):
                children[resource["parent"]].append(resource["urn"])
        found, todo = [], [urn]
        while todo:
            for child in children.get(todo.pop(), []):
                found.append(child)
                todo.append(child)
        return found


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _parent_chain(urn: str) -> str:
    return urn.rsplit("::", 2)[-2] if urn.count("::") >= 3 else ""


def _provider_urn(resource: Mapping[str, Any]) -> str:
    provider = resource.get("provider") or ""
    return provider.rsplit("::", 1)[0] if provider else ""


def _similarity(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    x = {(k, json.dumps(v, sort_keys=True)) for k, v in flatten(a).items()}
    y = {(k, json.dumps(v, sort_keys=True)) for k, v in flatten(b).items()}
    return len(x & y) / len(x | y) if x | y else 1.0


def _physical_name(resource: Mapping[str, Any]) -> tuple[str, str] | None:
    inputs = resource.get("inputs") or {}
    for key in PHYSICAL_NAMES:
        value = inputs.get(key)
        if isinstance(value, str) and value:
            return key, value
    return None


# --- matching ----------------------------------------------------------------------------------


def match_identities(base: _Side, head: _Side) -> dict[str, tuple[str, str]]:
    """Head URN -> (base URN, how) for resources whose URN changed; see the module docstring."""
    removed = [u for u in base.by_urn if u not in head.by_urn and base.by_urn[u]["type"] not in IGNORED_TYPES]
    added = [u for u in head.by_urn if u not in base.by_urn and head.by_urn[u]["type"] not in IGNORED_TYPES]
    pairs: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()

    def pair(new: str, old: str, how: str) -> None:
        pairs[new] = (old, how)
        taken.add(old)

    for new in added:  # 1. aliases recorded in the inventory
        for alias in head.by_urn[new].get("aliases") or []:
            if isinstance(alias, str) and alias in removed and alias not in taken:
                pair(new, alias, "alias")
                break

    def candidates(new: str) -> list[str]:
        resource = head.by_urn[new]
        return [
            old
            for old in removed
            if old not in taken
            and base.by_urn[old]["type"] == resource["type"]
            and base.stack_of[old] == head.stack_of[new]
            and bool(base.by_urn[old].get("custom")) == bool(resource.get("custom"))
        ]

    open_custom = [u for u in added if u not in pairs and head.by_urn[u].get("custom")]
    for new in open_custom:  # 2a. the same name under another parent
        same = [old for old in candidates(new) if _name(old) == _name(new)]
        if len(same) == 1:
            pair(new, same[0], "same name, new parent")
    for new in open_custom:  # 2b. the same physical name
        if new in pairs or (physical := _physical_name(head.by_urn[new])) is None:
            continue
        same = [old for old in candidates(new) if _physical_name(base.by_urn[old]) == physical]
        if len(same) == 1:
            pair(new, same[0], f"same {physical[0]}")
    scored = sorted(  # 2c. similar inputs, best pairs first
        (
            (
                -_similarity(base.by_urn[old].get("inputs") or {}, head.by_urn[new].get("inputs") or {}),
                new,
                old,
            )
            for new in open_custom
            if new not in pairs
            for old in candidates(new)
        ),
    )
    for negative, new, old in scored:
        if -negative >= SIMILARITY and new not in pairs and old not in taken:
            pair(new, old, f"similar inputs: {-negative:.0%} equal")

    mapped = {old: new for new, (old, _) in pairs.items()}
    for new in [u for u in added if u not in pairs and not head.by_urn[u].get("custom")]:  # 3. components
        if head.by_urn[new]["type"] == "pulumi:pulumi:Stack":
            continue
        head_children = set(head.descendants(new))
        best: tuple[float, str] | None = None
        for old in candidates(new):
            old_children = [c for c in base.descendants(old) if base.by_urn[c].get("custom")]
            if not old_children:
                continue
            share = sum(1 for c in old_children if mapped.get(c) in head_children) / len(old_children)
            if share >= 0.5 and (best is None or share > best[0]):
                best = (share, old)
        if best:
            pair(new, best[1], f"its resources: {best[0]:.0%} moved with it")
    return pairs


# --- the diff ----------------------------------------------------------------------------------


def diff_stacks(
    base_stacks: Stacks,
    head_stacks: Stacks,
    *,
    environment: str = "",
    base_label: str = "base",
    head_label: str = "head",
) -> ArchitectureDiff:
    """Every resource that was added, removed, renamed, replaced or changed, in layer order."""
    base, head = _Side(base_stacks), _Side(head_stacks)
    pairs = match_identities(base, head)
    renamed_from = {old: new for new, (old, _) in pairs.items()}
    changes: list[ResourceChange] = []

    def common(stack: str, urn: str, resource: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "stack": stack,
            "layer": layer_of(stack),
            "type": resource["type"],
            "urn": urn,
            "custom": bool(resource.get("custom")),
        }

    for urn, resource in head.by_urn.items():
        if resource["type"] in IGNORED_TYPES:
            continue
        stack = head.stack_of[urn]
        if urn in pairs:
            old_urn, how = pairs[urn]
            old = base.by_urn[old_urn]
            changes.append(
                ResourceChange(
                    kind="renamed" if how == "alias" else "replaced",
                    component=head.component(urn),
                    old_urn=old_urn,
                    how=how,
                    protected=bool(old.get("protect") or old.get("retainOnDelete")),
                    changes=tuple(_resource_changes(old, resource, renamed_from)),
                    **common(stack, urn, resource),
                )
            )
        elif urn not in base.by_urn:
            changes.append(
                ResourceChange(
                    kind="added",
                    component=head.component(urn),
                    facts=tuple(facts(resource["type"], resource.get("inputs") or {})),
                    **common(stack, urn, resource),
                )
            )
        elif resource.get("custom"):
            found = _resource_changes(base.by_urn[urn], resource, renamed_from)
            if found:
                changes.append(
                    ResourceChange(
                        kind="changed",
                        component=head.component(urn),
                        changes=tuple(found),
                        **common(stack, urn, resource),
                    )
                )
    for urn, resource in base.by_urn.items():
        if resource["type"] in IGNORED_TYPES or urn in head.by_urn or urn in renamed_from:
            continue
        changes.append(
            ResourceChange(
                kind="removed",
                component=base.component(urn),
                protected=bool(resource.get("protect") or resource.get("retainOnDelete")),
                facts=tuple(facts(resource["type"], resource.get("inputs") or {})),
                **common(base.stack_of[urn], urn, resource),
            )
        )
    stacks_order = {
        name: i for i, name in enumerate([*head_stacks, *[s for s in base_stacks if s not in head_stacks]])
    }
    changes.sort(
        key=lambda c: (_layer_rank(c.layer), stacks_order.get(c.stack, 99), c.component, c.custom, c.urn)
    )
    return ArchitectureDiff(environment, base_label, head_label, changes)


def _layer_rank(layer: str) -> int:
    return LAYERS.index(layer) if layer in LAYERS else len(LAYERS)


def _resource_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], renamed_from: Mapping[str, str]
) -> list[PropertyChange]:
    if not new.get("custom"):
        return []
    token = new["type"]
    found = property_changes(token, old.get("inputs") or {}, new.get("inputs") or {})
    for option in ("protect", "retainOnDelete"):
        if bool(old.get(option)) != bool(new.get(option)):
            found.append(
                PropertyChange(option, bool(old.get(option)), bool(new.get(option)), "deletion protection")
            )
    old_provider, new_provider = _provider_urn(old), _provider_urn(new)
    if renamed_from.get(old_provider, old_provider) != new_provider:
        found.append(PropertyChange("provider", _name(old_provider), _name(new_provider), "other"))
    return found


def stacks_of(resources: Iterable[Mapping[str, Any]]) -> list[str]:
    return sorted({r["stack"] for r in resources})
