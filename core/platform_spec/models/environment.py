"""One environment (environments/<env>.yaml), and the environment together with its organization."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from platform_spec.models.common import AccountRole, Email, Frozen, Key, Regions
from platform_spec.models.compute import ComputeSpec
from platform_spec.models.cost import CostSpec
from platform_spec.models.lake import DataLakeSpec, DataProductSpec
from platform_spec.models.network import NetworkSpec
from platform_spec.models.org import OrganizationSpec
from platform_spec.models.registry import RegistrySpec


class AccountAssignment(Frozen):
    """Which organization account plays a role in this environment, and in which regions."""

    account: Key
    """Key of the account in environments/org.yaml."""
    regions: Regions
    """Regions this role uses in the account; a personal-data account only residency regions."""


class Team(Frozen):
    """A team of engineers using the platform."""

    description: Annotated[str, Field(min_length=1)]
    """What the team does."""
    contact: Email
    """Team contact address (budgets and alerts go here)."""


class Domain(Frozen):
    """A data domain (data mesh): owned by one team."""

    description: Annotated[str, Field(min_length=1)]
    """What the domain's data products hold."""
    owner_team: Key
    """Key of the team that owns the domain's data products."""


class EnvironmentSpec(Frozen):
    """One environment (environments/<name>.yaml)."""

    name: Key
    """Must equal the file name."""
    description: Annotated[str, Field(min_length=1)]
    """What the environment is for."""
    owner: Email
    """Contact of the team that runs the environment (tag `owner`)."""
    cost_center: Annotated[str, Field(min_length=1)]
    """Cost center every resource is tagged with (tag `cost-center`)."""
    accounts: dict[AccountRole, AccountAssignment]
    """The account and regions of each role: data, training, registry, security (all four required)."""
    network: NetworkSpec
    """VPCs, NAT strategy and endpoints."""
    teams: Annotated[dict[Key, Team], Field(min_length=1)]
    """Teams by key."""
    domains: Annotated[dict[Key, Domain], Field(min_length=1)]
    """Data domains (data mesh) by key."""
    data_lake: DataLakeSpec
    """Data products and lake settings."""
    registry: RegistrySpec
    """Registries and the release hand-off."""
    compute: ComputeSpec
    """Training clusters and their node pools."""
    cost: CostSpec
    """Budgets, alerts and the usage assumptions of the cost model."""

    def product_region(self, product: DataProductSpec) -> str:
        return product.region or self.accounts["data"].regions[0]

    def product_owner(self, product: DataProductSpec) -> str:
        return product.owner_team or self.domains[product.domain].owner_team

    def training_vpcs(self, region: str) -> list[str]:
        """Keys of the training account's VPCs in a region (a cluster needs exactly one)."""
        return [
            key
            for key, vpc in self.network.vpcs.items()
            if vpc.account == "training" and vpc.region == region
        ]


@dataclass(frozen=True)
class PlatformSpec:
    """An environment together with the organization it lives in."""

    org: OrganizationSpec
    env: EnvironmentSpec
