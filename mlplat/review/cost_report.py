"""`mlplat cost`: the estimate of an environment as a terminal table, Markdown and JSON.

`estimate_inventory` prices an inventory (or one `pulumi stack export`) with the usage
assumptions of its environment's spec; the renderers below print the totals, the worst case,
the spot and tiering savings, the estimate per layer, component and resource type, and what
could not be priced (and why). The organization's stack (`org`) is shown apart: it is shared by
every environment and counts against none of their budgets.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from mlplat.synth.inventory import Inventory, InventoryError, read_inventory
from platform_cost import model as cost
from platform_cost import prices
from platform_cost.usage import usage_from_spec
from platform_cost.values import money
from platform_spec.errors import PlatformError
from platform_spec.layers import LAYERS, ORG

TOP = 8


@dataclass
class CostReport:
    environment: str
    inventory: Path
    estimate: cost.Estimate
    cap_usd: float | None

    @property
    def stacks(self) -> list[str]:
        return cost.environment_stacks(self.estimate)

    def summary(self, top: int = TOP) -> dict[str, Any]:
        """Totals and the dearest components: what `mlplat plan` shows."""
        e, stacks = self.estimate, self.stacks
        spot, spot_unpriced = e.saved("spot", stacks)
        tiering, tiering_unpriced = e.saved("tiering", stacks)
        return {
            "monthly_usd": _money(e.total(stacks)),
            "worst_case_usd": _money(e.worst(stacks)),
            "budget_cap_usd": self.cap_usd,
            "spot_savings_usd": _money(spot),
            "spot_savings_unpriced": spot_unpriced,
            "tiering_savings_usd": _money(tiering),
            "tiering_savings_unpriced": tiering_unpriced,
            "unpriced_lines": len(e.unpriced(stacks)),
            "no_usage_assumption": list(e.no_usage),
            "organization_usd": _money(e.total(["org"])),
            "top": [
                {
                    "layer": layer,
                    "component": component,
                    "monthly_usd": _money(usd),
                    "worst_case_usd": _money(worst),
                }
                for (layer, component), usd, worst, _ in e.by(
                    lambda line: (line.layer, line.component), stacks
                )[:top]
            ],
        }

    def document(self) -> dict[str, Any]:
        """Everything, for `mlplat cost --json`."""
        e, stacks = self.estimate, self.stacks

        def rows(key, name):
            return [
                {name: k, "monthly_usd": _money(u), "worst_case_usd": _money(w), "unpriced_lines": n}
                for k, u, w, n in e.by(key, stacks)
            ]

        return {
            "environment": self.environment,
            "inventory": str(self.inventory),
            "currency": "USD",
            "prices": "core/platform_cost/data/prices.yaml",
            **self.summary(),
            "by_layer": rows(lambda line: line.layer, "layer"),
            "by_component": [
                {"layer": r["component"][0], "component": r["component"][1], **{k: v for k, v in r.items() if k != "component"}}
                for r in rows(lambda line: (line.layer, line.component), "component")
            ],
            "by_resource_type": rows(lambda line: line.resource_type, "resource_type"),
            "missing_prices": dict(self.missing()),
            "not_modelled": dict(sorted(e.unmodelled.items())),
            "savings": [
                {"kind": s.kind, "stack": s.stack, "resource": s.resource, "baseline_usd": _money(s.baseline_usd),
                 "actual_usd": _money(s.actual_usd), "saving_usd": _money(s.usd)}
                for s in e.savings
            ],
            "lines": [
                {"stack": x.stack, "layer": x.layer, "component": x.component, "resource_type": x.resource_type,
                 "resource": x.resource, "region": x.region, "item": x.item, "what": x.what,
                 "quantity": round(x.quantity, 4), "monthly_usd": _money(x.usd), "worst_case_usd": _money(x.worst_usd),
                 "missing": list(x.missing), "notes": list(x.notes)}
                for x in e.lines
            ],
        }  # fmt: skip

    def missing(self) -> list[tuple[str, int]]:
        """Each missing price and how many lines wait for it, most wanted first."""
        counts = Counter(m for line in self.estimate.unpriced(self.stacks) for m in line.missing)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def estimate_inventory(
    environment: str, inventory: Path, stacks: dict[str, list[dict[str, Any]]] | None = None
) -> CostReport:
    """Price an inventory (its stacks, when read already) with the usage assumptions and budget cap of
    `environment`'s spec. Properties the model cannot read are a CostInputError naming the file."""
    from platform_spec import load_spec  # the spec loader pulls in the components package

    spec = load_spec(environment)
    if stacks is None:
        stacks = _read(inventory).stacks
    try:
        estimate = cost.estimate(cost.from_inventory(stacks), usage_from_spec(spec), prices.default())
    except cost.ModelInputError as error:
        raise CostInputError([f"{inventory}: {line}" for line in error.lines]) from None
    return CostReport(environment, inventory, estimate, spec.env.cost.budget.monthly_cap_usd)


