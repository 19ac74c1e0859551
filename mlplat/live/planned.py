"""What an environment's plan puts where: the accounts, regions and resources preflight and audit check.

The plan (`mlplat plan`, or `--inventory FILE`) names accounts by the ids of its own run: under the
mock runtime they are fake, after a deploy (`pulumi stack export`) real. Either way the foundation
stack's `account_ids` output maps them to the spec's account roles, and so to the organization's
account keys; each provider says its account and region, and so does every resource through its
provider. Nothing here calls AWS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from platform_cost.values import decoded
from platform_spec import PlatformSpec

BUCKET = "aws:s3/bucket:Bucket"
PROVIDER = "pulumi:providers:aws"
STACK = "pulumi:pulumi:Stack"
KMS_ALIAS = "aws:kms/alias:Alias"


class PlanMismatch(ValueError):
    """The inventory does not belong to the spec (another environment, or a stack missing)."""


@dataclass(frozen=True, order=True)
class Place:
    account: str
    """Account key of environments/org.yaml."""
    region: str


def logical_name(resource: Mapping[str, Any]) -> str:
    """The name a resource was registered under (the last part of its URN)."""
    return resource["urn"].rsplit("::", 1)[-1]


class Planned:
    """The resources of one environment's stacks (the shared `org` stack aside), placed in accounts."""

    def __init__(self, spec: PlatformSpec, stacks: Mapping[str, list[dict[str, Any]]]) -> None:
        env = spec.env
        self.spec = spec
        self.prefix = f"{spec.org.name}-{env.name}"
        self.stacks = {
            name: resources for name, resources in stacks.items() if name.startswith(f"{env.name}-")
        }
        foundation = self.stacks.get(f"{env.name}-foundation")
        if foundation is None:
            raise PlanMismatch(
                f"the inventory has no {env.name}-foundation stack (stacks: {', '.join(stacks) or 'none'}); "
                f"plan the environment with `mlplat plan {env.name}`"
            )
        root = next((r for r in foundation if r["type"] == STACK), {})
        by_role = (root.get("outputs") or {}).get("account_ids") or {}
        if set(by_role) != set(env.accounts):
            raise PlanMismatch(
                f"the inventory's {env.name}-foundation account_ids name the roles {', '.join(sorted(by_role))}; "
                f"the spec has {', '.join(sorted(env.accounts))}"
            )
        self.account_keys = {account_id: env.accounts[role].account for role, account_id in by_role.items()}
        """The plan's account ids -> account keys."""
        self._providers: dict[str, Place] = {}
        for resources in self.stacks.values():
            for r in resources:
                if r["type"] == PROVIDER:
                    (account_id,) = decoded(r["inputs"]["allowedAccountIds"])  # JSON text in provider inputs
                    key = self.account_keys.get(account_id)
                    if key is None:
                        raise PlanMismatch(f"{r['urn']}: account {account_id} is none of the environment's")
                    self._providers[f"{r['urn']}::{r['id']}"] = Place(key, r["inputs"]["region"])

    def place(self, resource: Mapping[str, Any]) -> Place:
        provider = self._providers[resource["provider"]]
        region = (resource.get("inputs") or {}).get("region") or provider.region
        return Place(provider.account, region)

    def resources(self, type_: str, layer: str | None = None) -> Iterator[dict[str, Any]]:
        """Resources of a type, in one layer's stack (`data`, `compute`, ...) or in all of them."""
        for name, resources in self.stacks.items():
            if layer is None or name == f"{self.spec.env.name}-{layer}":
                yield from (r for r in resources if r["type"] == type_)

    def buckets(self, layer: str | None = None) -> dict[str, Place]:
        """Bucket name -> where it is, for every bucket of the environment (or of one layer)."""
        return {r["id"]: self.place(r) for r in self.resources(BUCKET, layer)}

    def key_aliases(self) -> dict[str, str]:
        """KMS key id (and ARN) of the plan -> its alias name (`alias/<org>/<env>/<class>`)."""
        aliases: dict[str, str] = {}
        for alias in self.resources(KMS_ALIAS):
            target = alias["inputs"]["targetKeyId"]
            aliases[target] = alias["inputs"]["name"]
        for resources in self.stacks.values():
            for r in resources:
                if r["type"] == "aws:kms/key:Key" and r.get("id") in aliases:
                    arn = (r.get("outputs") or {}).get("arn")
                    if arn:
                        aliases[arn] = aliases[r["id"]]
        return aliases

    def account_ids(self) -> dict[str, str]:
        """Account key -> the plan's id (fake under mocks)."""
        return {key: account_id for account_id, key in self.account_keys.items()}


AUTONAME = re.compile(r"-[0-9a-f]{7}")
"""What Pulumi appends to a logical name when it generates a physical one."""


def autonamed(logical: str, physical: str) -> bool:
    """Whether `physical` is Pulumi's autoname of `logical` (the name plus `-` and 7 hex digits)."""
    return physical.startswith(logical) and AUTONAME.fullmatch(physical[len(logical) :]) is not None
