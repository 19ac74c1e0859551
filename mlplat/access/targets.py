"""Which resource-based policies govern a request's resource, and how: the bucket policy, the access
point policy and its bucket's policy, the key policy and grants, a role's trust policy, the policy of a
topic, queue, repository or model package group."""

from __future__ import annotations

from dataclasses import dataclass, field

from .arns import Arn
from .inventory import Grant, Inventory
from .policy import PolicyDocument

# How a layer's allow combines with the caller's identity-based policies within one account: UNION
# (either may allow, IAM User Guide "Policy evaluation logic"), or REQUIRED: the resource policy itself
# must allow, directly or by naming the account, which delegates to IAM policies (KMS key policies,
# role trust policies).
UNION, REQUIRED = "union", "required"

_TRUST_ACTIONS = {
    "sts:assumerole",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
    "sts:assumerolewithwebidentity",
    "sts:assumerolewithsaml",
}


@dataclass
class Layer:
    label: str
    account: str | None
    rule: str
    documents: list[PolicyDocument]
    resource: str
    """The ARN this policy's statements are matched against (an access point request reaches the
    bucket policy as the bucket's own object ARN)."""
    unknowns: list[str] = field(default_factory=list)


@dataclass
class Target:
    account: str | None
    region: str | None
    layers: list[Layer] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    context: dict[str, object] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    has_resource_policy_type: bool = False
    """The resource's type can carry a resource-based policy (so cross-account access is possible)."""


def _documents(document: PolicyDocument | None) -> list[PolicyDocument]:
    return [document] if document is not None else []


def _bucket_layer(inventory: Inventory, name: str, resource: str, target: Target) -> None:
    bucket = inventory.buckets.get(name)
    if bucket is None:
        target.unknowns.append(f"bucket {name} is not in the inventory")
        return
    target.account = target.account or bucket.account
    target.region = target.region or bucket.region
    layer = Layer(f"the bucket policy of {name}", bucket.account, UNION, _documents(bucket.policy), resource)
    layer.unknowns = list(inventory.account_unknowns.get((bucket.account or "", "bucket-policy"), []))
    target.layers.append(layer)


def _s3(inventory: Inventory, arn: Arn, resource: str, target: Target) -> None:
    target.has_resource_policy_type = True
    if not arn.account:  # arn:aws:s3:::bucket[/key]
        _bucket_layer(inventory, arn.resource.split("/", 1)[0], resource, target)
        return
    if not arn.resource.startswith("accesspoint/"):
        return
    name, _, rest = arn.resource.removeprefix("accesspoint/").partition("/")
    point_arn = f"arn:{arn.partition}:s3:{arn.region}:{arn.account}:accesspoint/{name}"
    point = inventory.access_points.get(point_arn)
    if point is None:
        target.unknowns.append(f"access point {point_arn} is not in the inventory")
        return
    target.account, target.region = point.account, point.region
    target.context.update({"s3:DataAccessPointArn": point.arn, "s3:DataAccessPointAccount": point.account})
    if point.network_origin:
        target.context["s3:AccessPointNetworkOrigin"] = point.network_origin
    layer = Layer(
        f"the access point policy of {point.arn}", point.account, UNION, _documents(point.policy), resource
    )
    layer.unknowns = list(inventory.account_unknowns.get((point.account, "access-point-policy"), []))
    target.layers.append(layer)
    key = rest.removeprefix("object/") if rest.startswith("object/") else None
    bucket_resource = f"arn:{arn.partition}:s3:::{point.bucket}" + (f"/{key}" if key is not None else "")
    _bucket_layer(inventory, point.bucket, bucket_resource, target)


def _kms(inventory: Inventory, arn: Arn, resource: str, target: Target) -> None:
    target.has_resource_policy_type = True
    key = inventory.key(resource)
    if key is None:
        target.unknowns.append(f"key {resource} is not in the inventory")
        return
    target.account, target.region, target.tags, target.grants = key.account, key.region, key.tags, key.grants
    layer = Layer(f"the key policy of {key.arn}", key.account, REQUIRED, _documents(key.policy), key.arn)
    layer.unknowns = list(inventory.account_unknowns.get((key.account, "key-policy"), []))
    target.layers.append(layer)


def _holder(inventory: Inventory, holder_arn: str, resource: str, kind: str, target: Target) -> None:
    target.has_resource_policy_type = True
    holder = inventory.holders.get(holder_arn)
    if holder is None:
        target.unknowns.append(f"{holder_arn} is not in the inventory")
        return
    target.account, target.region, target.tags = holder.account, holder.region, holder.tags
    label = f"the {kind.replace('-', ' ')} of {holder.arn}"
    layer = Layer(label, holder.account, UNION, _documents(holder.policy), resource)
    layer.unknowns = list(inventory.account_unknowns.get((holder.account, kind), []))
    target.layers.append(layer)


def resolve(inventory: Inventory, action: str, resource: str) -> Target:
    """The account, region and governing resource policies of `resource` for `action`."""
    arn = Arn.parse(resource)
    if arn is None:  # "*": the action works on the caller's own account
        return Target(account=None, region=None)
    target = Target(account=arn.account or None, region=arn.region or None)
    if arn.service == "s3":
        _s3(inventory, arn, resource, target)
    elif arn.service == "kms":
        _kms(inventory, arn, resource, target)
    elif arn.service == "iam" and arn.resource.startswith("role/") and action.lower() in _TRUST_ACTIONS:
        target.has_resource_policy_type = True
        role = inventory.roles.get(resource)
        if role is None:
            target.unknowns.append(f"role {resource} is not in the inventory")
        else:
            target.tags = role.tags
            target.layers.append(
                Layer(
                    f"the trust policy of {resource}",
                    role.account,
                    REQUIRED,
                    _documents(role.trust_policy),
                    resource,
                )
            )
    elif arn.service == "sagemaker" and arn.resource.startswith(("model-package-group/", "model-package/")):
        group = arn.resource.split("/", 2)[1]
        group_arn = f"arn:{arn.partition}:sagemaker:{arn.region}:{arn.account}:model-package-group/{group}"
        _holder(inventory, group_arn, resource, "model-package-group-policy", target)
    elif arn.service == "ecr" and arn.resource.startswith("repository/"):
        _holder(inventory, resource, resource, "repository-policy", target)
    elif arn.service == "sns":
        _holder(inventory, resource, resource, "topic-policy", target)
    elif arn.service == "sqs":
        _holder(inventory, resource, resource, "queue-policy", target)
    return target
