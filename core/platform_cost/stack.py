"""The cost model over one stack as a policy rule sees it: the analyzer's resources, priced live.

A real `pulumi preview --policy-pack policies --policy-pack-config policies/config/<env>.json`
analyzes one stack: a rule sees that stack's resources and the config file, nothing else. So the
stack's own worst case is computed here, from the resources the analyzer hands the rule; what
the stack cannot see (the budget cap, the usage assumptions, the other stacks' worst cases, the
team budgets) comes from the config that `mlplat` generates from the spec.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from platform_cost import compute, model, prices
from platform_cost.usage import Usage
from platform_spec.tables import node_pools


def stack_name(resources: Sequence[Any]) -> str:
    """The stack of the analyzed resources: `urn:pulumi:<stack>::<project>::...`."""
    for resource in resources:
        return resource.urn.split("::", 1)[0].removeprefix("urn:pulumi:")
    return ""


def stack_resources(resources: Sequence[Any]) -> tuple[str, list[model.Resource]]:
    """(stack name, resources) from pulumi_policy's PolicyResource objects of a stack rule.

    Reading a property the engine does not know yet (a preview) raises pulumi_policy's
    UnknownValueError, and the analyzer reports the rule as not run.
    """
    stack = stack_name(resources)
    found = []
    for resource in resources:
        provider = resource.provider
        region, account = model.provider_place(provider.props) if provider is not None else (None, None)
        own = resource.props.get("region")
        if isinstance(own, str) and own:
            region = own
        found.append(
            model.Resource(
                stack=stack,
                urn=resource.urn,
                type=resource.resource_type,
                props=resource.props,
                region=region,
                account=account,
                component=_component(resource, stack),
                dependencies={k: tuple(d.urn for d in v) for k, v in resource.property_dependencies.items()},
                custom=not resource.resource_type.startswith(("mlplatform:", "pulumi:pulumi:")),
            )
        )
    return stack, found


def _component(resource: Any, stack: str) -> str:
    parent = resource.parent
    while parent is not None:
        if parent.resource_type.startswith("mlplatform:"):
            return parent.urn.rsplit("::", 1)[-1]
        parent = parent.parent
    return stack


def stack_estimate(resources: Sequence[Any], usage: Mapping[str, Any]) -> tuple[str, model.Estimate]:
    stack, found = stack_resources(resources)
    return stack, model.estimate({stack: found}, Usage.model_validate(dict(usage)), prices.default())


# --- accelerator prices for team quotas -----------------------------------------------------------


def accelerator_prices(
    estimate_resources: Sequence[model.Resource],
) -> dict[tuple[str, str], tuple[float | None, str]]:
    """(region, resource name) -> (dearest on-demand price per accelerator-hour, the type) over the node
    groups and Karpenter NodePools of a stack; None where no listed type is priced."""
    ctx = model.Context({"s": estimate_resources}, Usage(), prices.default())
    views = [model.node_group_view(ctx, r) for r in ctx.by_type.get(model.NODE_GROUP, [])]
    views += [v for r in ctx.by_type.get(model.KARPENTER_NODE_POOL, []) if (v := model.karpenter_view(r))]
    dearest: dict[tuple[str, str], tuple[float | None, str]] = {}
    for view in views:
        for instance_type in view.instance_types:
            family = node_pools.family(instance_type)
            per_node = compute.accelerators([instance_type])
            if not per_node:
                continue
            resource = (
                "qualcomm.com/qaic"
                if family in node_pools.KINDS["qualcomm-ai100"].families
                else "nvidia.com/gpu"
            )
            quote = prices.default().quote(f"ec2.on_demand.{instance_type}", view.region)
            key = (view.region, resource)
            price = quote.unit_price / per_node if isinstance(quote, prices.Quote) else None
            known = dearest.get(key)
            if known is None or (price is not None and (known[0] is None or price > known[0])):
                dearest[key] = (price, instance_type)
    return dearest
