"""`mlplat plan`'s report: report.md and the architecture diagram, next to the inventory.

report.md opens with the picture (diagram.png, laid out by Graphviz; the Mermaid source follows
for GitHub, which renders it), then the policy gate's verdict, the monthly cost estimate, and
the inventory: accounts and regions, resources per stack, the most common resource types.
Everything comes from the plan's summary (`mlplat plan --json`) and the inventory, so the
report says what the plan found and nothing else.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from mlplat.review import diagram
from mlplat.synth.inventory import load_stacks
from platform_cost.values import money
from platform_spec.paths import project_root

REPORT = "report.md"
TOP_TYPES = 12
TOP_FINDINGS = 20


def write_plan_report(summary: dict[str, Any], inventory: Path) -> dict[str, Any]:
    """Write the diagram and report.md next to `inventory`; return their paths and any warning."""
    directory = inventory.parent
    arch = diagram.architecture(load_stacks(inventory), summary["environment"])
    warnings: list[str] = []
    try:
        paths = diagram.write(arch, directory)
    except diagram.RenderError as error:
        warnings.append(str(error))
        paths = {"mermaid": directory / "diagram.mmd", "dot": directory / "diagram.dot"}
    path = directory / REPORT
    path.write_text(markdown(summary, arch, "png" in paths), encoding="utf-8")
    return {
        "markdown": str(path),
        "diagram": {kind: str(p) for kind, p in paths.items()},
        "warnings": warnings,
    }


def markdown(summary: dict[str, Any], arch: diagram.Architecture, picture: bool) -> str:
    environment = summary["environment"]
    lines = [f"# Architecture report: `{environment}`", ""]
    mermaid = diagram.mermaid(arch).rstrip("\n")
    if picture:
        lines += [
            f"![{environment}: accounts, regions, layers, components and flows](diagram.png)",
            "",
            "<details><summary>The same diagram as Mermaid (GitHub renders it; source: diagram.mmd)</summary>",
            "",
            "```mermaid",
            mermaid,
            "```",
            "",
            "</details>",
            "",
        ]
    else:  # no Graphviz: the Mermaid diagram is the picture
        lines += ["```mermaid", mermaid, "```", ""]
    lines += [
        f"{len(arch.nodes)} components in {len(_accounts(arch))} account(s), {len(arch.edges)} flows. "
        "Colours are layers; arrows are flows the inventory shows (resource policies that grant the "
        "cluster's account, inputs that name another component's resources).",
        "",
    ]
    lines += gate_section(summary.get("gate"), environment)
    lines += cost_section(summary.get("cost"), environment)
    lines += inventory_section(summary, arch)
    return "\n".join(lines).rstrip("\n") + "\n"


def _accounts(arch: diagram.Architecture) -> list[str]:
    return sorted({n.account for n in arch.nodes.values()})


def gate_section(gate: dict[str, Any] | None, environment: str) -> list[str]:
    lines = ["## Policy gate", ""]
    if not gate:
        return [*lines, f"Not run: `mlplat check {environment}`.", ""]
    verdict = "❌ **blocked**" if gate["verdict"] == "blocked" else "✅ **passed**"
    lines += [
        f"{verdict}: {gate['mandatory']} mandatory and {gate['advisory']} advisory finding(s) of "
        f"{gate['rules']} rules. The full report: [gate.md](gate.md) (also gate.sarif for code scanning, "
        f"gate.junit.xml for CI); checkov, the second gate, runs in `mlplat check {environment}`.",
        "",
    ]
    findings = gate.get("findings") or []
    if findings:
        lines += [f"- {f}" for f in findings[:TOP_FINDINGS]]
        if len(findings) > TOP_FINDINGS:
            lines.append(f"- … {len(findings) - TOP_FINDINGS} more in gate.md")
        lines.append("")
    return lines


def cost_section(cost: dict[str, Any] | None, environment: str) -> list[str]:
    """The cost summary `mlplat plan` computed (mlplat.review.cost_report.CostReport.summary)."""
    lines = ["## Monthly cost", ""]
    if not cost:
        return [*lines, f"No estimate in this plan: `mlplat cost {environment}`.", ""]
    cap = cost.get("budget_cap_usd")
    lines += [
        f"- estimate **{money(cost.get('monthly_usd'))}** per month, worst case {money(cost.get('worst_case_usd'))}"
        + (f", budget cap {money(cap)}" if cap is not None else ""),
        f"- spot saves {money(cost.get('spot_savings_usd'))}, tiering saves {money(cost.get('tiering_savings_usd'))}",
        f"- the organization's shared stack: {money(cost.get('organization_usd'))} (not in the estimate)",
    ]
    if cost.get("unpriced_lines"):
        lines.append(
            f"- {cost['unpriced_lines']} line(s) without a price in the table: `mlplat cost {environment}` names them"
        )
    if cost.get("no_usage_assumption"):
        from mlplat.review.cost_report import no_usage_text

        lines.append(
            f"- {no_usage_text(cost['no_usage_assumption'])}: {', '.join(cost['no_usage_assumption'])}"
        )
    top = cost.get("top") or []
    if top:
        lines += ["", "| layer | component | estimate | worst case |", "|---|---|---:|---:|"]
        lines += [
            f"| {row['layer']} | {row['component']} | {money(row.get('monthly_usd'))} | {money(row.get('worst_case_usd'))} |"
            for row in top
        ]
    return [*lines, ""]


def inventory_section(summary: dict[str, Any], arch: diagram.Architecture) -> list[str]:
    lines = ["## Inventory", ""]
    lines += ["| account | regions | components |", "|---|---|---:|"]
    for account in _accounts(arch):
        nodes = [n for n in arch.nodes.values() if n.account == account]
        regions = ", ".join(sorted({n.region for n in nodes if n.region})) or "(global)"
        lines.append(f"| {diagram.account_label(arch, account)} | {regions} | {len(nodes)} |")
    lines += ["", "| stack | resources | components | synthesis (s) |", "|---|---:|---:|---:|"]
    types: Counter[str] = Counter()
    for stack in summary["stacks"]:
        lines.append(
            f"| `{stack['stack']}` | {stack['resources']} | {stack['components']} | {stack['seconds']} |"
        )
        types.update(stack["types"])
    lines.append(f"| **total** | **{summary['total_resources']}** | | |")
    lines += [
        "",
        f"Most common resource types ({len(types)} types; every count in `mlplat plan --json`):",
        "",
    ]
    lines += ["| resource type | count |", "|---|---:|"]
    lines += [
        f"| `{t}` | {n} |" for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TYPES]
    ]
    lines += [
        "",
        f"Inventory: `{Path(summary['inventory']).name}` (`pulumi stack export` format, docs/inventory.md).",
        "",
    ]
    return lines


# --- docs/architecture.md: the generated diagram of prod ------------------------------------------

PROJECT_ROOT = project_root()
ARCHITECTURE_DOC = PROJECT_ROOT / "docs" / "architecture.md"
DOC_ENVIRONMENT = "prod"
BEGIN = "<!-- generated by `python -m mlplat.review.report`: the diagram of prod; do not edit by hand -->"
END = "<!-- end of the generated diagram -->"


def doc_block(arch: diagram.Architecture) -> str:
    """The generated part of docs/architecture.md: the rendered picture, then its Mermaid source."""
    return "\n".join(
        [
            BEGIN,
            "",
            f"![{arch.environment}: accounts, regions, layers, components and flows](images/architecture-{arch.environment}.svg)",
            "",
            "<details><summary>The same diagram in Mermaid (GitHub renders it)</summary>",
            "",
            "```mermaid",
            diagram.mermaid(arch).rstrip("\n"),
            "```",
            "",
            "</details>",
            "",
            END,
        ]
    )


def replace_block(text: str, block: str) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + block + text[end:]


def main() -> None:
    """Plan prod into a temporary directory and regenerate the diagram of docs/architecture.md."""
    import tempfile

    from mlplat.synth.plan import plan

    with tempfile.TemporaryDirectory() as scratch:
        inventory = plan(DOC_ENVIRONMENT, Path(scratch)).inventory_path
        arch = diagram.architecture(load_stacks(inventory), DOC_ENVIRONMENT)
        images = ARCHITECTURE_DOC.parent / "images"
        paths = diagram.write(arch, Path(scratch), stem=f"architecture-{DOC_ENVIRONMENT}", formats=("svg",))
        images.mkdir(exist_ok=True)
        (images / paths["svg"].name).write_bytes(paths["svg"].read_bytes())
    ARCHITECTURE_DOC.write_text(
        replace_block(ARCHITECTURE_DOC.read_text(encoding="utf-8"), doc_block(arch)), encoding="utf-8"
    )
    print(f"wrote {ARCHITECTURE_DOC} and {images / paths['svg'].name}")


if __name__ == "__main__":
    main()
