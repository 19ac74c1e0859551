"""Cost governance of an environment: budgets, caps, alerts and the usage the cost model assumes."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from platform_spec.models.common import Email, Frozen, Key, Region, _unique


class AccountBudgetSpec(Frozen):
    """The AWS Budget of one account of the environment."""

    monthly_usd: Annotated[float, Field(gt=0)]
    """Monthly budget of the account in USD; alerts at the environment's thresholds."""
    shared: bool = False
    """The account also serves other environments (log-archive): its budget and anomaly monitor count
    only resources tagged `environment=<env>`."""


class TeamBudgetSpec(Frozen):
    """A team's monthly budget: an AWS Budget over its tagged spend, and the cap of its GPU worst case."""

    monthly_usd: Annotated[float, Field(gt=0)]
    """Monthly budget of the team in USD; its accelerator quotas at full use must stay under it (cost rule)."""


class BudgetSpec(Frozen):
    """Budgets and alerts of the environment (components/account_budget.py, docs/cost-model.md)."""

    monthly_cap_usd: Annotated[float, Field(gt=0)]
    """The environment's monthly cap in USD: its worst case (`mlplat cost`) must stay under it (cost rule)."""
    accounts: Annotated[dict[Key, AccountBudgetSpec], Field(min_length=1)]
    """Budget of every account the environment uses, by account key of environments/org.yaml."""
    teams: dict[Key, TeamBudgetSpec] = {}
    """Optional team budgets, by team key; created in the training account over the tag `team`."""
    alert_thresholds_percent: Annotated[
        list[Annotated[int, Field(ge=1, le=1000)]], Field(min_length=1, max_length=9), AfterValidator(_unique)
    ] = [50, 80, 100]
    """Alerts when actual spend passes these percentages of a budget."""
    forecast_threshold_percent: Annotated[int, Field(ge=1, le=1000)] | None = 100
    """Alert when the month's forecast passes this percentage; omitted: no forecast alert."""
    anomaly_threshold_usd: Annotated[float, Field(gt=0)] = 1000.0
    """Cost Anomaly Detection alerts on anomalies whose total impact is at least this many USD."""
    subscribers: Annotated[list[Email], Field(max_length=9), AfterValidator(_unique)] = []
    """Addresses alerted besides the environment owner (and the team contact, for a team budget); AWS Budgets takes
    10 addresses per alert, so 9 at most, 8 with a team budget whose contact is neither the owner nor listed here."""


class PoolUsageSpec(Frozen):
    """How much a node pool runs, as the cost model assumes it."""

    accelerator_hours_per_month: Annotated[float, Field(ge=0)] | None = None
    """GPU- or AI 100 device-hours jobs use per month; omitted: the pool runs at its minimum size (0)."""
    utilization: Annotated[float, Field(gt=0, le=1)] = 0.7
    """Share of provisioned accelerator-hours jobs use; node-hours = accelerator-hours / (per node x this)."""
    node_hours_per_month: Annotated[float, Field(ge=0)] | None = None
    """Node-hours per month of a pool without accelerators; omitted: its desired size all month."""
    on_demand_share: Annotated[float, Field(ge=0, le=1)] = 0.1
    """Share of a spot-first pool's node-hours that run on its on-demand fallback."""


class NetworkUsageSpec(Frozen):
    """Traffic of one VPC, as the cost model assumes it."""

    nat_gb_per_month: Annotated[float, Field(ge=0)] = 0.0
    """GB per month through the VPC's NAT gateways (what no endpoint keeps off NAT)."""
    cross_az_gb_per_month: Annotated[float, Field(ge=0)] = 0.0
    """GB per month crossing an AZ boundary inside the VPC (billed in each direction)."""


class UsageSpec(Frozen):
    """Usage the cost model assumes beyond each lake zone's own `usage`."""

    pools: dict[Region, dict[Key, PoolUsageSpec]] = {}
    """By cluster region and node pool key; pools not listed run at their minimum (accelerator pools: 0)."""
    networks: dict[Key, NetworkUsageSpec] = {}
    """By VPC key of network.vpcs; VPCs not listed: no NAT data and no cross-AZ traffic."""
    ecr_gb_per_repository: Annotated[float, Field(ge=0)] = 50.0
    """Image storage of each ECR repository, and of each of its replicas."""


class CostSpec(Frozen):
    """Cost governance: budgets, alerts and the usage the cost model assumes (docs/cost-model.md)."""

    budget: BudgetSpec
    """Caps, budgets per account and team, thresholds and subscribers."""
    usage: UsageSpec = UsageSpec()
    """Usage assumptions of pools and networks; omitted: the documented defaults."""
