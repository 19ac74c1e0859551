"""eks-nodegroup-accelerator-taint: without a NoSchedule taint, any pod (a log shipper, a web UI) lands on
a GPU or AI 100 node, keeps it from scaling to zero and takes capacity jobs wait for; only pods that
tolerate the accelerator's taint may run there.

The rule reads the node group's `taints`, which EKS records and applies, and a Karpenter NodePool's
template taints (a NodePool counts as an accelerator pool by its instance types or its template's
`mlplatform.io/accelerator` label). A node group whose launch
template names its own AMI (the AI 100 pools) gets no user data from EKS: its taint must also be
registered by the kubelet (`--register-with-taints` in the launch template's nodeadm user data), or the
node is schedulable from the moment it joins. Both are required there. The user data embeds the
cluster's endpoint, so in the first preview of a new cluster it is unknown and the rule reports that it
cannot run; every later preview judges it.
"""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import karpenter_pools, kubelet_taints, node_groups
from rules._support import COST_POLICY, Stack, stack_rule


def check(args, report_violation) -> None:
    keys = args.get_config()["taintKeys"]
    stack = Stack(args.resources)
    groups = [g for g in node_groups(stack) if g.accelerated]
    pools = [p for p in karpenter_pools(stack) if p.accelerator is not None]
    if not groups and not pools:
        args.not_applicable("the stack has no accelerator node group or Karpenter NodePool")
    for pool in pools:
        key = keys.get(pool.accelerator)
        if key is None:
            report_violation(
                f"Karpenter NodePool {pool.name}: no taint key is configured for accelerator {pool.accelerator}",
                pool.resource.urn,
            )
        elif not any(t.get("key") == key and t.get("effect") == "NoSchedule" for t in pool.taints):
            report_violation(
                f"Karpenter NodePool {pool.name} ({pool.accelerator}) has no {key}:NoSchedule taint: pods that "
                "do not ask for accelerators can land on its nodes",
                pool.resource.urn,
            )
    for group in groups:
        if group.accelerator is not None and group.accelerator not in keys:
            report_violation(
                f"node group {group.name}: no taint key is configured for accelerator {group.accelerator}",
                group.resource.urn,
            )
            continue
        # A Capacity Block group of a type the table does not know: any accelerator's taint will do.
        wanted = [keys[group.accelerator]] if group.accelerator is not None else sorted(keys.values())
        shown = " or ".join(f"{k}:NoSchedule" for k in wanted)
        taints = [t for t in group.resource.props.get("taints") or [] if t]
        if not any(t.get("key") in wanted and t.get("effect") == "NO_SCHEDULE" for t in taints):
            report_violation(
                f"node group {group.name} ({group.accelerator or 'Capacity Block'}) has no {shown} taint: "
                "pods that do not ask for accelerators can land on its nodes",
                group.resource.urn,
            )
        template = group.launch_template
        if template is not None and template.props.get("imageId"):
            registered = kubelet_taints(template.props.get("userData"))
            if not any((k, "NoSchedule") in registered for k in wanted):
                report_violation(
                    f"node group {group.name} runs a custom AMI whose user data does not register the "
                    f"{shown} taint (kubelet --register-with-taints): EKS adds no bootstrap to custom AMIs",
                    group.resource.urn,
                )


POLICY = stack_rule(
    name="eks-nodegroup-accelerator-taint",
    description="Checks whether every GPU and AI 100 node group and Karpenter NodePool carries its "
    "accelerator's NoSchedule taint, registered by the kubelet too where a node group runs a custom AMI.",
    check=check,
    severity=Severity.MEDIUM,
    framework=COST_POLICY,
    config={"taintKeys": {"type": "object", "additionalProperties": {"type": "string"}}},
    remediation="Create accelerator pools with `components.node_group.NodeGroup`, which sets the kind's taint "
    "(core/platform_spec/tables/node_pools.py) on the node group and, for custom AMIs, in the nodeadm user data.",
)
