"""`mlplat plan`: the offline plan of an environment, its gate verdict, its cost and its report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from mlplat.cli.app import INPUT_ERROR, command, fail
from platform_spec import PlatformError


@command("plan")
def plan_command(
    environment: Annotated[str, typer.Argument(help="Environment spec name: environments/<ENV>.yaml")],
    out: Annotated[Path | None, typer.Option("--out", help="Report directory (default: build/ENV)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Synthesize every layer of ENV under Pulumi's mock runtime and write DIR/inventory.json."""
    from mlplat.synth.plan import plan  # imported here: `--help` stays fast

    out_dir = out if out is not None else Path("build") / environment
    errors = Console(stderr=True)
    live = errors.is_terminal and not as_json
    problems: list[str] = []
    exit_code = INPUT_ERROR
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=errors,
                  transient=True, disable=not live) as progress:  # fmt: skip
        task = progress.add_task("validating the spec")
        state = {"stack": "", "registered": 0}

        def on_stack(stack) -> None:
            state["stack"] = stack.name
            progress.update(task, description=f"synthesizing {stack.name}")
            if not live and not as_json:
                errors.print(f"synthesizing {stack.name}", highlight=False)

        def on_register(_) -> None:
            state["registered"] += 1
            progress.update(
                task, description=f"synthesizing {state['stack']} ({state['registered']} registered)"
            )

        try:
            result = plan(environment, out_dir, on_stack=on_stack, on_register=on_register)
        except PlatformError as error:  # reported once the progress display is gone
            problems, exit_code = error.lines, error.exit_code
    if problems:  # printed after the progress display is gone, so every line stands alone
        fail(problems, exit_code)

    summary = result.summary()
    for stack in summary["stacks"]:  # what `pulumi up` would show as warnings
        for warning in stack["warnings"]:
            print(f"warning: {stack['stack']}: {warning}", file=sys.stderr)
    summary["gate"] = _gate_summary(environment, result.inventory_path)
    summary["cost"] = _cost_summary(environment, result.inventory_path)
    from mlplat.review.report import write_plan_report  # the diagram and report.md (issue 8)

    summary["report"] = write_plan_report(summary, result.inventory_path)
    for warning in summary["report"]["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    _print_summary(summary)
    print(
        f"report: {summary['report']['markdown']} (diagram: {', '.join(summary['report']['diagram'].values())})"
    )


def _gate_summary(environment: str, inventory: Path) -> dict:
    """The policy gate's verdict on the fresh plan (the full gate, checkov too: `mlplat check`)."""
    from mlplat.gate.analyzer import AnalyzerError
    from mlplat.gate.check import GateInputError, check_inventory
    from mlplat.gate.pack import config_path
    from mlplat.gate.reports import write_reports

    try:
        gate = check_inventory(inventory, config_path(environment))
    except (GateInputError, AnalyzerError) as error:
        fail([f"policy gate: {line}" for line in error.lines], 1)
    reports = write_reports(gate, inventory.parent)
    return {
        "verdict": "blocked" if gate.exit_code else "passed",
        "mandatory": len(gate.mandatory),
        "advisory": len(gate.advisory),
        "rules": len(gate.rules),
        "findings": [f"{v.level}: {v.rule}: {v.stack}: {v.resource}" for v in gate.violations],
        "reports": [str(p) for p in reports.values()],
    }


def _print_summary(summary: dict) -> None:
    console = Console()
    table = Table(title=f"mlplat plan {summary['environment']}: resources per stack and type")
    table.add_column("stack")
    table.add_column("resource type")
    table.add_column("count", justify="right")
    for stack in summary["stacks"]:
        for i, (type_, count) in enumerate(stack["types"].items()):
            table.add_row(stack["stack"] if i == 0 else "", type_, str(count))
        table.add_row(
            "",
            f"[bold]{stack['resources']} resources, {stack['components']} components[/bold]",
            "",
            end_section=True,
        )
    console.print(table)
    console.print(
        f"total: {summary['total_resources']} resources; inventory: {summary['inventory']}", highlight=False
    )
    gate = summary["gate"]
    for finding in gate["findings"]:
        console.print(f"gate: {finding}", highlight=False, soft_wrap=True)
    console.print(
        f"policy gate {gate['verdict']}: {gate['mandatory']} mandatory, {gate['advisory']} advisory finding(s) "
        f"of {gate['rules']} rules; details: `mlplat check {summary['environment']}`, {gate['reports'][0]}",
        highlight=False,
        soft_wrap=True,
    )
    _print_cost_summary(console, summary["cost"], summary["environment"])


def _cost_summary(environment: str, inventory: Path) -> dict:
    """The cost model's totals and dearest components for the fresh plan (details: `mlplat cost`)."""
    from mlplat.review.cost_report import estimate_inventory

    return estimate_inventory(environment, inventory).summary(top=5)


def _print_cost_summary(console: Console, cost: dict, environment: str) -> None:
    from mlplat.review.cost_report import plan_lines

    for line in plan_lines(cost, environment):
        console.print(line, highlight=False, soft_wrap=True)
