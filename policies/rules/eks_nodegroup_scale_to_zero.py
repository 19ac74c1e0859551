"""eks-nodegroup-scale-to-zero: an idle p4d node costs about $22 an hour, an idle dl2q about $9; accelerator
node groups start from and return to zero nodes when no job needs them (min size 0).

A node group counts as an accelerator group when one of its instance types carries GPUs or AI 100 cards
(the pack's table, rules/_compute.py), when its `mlplatform.io/accelerator` label names an accelerator,
or when it runs a Capacity Block; the system pool (m6i/m7i) is none of these.
"""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import EKS_NODE_GROUP, accelerator_of
from rules._support import COST_POLICY, as_list, number, resource_rule


def check(args, report_violation) -> None:
    props = args.props
    types = tuple(str(t) for t in as_list(props.get("instanceTypes")))
    accelerator, _ = accelerator_of(types, props.get("labels") or {})
    if accelerator is None and props.get("capacityType") != "CAPACITY_BLOCK":
        return
    minimum = number((props.get("scalingConfig") or {}).get("minSize"))
    if minimum is None or minimum > 0:
        shown = "not set" if minimum is None else int(minimum)
        report_violation(
            f"the {accelerator or 'Capacity Block'} node group keeps at least {shown} node(s) running "
            "when idle; min size must be 0"
        )


POLICY = resource_rule(
    name="eks-nodegroup-scale-to-zero",
    description="Checks whether every EKS node group with GPUs or AI 100 accelerators can scale to zero "
    "nodes (min size 0).",
    types=[EKS_NODE_GROUP],
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    remediation="Set the pool's `min_size` to 0 in environments/<env>.yaml; the autoscaler adds nodes when a "
    "job asks for accelerators.",
)