class CostInputError(PlatformError):
    """Bad input (exit 2), one line per problem."""


def _read(path: Path) -> Inventory:
    try:
        return read_inventory(path)
    except InventoryError as error:
        raise CostInputError(error.lines) from None


def run(environment: str | None, inventory: Path | None, *, on_progress=lambda line: None) -> CostReport:
    """`mlplat cost`: plan ENV (or read --inventory FILE) and price it with its environment's spec.

    An inventory names its environment (an mlplat inventory), or its one stack does (`<env>-<layer>`):
    with ENV as well, the two must agree, so that no environment is priced with another's usage."""
    from mlplat.synth.plan import plan

    if environment is None and inventory is None:
        raise CostInputError(["mlplat cost: (arguments): give an environment, --inventory FILE, or both"])
    if inventory is None:
        assert environment is not None
        on_progress(f"planning {environment}")
        inventory = plan(environment, Path("build") / environment).inventory_path
        return estimate_inventory(environment, inventory)
    read = _read(inventory)
    return estimate_inventory(_environment(read, environment), inventory, read.stacks)


def _environment(inventory: Inventory, given: str | None) -> str:
    """The environment to price `inventory` as: the one it names, which ENV (`given`) must not contradict."""
    path, named, stack = inventory.path, inventory.environment, inventory.export
    if stack is not None and named is None and stack != ORG:  # one export, its name says no environment
        expected = (
            f"a stack of {given} is `{given}-<layer>`"
            if given
            else "an environment's stack is `<env>-<layer>`"
        )
        why = (
            " (the file's name: the export has no pulumi:pulumi:Stack resource)"
            if inventory.named_by_file
            else ""
        )
        raise CostInputError(
            [f"{path}: (stack name): {stack!r}{why}: names no environment; {expected}, the layer one of "
             f"{', '.join(LAYERS[1:])}"]
        )  # fmt: skip
    if given is None:
        if named is not None:
            return named
        if stack == ORG:
            raise CostInputError(
                [f"{path}: (stack name): 'org': the organization's stack is in no environment; give ENV"]
            )
        raise CostInputError([f"{path}: environment: None: the inventory names no environment; give ENV"])
    if named is not None and named != given:
        where = (
            f"(stack name): {stack!r}: a stack"
            if stack is not None
            else f"environment: {named!r}: the inventory"
        )
        raise CostInputError(
            [
                f"{path}: {where} of {named}, not of {given}: `mlplat cost {named} --inventory {path}`, or leave ENV out"
            ]
        )
    return given


def plan_lines(summary: dict[str, Any], environment: str) -> list[str]:
    """What `mlplat plan` prints of the estimate: the totals and the dearest components."""
    lines = [
        f"cost: {money(summary['monthly_usd'])}/month estimated, worst case {money(summary['worst_case_usd'])}"
        + (f" (budget cap {money(summary['budget_cap_usd'])})" if summary.get("budget_cap_usd") else "")
        + f"; spot saves {money(summary['spot_savings_usd'])}, tiering {money(summary['tiering_savings_usd'])}"
        + (f"; {summary['unpriced_lines']} line(s) unpriced" if summary["unpriced_lines"] else "")
        + (
            f"; {no_usage_text(summary.get('no_usage_assumption') or [])}"
            if summary.get("no_usage_assumption")
            else ""
        )
    ]
    lines += [
        f"  {top['layer']}: {top['component']}: {money(top['monthly_usd'])} (worst {money(top['worst_case_usd'])})"
        for top in summary["top"]
    ]
    lines.append(f"  details: `mlplat cost {environment}`")
    return lines


# --- rendering ----------------------------------------------------------------------------------


def no_usage_text(buckets: list[str]) -> str:
    """What a bucket without a usage assumption is priced at, said wherever a total is shown."""
    return (
        f"{len(buckets)} bucket(s) have no usage assumption: $0 assumed "
        "(the spec gives volumes for lake zones only)"
    )


