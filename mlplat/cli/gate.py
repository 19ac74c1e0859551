"""`mlplat check`: the policy pack over the analyzer protocol, then checkov as the second gate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from mlplat.cli.app import command, fail


@command("check")
def check_command(
    environment: Annotated[
        str | None, typer.Argument(help="Environment to plan and check: environments/<ENV>.yaml")
    ] = None,
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory", help="Check this inventory or `pulumi stack export` file instead of planning"
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="Policy pack config (default: policies/config/<ENV>.json)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Plan and report directory (default: build/ENV)")
    ] = None,
    checkov: Annotated[
        bool, typer.Option("--checkov/--no-checkov", help="Also run checkov as the second gate (default: on)")
    ] = True,
) -> None:
    """Run the policy pack over ENV's fresh plan (or --inventory FILE); exit 1 on a mandatory violation.

    Writes gate.md, gate.sarif and gate.junit.xml next to the inventory.
    """
    from mlplat.gate.check import check_inventory
    from mlplat.gate.pack import config_path
    from mlplat.gate.reports import write_reports
    from mlplat.synth.plan import plan

    if (environment is None) == (inventory is None):
        fail(["mlplat check: (arguments): give an environment or --inventory FILE, not both and not neither"])
    if inventory is not None and out is not None:
        fail(["mlplat check: --out: reports go next to the --inventory file; --out only applies with ENV"])
    errors = Console(stderr=True)
    if environment is not None:
        errors.print(f"planning {environment}", highlight=False)
        inventory = plan(environment, out if out is not None else Path("build") / environment).inventory_path
        if config is None:
            config = config_path(environment)
    errors.print(f"checking {inventory}", highlight=False, soft_wrap=True)
    result = check_inventory(inventory, config)
    reports = write_reports(result, inventory.parent)
    _print_gate(result, reports)
    exit_code = result.exit_code
    if checkov:
        exit_code = max(exit_code, _second_gate(inventory, errors))
    raise typer.Exit(exit_code)


def _second_gate(inventory: Path, errors: Console) -> int:
    """checkov over the same inventory (mlplat/gate/checkov.py); 1 when a failed check has no baseline entry."""
    from mlplat.gate.checkov import CheckovError, scan
    from mlplat.synth.inventory import load_stacks

    errors.print("running checkov (second gate)", highlight=False)
    try:
        report = scan(load_stacks(inventory), inventory.parent / "checkov")
    except CheckovError as error:
        fail([f"checkov: {line}" for line in error.lines], 1)
    for finding in report.unbaselined:
        print(f"checkov: {finding.check_id} {finding.check_name}: {finding.address} ({finding.urn})")
    for entry in report.stale_baseline:
        print(f"checkov: stale baseline entry (matches nothing): {entry.describe()}")
    verdict = "passed" if report.ok else "BLOCKED"
    print(
        f"checkov {verdict}: {len(report.unbaselined)} failed check(s) outside policies/checkov-baseline.yaml, "
        f"{len(report.baselined)} accepted there, {len(report.passed)} passed; "
        f"{report.resource_count} resources scanned of {report.converted_count} converted"
    )
    return 0 if report.ok else 1


def _print_gate(result, reports: dict[str, Path]) -> None:
    console = Console()
    grouped = result.by_rule()
    if grouped:
        table = Table(title=f"mlplat check {result.source}: findings by rule and severity")
        table.add_column("level")
        table.add_column("severity")
        table.add_column("rule")
        table.add_column("findings", justify="right")
        table.add_column("where (first 3)")
        for rule, found in grouped:
            levels = ", ".join(sorted({v.level if v.evaluated else "not evaluated" for v in found}))
            style = "bold red" if any(v.level == "mandatory" for v in found) else "yellow"
            where = "; ".join(f"{v.stack}: {v.resource}" for v in found[:3])
            table.add_row(levels, rule.severity, rule.name, str(len(found)), where, style=style)
        console.print(table)
        for rule, found in grouped:
            for v in found:
                console.print(
                    f"{v.level}: {rule.name}: {v.stack}: {v.resource}: {v.message}", highlight=False
                )
    verdict = "BLOCKED" if result.exit_code else "passed"
    console.print(
        f"{verdict}: {len(result.mandatory)} mandatory, {len(result.advisory)} advisory finding(s); "
        f"{len(result.rules)} rules over {sum(result.stacks.values())} resources (components and providers included) in {len(result.stacks)} stacks; "
        f"reports: {', '.join(str(p) for p in reports.values())}",
        highlight=False,
        soft_wrap=True,
    )
