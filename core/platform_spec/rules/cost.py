"""Rules of cost governance: a budget per account, caps, subscribers, names, and usage that names real pools."""

from __future__ import annotations

from collections.abc import Iterable

from platform_spec.errors import Problem
from platform_spec.models import ACCOUNT_ROLES, EnvironmentSpec, OrganizationSpec
from platform_spec.naming import BUDGET_NAME_MAX, MAX_EMAIL_SUBSCRIBERS
from platform_spec.tables import node_pools


def _subscriber_problems(env: EnvironmentSpec, file: str) -> Iterable[Problem]:
    """Every alert of a budget goes to the environment owner and the subscribers, a team budget's also to the
    team's contact: AWS Budgets takes at most 10 addresses per notification (components/account_budget.py)."""

    budget = env.cost.budget
    subscribers = list(budget.subscribers)
    owner = {env.owner: "the environment owner"}
    budgets = {"an account budget": owner}
    for team in budget.teams:
        if team in env.teams:  # an unknown team is reported under cost.budget.teams
            contact = env.teams[team].contact
            budgets[f"team {team}'s budget"] = owner | (
                {} if contact in owner else {contact: "the team contact"}
            )
    added = {
        name: {address: label for address, label in extra.items() if address not in subscribers}
        for name, extra in budgets.items()
    }
    largest = max(added, key=lambda name: len(added[name]))
    count = len(subscribers) + len(added[largest])
    if count > MAX_EMAIL_SUBSCRIBERS:
        extra = ", ".join(f"{address} ({label})" for address, label in added[largest].items())
        yield Problem(
            file,
            "cost.budget.subscribers",
            subscribers,
            f"{largest} would alert {count} addresses, these {len(subscribers)} and {extra}; AWS Budgets takes "
            f"at most {MAX_EMAIL_SUBSCRIBERS}: list at most {MAX_EMAIL_SUBSCRIBERS - len(added[largest])}",
        )


def cost_problems(org: OrganizationSpec, env: EnvironmentSpec, file: str) -> Iterable[Problem]:

    budget, usage = env.cost.budget, env.cost.usage
    used = list(dict.fromkeys(a.account for a in env.accounts.values()))
    accounts_known = all(key in org.accounts for key in used) and all(
        role in env.accounts for role in ACCOUNT_ROLES
    )
    missing = [key for key in used if key not in budget.accounts]
    if accounts_known and missing:  # an unknown account is reported once, under accounts
        yield Problem(
            file,
            "cost.budget.accounts",
            dict(budget.accounts),
            f"every account of the environment needs a budget; missing: {', '.join(missing)}",
        )
    for key, account in budget.accounts.items():
        where = f"cost.budget.accounts.{key}"
        if key not in used and accounts_known:
            yield Problem(file, where, key, f"not an account of this environment; allowed: {', '.join(used)}")
        elif account.monthly_usd > budget.monthly_cap_usd:
            yield Problem(
                file,
                f"{where}.monthly_usd",
                account.monthly_usd,
                f"an account's budget fits in the environment's cap ({budget.monthly_cap_usd:,.0f})",
            )
        name = f"{org.name}-{env.name}-{key}"  # the account's budget, as stacks/foundation.py names it
        if key in used and len(name) > BUDGET_NAME_MAX:
            yield Problem(
                file,
                where,
                key,
                f"budget name {name} is {len(name)} characters; at most {BUDGET_NAME_MAX} (AWS Budgets allows "
                "100, and team budgets append -team-<team>)",
            )
    yield from _subscriber_problems(env, file)
    for team in budget.teams:
        if team not in env.teams:
            yield Problem(
                file, f"cost.budget.teams.{team}", team, f"unknown team; allowed: {', '.join(env.teams)}"
            )
    for key in usage.networks:
        if key not in env.network.vpcs:
            yield Problem(
                file,
                f"cost.usage.networks.{key}",
                key,
                f"not a VPC of network.vpcs; allowed: {', '.join(env.network.vpcs)}",
            )
    for region, pools in usage.pools.items():
        cluster = env.compute.clusters.get(region)
        training = env.accounts.get("training")
        if cluster is None and training is not None and region in training.regions:
            continue  # the missing cluster is reported under compute.clusters
        if cluster is None:
            yield Problem(
                file,
                f"cost.usage.pools.{region}",
                region,
                f"no cluster in that region; allowed: {', '.join(env.compute.clusters)}",
            )
            continue
        for key, pool in pools.items():
            where = f"cost.usage.pools.{region}.{key}"
            group = cluster.node_groups.get(key)
            if group is None:
                yield Problem(
                    file,
                    where,
                    key,
                    f"not a node group of the cluster; allowed: {', '.join(cluster.node_groups)}",
                )
                continue
            types_known = all(node_pools.known_instance_type(t) for t in group.instance_types)
            per_node = node_pools.most_accelerators(group.instance_types) if types_known else 0
            if per_node and pool.node_hours_per_month is not None:
                yield Problem(
                    file, f"{where}.node_hours_per_month", pool.node_hours_per_month,
                    "an accelerator pool's use is accelerator_hours_per_month",
                )  # fmt: skip
            if not per_node and pool.accelerator_hours_per_month is not None:
                yield Problem(
                    file, f"{where}.accelerator_hours_per_month", pool.accelerator_hours_per_month,
                    "the pool has no accelerators: give node_hours_per_month",
                )  # fmt: skip
            nodes = group.max_size + (group.on_demand_max_size or 0)
            most = nodes * per_node * 730
            if per_node and (pool.accelerator_hours_per_month or 0) > most:
                yield Problem(
                    file, f"{where}.accelerator_hours_per_month", pool.accelerator_hours_per_month,
                    f"at most {most:g}: {nodes} nodes x {per_node} accelerators x 730 h",
                )  # fmt: skip
