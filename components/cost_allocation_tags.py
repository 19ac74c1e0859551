"""Cost allocation tags activated in the management account, so bills, budgets and Cost Explorer can use them.

Only the management (payer) account of an organization activates cost allocation tags, for every
member account at once, which is why this lives in the `org` stack. A user-defined tag key can
be activated only after some resource carries it and it has appeared in billing data (up to 24
hours, AWS Billing User Guide; Pulumi's `costexplorer.CostAllocationTag` docs): on a new
organization, deploy the environments first and add the keys to `cost_allocation_tags` in
environments/org.yaml afterwards (docs/cost-model.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components._validation import Problems
from platform_spec.naming import resource_suffix, suffix_collisions, tag_key_problem


@dataclass(frozen=True, kw_only=True, slots=True)
class CostAllocationTagsArgs:
    tag_keys: Sequence[str]
    """User-defined tag keys to activate, e.g. environment, team, data-product, cost-center."""

    def __post_init__(self) -> None:
        problems = Problems("CostAllocationTags")
        for i, key in enumerate(self.tag_keys):
            if tag_key_problem(key) is not None:
                problems.add(f"tag_keys[{i}]", key, "a user-defined tag key (1 to 128 characters, not aws:)")
        if len(set(self.tag_keys)) != len(self.tag_keys):
            problems.add("tag_keys", list(self.tag_keys), "each key once")
        else:
            for i, j in suffix_collisions(self.tag_keys).items():
                problems.add(
                    f"tag_keys[{i}]",
                    self.tag_keys[i],
                    f"a key whose resource name differs from tag_keys[{j}] ({self.tag_keys[j]!r})",
                )
        problems.raise_if_any()


class CostAllocationTags(pulumi.ComponentResource):
    """Activates each tag key as a cost allocation tag (deploy with the management account's provider)."""

    def __init__(
        self, name: str, args: CostAllocationTagsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:org:CostAllocationTags", name, None, opts)
        self.tags = {
            key: aws.costexplorer.CostAllocationTag(
                f"{name}-{resource_suffix(key)}",
                tag_key=key,
                status="Active",
                opts=pulumi.ResourceOptions(parent=self),
            )
            for key in args.tag_keys
        }
        self.tag_keys = list(args.tag_keys)
        self.register_outputs({"tag_keys": self.tag_keys})
