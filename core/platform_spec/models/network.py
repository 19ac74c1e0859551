"""The network of an environment: VPCs per account and region, NAT and endpoints."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from platform_spec.models.common import (
    INTERFACE_ENDPOINTS,
    LOG_RETENTION_DAYS,
    AccountRole,
    Frozen,
    Key,
    Region,
    _unique,
)


class VpcSpec(Frozen):
    """A VPC in one account and region."""

    account: AccountRole
    """The account role (data, training, registry, security) whose account holds the VPC."""
    region: Region
    """One of that role's regions."""
    cidr: str
    """Private IPv4 range from /16 to /20, not overlapping the environment's other VPCs."""
    availability_zones: Annotated[list[str], Field(min_length=2, max_length=6), AfterValidator(_unique)]
    """Zone names (2 to 6); each gets a private subnet, and a public one when NAT is used."""


class NetworkSpec(Frozen):
    nat: Literal["none", "single", "per_az"]
    """NAT strategy: `single` (one NAT gateway per VPC, cheap) or `per_az` (no cross-AZ NAT traffic)."""
    interface_endpoints: Annotated[
        list[Literal[INTERFACE_ENDPOINTS]], Field(min_length=1), AfterValidator(_unique)  # type: ignore[valid-type]
    ]
    """Services that get interface endpoints in every VPC, so their traffic stays off NAT."""
    vpcs: Annotated[dict[Key, VpcSpec], Field(min_length=1)]
    """VPCs by key."""
    flow_log_retention_days: Literal[LOG_RETENTION_DAYS]  # type: ignore[valid-type]
    """Retention of every VPC's flow logs (all traffic, CloudWatch Logs, the account's platform key)."""