def headline(report: CostReport) -> list[str]:
    s = report.summary()
    lines = [
        f"monthly estimate {money(s['monthly_usd'])}, worst case {money(s['worst_case_usd'])} "
        f"(every pool at max size, 730 h)"
        + (f" of a {money(s['budget_cap_usd'])} budget cap" if s["budget_cap_usd"] else ""),
        f"savings: spot {money(s['spot_savings_usd'])} against on-demand"
        + (f" ({s['spot_savings_unpriced']} pool(s) unpriced)" if s["spot_savings_unpriced"] else "")
        + f"; tiering {money(s['tiering_savings_usd'])} against S3 Standard"
        + (f" ({s['tiering_savings_unpriced']} bucket(s) unpriced)" if s["tiering_savings_unpriced"] else ""),
    ]
    if s["unpriced_lines"]:
        lines.append(
            f'{s["unpriced_lines"]} line(s) unpriced: the price table says "not found" (core/platform_cost/data/prices.yaml; '
            "`mlplat prices refresh` fills what the Price List API answers); totals are of priced lines"
        )
    if s["no_usage_assumption"]:
        lines.append(f"{no_usage_text(s['no_usage_assumption'])}: {', '.join(s['no_usage_assumption'])}")
    if s["organization_usd"]:
        lines.append(
            f"organization stack (shared, in no environment's budget): {money(s['organization_usd'])}"
        )
    return lines


def print_table(report: CostReport, console: Console | None = None) -> None:
    console = console or Console()
    e, stacks = report.estimate, report.stacks
    table = Table(title=f"mlplat cost {report.environment}: monthly estimate per layer and component (USD)")
    for column in ("layer", "component", "estimate", "worst case", "unpriced lines"):
        left = column in ("layer", "component")
        table.add_column(column, justify="left" if left else "right", overflow="fold", no_wrap=not left)
    for layer, usd, worst, unpriced in e.by(lambda line: line.layer, stacks):
        components = e.by(lambda line, layer=layer: line.component if line.layer == layer else None, stacks)
        table.add_row(
            f"[bold]{layer}[/bold]",
            "",
            f"[bold]{money(usd)}[/bold]",
            f"[bold]{money(worst)}[/bold]",
            str(unpriced),
        )
        for component, c_usd, c_worst, c_unpriced in components:
            if component is not None:
                table.add_row("", component, money(c_usd), money(c_worst), str(c_unpriced or ""))
        table.rows[-1].end_section = True
    console.print(table)
    types = Table(title="per resource type")
    for column in ("resource type", "estimate", "worst case", "unpriced lines"):
        first = column == "resource type"
        types.add_column(column, justify="left" if first else "right", overflow="fold", no_wrap=not first)
    for resource_type, usd, worst, unpriced in e.by(lambda line: line.resource_type, stacks):
        types.add_row(resource_type, money(usd), money(worst), str(unpriced or ""))
    console.print(types)
    for line in headline(report):
        console.print(line, highlight=False, soft_wrap=True)
    for missing, count in report.missing()[:TOP]:
        console.print(f"  unpriced: {count} line(s) need {missing}", highlight=False, soft_wrap=True)


def markdown(report: CostReport) -> str:
    e, stacks = report.estimate, report.stacks
    out = [f"## Cost estimate: {report.environment}", ""]
    out += [f"- {line}" for line in headline(report)]
    out += ["", "| layer | component | estimate | worst case | unpriced lines |", "|---|---|---:|---:|---:|"]
    for (layer, component), usd, worst, unpriced in e.by(lambda line: (line.layer, line.component), stacks):
        out.append(f"| {layer} | {component} | {money(usd)} | {money(worst)} | {unpriced} |")
    out += ["", "| resource type | estimate | worst case | unpriced lines |", "|---|---:|---:|---:|"]
    for resource_type, usd, worst, unpriced in e.by(lambda line: line.resource_type, stacks):
        out.append(f"| `{resource_type}` | {money(usd)} | {money(worst)} | {unpriced} |")
    if report.missing():
        out += ["", "| missing price | lines |", "|---|---:|"]
        out += [f"| {missing} | {count} |" for missing, count in report.missing()]
    if e.unmodelled:
        out += [
            "",
            "Not modelled (no price model): "
            + ", ".join(f"`{t}` x{n}" for t, n in sorted(e.unmodelled.items())),
        ]
    return "\n".join(out) + "\n"
