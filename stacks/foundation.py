"""The `<env>-foundation` stack: deploy roles, KMS keys per data class and VPCs, per account and region."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from components.account_budget import AccountBudget, AccountBudgetArgs, TeamBudgetArgs
from components.data_class_keys import DataClassKeyArgs, DataClassKeys, DataClassKeysArgs
from components.deploy_role import DeployRole, DeployRoleArgs
from components.network import Network, NetworkArgs
from platform_spec import PlatformSpec
from platform_spec.models import ACCOUNT_ROLES
from platform_spec.tables.lake_classes import LAKE_CLASSES
from stacks.providers import aws_provider, baseline_tags, layer_reference


def environment_accounts(spec: PlatformSpec) -> dict[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Organization account key -> (roles it plays, its regions in role order) for this environment.

    One account can play several roles (dev puts data, training and registry in one account);
    it still gets one provider per region, one deploy role and one key set per region.
    """
    accounts: dict[str, tuple[set[str], list[str]]] = {}
    for role in ACCOUNT_ROLES:
        assignment = spec.env.accounts[role]
        roles, regions = accounts.setdefault(assignment.account, (set(), []))
        roles.add(role)
        regions.extend(r for r in assignment.regions if r not in regions)
    return {key: (frozenset(roles), tuple(regions)) for key, (roles, regions) in accounts.items()}


def data_class_keys(
    spec: PlatformSpec, roles: frozenset[str], region: str, readers: Sequence[pulumi.Input[str]] = ()
) -> dict[str, DataClassKeyArgs]:
    """The data classes an account holds in a region; personal data only in its residency regions.

    `readers` (the training account) may decrypt the lake's non-personal classes through S3: team
    roles there read data products through access points (components/product_access.py).
    """
    return {
        name: DataClassKeyArgs(
            description=f"{spec.env.name} {name}: {data_class.description}",
            via_services=[s for s in data_class.key_services if s != "logs"],
            cloudwatch_logs="logs" in data_class.key_services,
            reader_account_ids=readers
            if "data" in roles and name in LAKE_CLASSES and not data_class.personal_data
            else (),
            # FSx for Lustre in the training account links training snapshots (components/lustre_access.py).
            lustre_grant_account_ids=readers
            if "data" in roles
            and name in LAKE_CLASSES
            and "training-snapshot" in LAKE_CLASSES[name].zones
            and not data_class.personal_data
            and any(cluster.lustre for cluster in spec.env.compute.clusters.values())
            else (),
        )
        for name, data_class in spec.org.data_classes.items()
        if roles.intersection(data_class.accounts)
        and (not data_class.personal_data or region in spec.org.personal_data_regions)
    }


def account_budget_args(spec: PlatformSpec, account_key: str, roles: frozenset[str]) -> AccountBudgetArgs:
    """The budget, alerts and anomaly monitor of one account; team budgets go to the training account."""
    env, budget = spec.env, spec.env.cost.budget
    account = budget.accounts[account_key]
    return AccountBudgetArgs(
        budget_name=f"{spec.org.name}-{env.name}-{account_key}",
        monthly_usd=account.monthly_usd,
        subscribers=list(dict.fromkeys([env.owner, *budget.subscribers])),
        thresholds_percent=budget.alert_thresholds_percent,
        forecast_threshold_percent=budget.forecast_threshold_percent,
        environment_tag=env.name if account.shared else None,
        anomaly_threshold_usd=budget.anomaly_threshold_usd,
        teams={
            team: TeamBudgetArgs(monthly_usd=team_budget.monthly_usd, contact=env.teams[team].contact)
            for team, team_budget in budget.teams.items()
        }
        if "training" in roles
        else {},
    )


def program(spec: PlatformSpec) -> None:
    env, org = spec.env, spec.org
    tags = baseline_tags(
        environment=env.name, layer="foundation", owner=env.owner, cost_center=env.cost_center
    )
    account_ids = layer_reference("org").require_output("account_ids")

    training_account = account_ids.apply(lambda ids: ids[env.accounts["training"].account])
    providers: dict[tuple[str, str], pulumi.ProviderResource] = {}
    deploy_role_arns, key_arns = {}, {}
    for account_key, (roles, regions) in environment_accounts(spec).items():
        account_id = account_ids.apply(lambda ids, key=account_key: ids[key])
        for region in regions:
            providers[account_key, region] = aws_provider(
                f"{account_key}-{region}",
                account_id=account_id,
                region=region,
                role_name=org.member_access_role_name,
                session_name=f"mlplatform-{env.name}-foundation",
                tags=tags,
            )
        deploy_role = DeployRole(
            f"{account_key}-deploy",
            DeployRoleArgs(
                role_name=f"{org.deploy_role_name}-{env.name}", trusted_principal_arns=org.ci_principal_arns
            ),
            opts=pulumi.ResourceOptions(provider=providers[account_key, regions[0]]),
        )
        deploy_role_arns[account_key] = deploy_role.arn
        key_arns[account_key] = {}
        for region in regions:
            keys = DataClassKeys(
                f"{account_key}-{region}",
                DataClassKeysArgs(
                    account_id=account_id,
                    region=region,
                    alias_prefix=f"alias/{org.name}/{env.name}",
                    keys=data_class_keys(spec, roles, region, readers=[training_account]),
                ),
                opts=pulumi.ResourceOptions(provider=providers[account_key, region]),
            )
            key_arns[account_key][region] = keys.key_arns

    vpcs = {}
    for key, vpc in env.network.vpcs.items():
        account_key = env.accounts[vpc.account].account
        network = Network(
            key,
            NetworkArgs(
                region=vpc.region,
                cidr=vpc.cidr,
                availability_zones=vpc.availability_zones,
                nat=env.network.nat,
                interface_endpoints=env.network.interface_endpoints,
                account_id=account_ids.apply(lambda ids, key=account_key: ids[key]),
                flow_log_key_arn=key_arns[account_key][vpc.region].apply(lambda k: k["platform"]),
                flow_log_retention_days=env.network.flow_log_retention_days,
            ),
            opts=pulumi.ResourceOptions(provider=providers[account_key, vpc.region]),
        )
        vpcs[key] = {
            "account": account_key,
            "region": vpc.region,
            "vpc_id": network.vpc_id,
            "private_subnet_ids": network.private_subnet_ids,
            # By zone: node pools pick their zones (one AZ for training, where dl2q is offered).
            "private_subnets": {zone: subnet.id for zone, subnet in network.private_subnets.items()},
        }

    budgets = {
        account_key: AccountBudget(
            f"{account_key}-budget",
            account_budget_args(spec, account_key, roles),
            opts=pulumi.ResourceOptions(provider=providers[account_key, regions[0]]),
        ).budget_name
        for account_key, (roles, regions) in environment_accounts(spec).items()
    }

    pulumi.export(
        "account_ids",
        {role: account_ids.apply(lambda ids, a=a.account: ids[a]) for role, a in env.accounts.items()},
    )
    pulumi.export("deploy_role_arns", deploy_role_arns)
    pulumi.export("budgets", budgets)
    pulumi.export("kms_key_arns", key_arns)
    pulumi.export("vpcs", vpcs)
