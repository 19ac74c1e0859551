"""s3-bucket-lifecycle-transition-pays-off: moving an object to a cheaper class costs a request per object;
for small objects, or a short stay before the next transition or expiry, the request (and the minimum
duration and archive overhead the object then pays) costs more than the storage it saves.

Each lake bucket's lifecycle is read from the stack; the zone's object size and age come from the
config (generated from the spec's zone `usage`); the model (platform_cost.lake.transition_payoffs)
compares one object's storage with and without each transition. Transitions whose prices the
table lacks are not judged.
"""

from __future__ import annotations

from pulumi_policy import Severity

from platform_cost import lake as cost_lake
from platform_cost import model as cost
from platform_cost import prices
from platform_cost.stack import stack_resources
from platform_cost.usage import Usage, ZoneUsage
from rules._support import COST_POLICY, stack_rule

NAME = "s3-bucket-lifecycle-transition-pays-off"


def check(args, report_violation) -> None:
    zones = args.get_config()["zones"]
    _, resources = stack_resources(args.resources)
    ctx = cost.Context({"stack": resources}, Usage(), prices.default())
    judged = False
    for bucket in ctx.by_type.get(cost.BUCKET, []):
        tags = bucket.props.get("tags") or {}
        zone = zones.get(f"{tags.get('data-product')}/{tags.get('zone')}")
        if zone is None:
            continue
        usage = ZoneUsage.model_validate(zone)
        lifecycle = cost_lake.lifecycle_from(
            [r.props for r in ctx.referencing(bucket, [cost.LIFECYCLE], "bucket")],
            [r.props for r in ctx.referencing(bucket, [cost.IT_CONFIG], "bucket")],
        )
        for payoff in cost_lake.transition_payoffs(lifecycle, usage, bucket.region or "?", prices.default()):
            judged = True
            if payoff.pays_off is False:
                saved = payoff.saving_usd * 1000
                verdict = (
                    f"more than the ${saved:.4f} it saves"
                    if saved >= 0
                    else f"and ${-saved:.4f} more storage"
                )
                report_violation(
                    f"bucket {bucket.name}: the transition to {payoff.storage_class} at day {payoff.days} costs "
                    f"${payoff.request_usd * 1000:.4f} per 1,000 objects of {usage.mean_object_kib / 1024:g} MiB in "
                    f"requests, {verdict} over their {payoff.stay_days:g} days there (minimum duration and "
                    "overheads included)",
                    bucket.urn,
                )
    if not judged:
        args.not_applicable("no lake bucket of a known zone transitions objects")


POLICY = stack_rule(
    name=NAME,
    description="Checks whether every lifecycle transition of a lake bucket saves an object of the zone's mean "
    "size more storage (minimum durations, archive overheads and monitoring included) than its request costs.",
    check=check,
    severity=Severity.LOW,
    framework=COST_POLICY,
    config={"zones": {"type": "object", "additionalProperties": {"type": "object"}}},
    remediation="Drop the transition or move it later (a longer stay), batch small objects into larger ones, "
    "or keep them out of lifecycle with transitionDefaultMinimumObjectSize; the zone's access and "
    "`usage` in environments/<env>.yaml say what the model assumes (docs/cost-model.md).",
)
