"""The `mlplat` command line: one subcommand per job of the offline review tool."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from stacks.spec import SpecError

app = typer.Typer(
    help="Offline review tool of the ML platform: what an environment would deploy, without a cloud account.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
INPUT_ERROR = 2


def _fail(lines: list[str], exit_code: int = INPUT_ERROR) -> None:
    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(exit_code)


@app.callback()
def _root() -> None:
    """Subcommands: plan."""


@app.command("plan")
def plan_command(
    environment: Annotated[str, typer.Argument(help="Environment spec name: environments/<ENV>.yaml")],
    out: Annotated[Path | None, typer.Option("--out", help="Report directory (default: build/ENV)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Synthesize every layer of ENV under Pulumi's mock runtime and write DIR/inventory.json."""
    from mlplat.plan import PlanError, plan  # imported here: `--help` stays fast

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
        except SpecError as error:
            problems = [str(p) for p in error.problems]
        except PlanError as error:
            problems, exit_code = error.lines, error.exit_code
    if problems:  # printed after the progress display is gone, so every line stands alone
        _fail(problems, exit_code)

    summary = result.summary()
    for stack in summary["stacks"]:  # what `pulumi up` would show as warnings
        for warning in stack["warnings"]:
            print(f"warning: {stack['stack']}: {warning}", file=sys.stderr)
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    _print_summary(summary)


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
