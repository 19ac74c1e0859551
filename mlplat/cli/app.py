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
POLICY_CONFIG = Path(__file__).resolve().parent.parent / "policies" / "config"
"""Enforcement levels per environment (the same files `pulumi preview --policy-pack-config` takes)."""


def _fail(lines: list[str], exit_code: int = INPUT_ERROR) -> None:
    for line in lines:
        print(line, file=sys.stderr)
    raise typer.Exit(exit_code)


@app.callback()
def _root() -> None:
    """Subcommands: plan, check, cost, prices, diff, diagram, preflight, audit, validate-manifest."""


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
    summary["gate"] = _gate_summary(environment, result.inventory_path)
    summary["cost"] = _cost_summary(environment, result.inventory_path)
    from mlplat.report import write_plan_report  # the diagram and report.md (issue 8)

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
    from mlplat.analyzer import AnalyzerError
    from mlplat.gate import GateInputError, check_inventory
    from mlplat.gate_reports import write_reports

    try:
        gate = check_inventory(inventory, POLICY_CONFIG / f"{environment}.json")
    except (GateInputError, AnalyzerError) as error:
        _fail([f"policy gate: {line}" for line in error.lines], 1)
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


@app.command("check")
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
    from mlplat.analyzer import AnalyzerError  # imported here: `--help` stays fast
    from mlplat.gate import GateInputError, check_inventory
    from mlplat.gate_reports import write_reports
    from mlplat.plan import PlanError, plan

    if (environment is None) == (inventory is None):
        _fail(
            ["mlplat check: (arguments): give an environment or --inventory FILE, not both and not neither"]
        )
    if inventory is not None and out is not None:
        _fail(["mlplat check: --out: reports go next to the --inventory file; --out only applies with ENV"])
    errors = Console(stderr=True)
    if environment is not None:
        errors.print(f"planning {environment}", highlight=False)
        try:
            inventory = plan(
                environment, out if out is not None else Path("build") / environment
            ).inventory_path
        except SpecError as error:
            _fail([str(p) for p in error.problems])
        except PlanError as error:
            _fail(error.lines, error.exit_code)
        if config is None:
            config = POLICY_CONFIG / f"{environment}.json"
    errors.print(f"checking {inventory}", highlight=False, soft_wrap=True)
    try:
        result = check_inventory(inventory, config)
    except GateInputError as error:
        _fail(error.lines)
    except AnalyzerError as error:
        _fail(error.lines)
    reports = write_reports(result, inventory.parent)
    _print_gate(result, reports)
    exit_code = result.exit_code
    if checkov:
        exit_code = max(exit_code, _second_gate(inventory, errors))
    raise typer.Exit(exit_code)


def _second_gate(inventory: Path, errors: Console) -> int:
    """checkov over the same inventory (mlplat/checkov.py); 1 when a failed check has no baseline entry."""
    from mlplat.checkov import CheckovError, scan
    from mlplat.inventory import load_stacks

    errors.print("running checkov (second gate)", highlight=False)
    try:
        report = scan(load_stacks(inventory), inventory.parent / "checkov")
    except CheckovError as error:
        _fail([f"checkov: {line}" for line in error.lines], 1)
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


@app.command("validate-manifest")
def validate_manifest_command(
    file: Annotated[Path, typer.Argument(help="The manifest: a JSON file")],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="release or snapshot (default: snapshot if the document has snapshot_id and files)"
        ),
    ] = None,
) -> None:
    """Check a release manifest (docs/release-manifest.md) or a training snapshot manifest.

    Exit 0 when valid, 1 with one `FILE: <field>: <message>` line per problem, 2 when FILE is not JSON.
    """
    from mlplat import release_manifest, snapshot  # imported here: `--help` stays fast

    if kind is not None and kind not in release_manifest.KINDS:
        _fail([f"{file}: --kind: {kind!r}: one of {', '.join(release_manifest.KINDS)}"])
    try:
        document = release_manifest.load(file)
    except release_manifest.LoadError as error:
        _fail([f"{file}: {error}"])
    kind = kind or release_manifest.kind_of(document)
    found = snapshot.problems(document) if kind == "snapshot" else release_manifest.problems(document)
    if found:
        _fail([f"{file}: {problem}" for problem in found], 1)
    print(f"{file}: valid ({kind} manifest)")


# --- live accounts: preflight and audit (mlplat/preflight.py, mlplat/audit.py) ----------------

_AccountIds = Annotated[
    list[str] | None,
    typer.Option(
        "--account-id",
        help="KEY=ID of an account of environments/org.yaml (repeatable); "
        "others are found through AWS Organizations by e-mail",
    ),
]
_Profile = Annotated[
    str | None,
    typer.Option("--profile", help="AWS profile of the caller (default: AWS_PROFILE or the default chain)"),
]
_RoleName = Annotated[
    str | None,
    typer.Option(
        "--role-name", help="Role assumed in each account (default: <deploy_role_name>-<ENV> of org.yaml)"
    ),
]
_Inventory = Annotated[
    Path | None, typer.Option("--inventory", help="Use this inventory instead of planning ENV")
]
_Workers = Annotated[int, typer.Option("--workers", help="Checks run at once (1-64)")]
_Attempts = Annotated[
    int, typer.Option("--max-attempts", help="Attempts per AWS call, retries included (1-50)")
]
_RetryMode = Annotated[str, typer.Option("--retry-mode", help="botocore retry mode: adaptive or standard")]


def _live(
    command: str, environment: str, inventory, profile, account_ids, role_name, workers, attempts, retry_mode
):
    from mlplat.live import LiveInputError, prepare  # imported here: `--help` stays fast

    try:
        return prepare(command, environment, inventory=inventory, plan_dir=Path("build") / environment,
                       profile=profile, account_id_options=account_ids or [], role_name=role_name,
                       workers=workers, max_attempts=attempts, retry_mode=retry_mode,
                       on_progress=lambda line: print(line, file=sys.stderr))  # fmt: skip
    except LiveInputError as error:
        _fail(error.lines)


@app.command("preflight")
def preflight_command(
    environment: Annotated[str, typer.Argument(help="Environment spec name: environments/<ENV>.yaml")],
    inventory: _Inventory = None,
    profile: _Profile = None,
    account_ids: _AccountIds = None,
    role_name: _RoleName = None,
    workers: _Workers = 8,
    max_attempts: _Attempts = 10,
    retry_mode: _RetryMode = "adaptive",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """Before `pulumi up`: roles, regions, instance offerings, vCPU quotas and bucket names, in the live accounts.

    One line per finding; exit 1 on a blocking finding, 2 on bad input (docs/preflight-and-audit.md).
    """
    from mlplat import preflight
    from mlplat.live import print_report

    live = _live(
        "preflight",
        environment,
        inventory,
        profile,
        account_ids,
        role_name,
        workers,
        max_attempts,
        retry_mode,
    )
    report = preflight.run(
        live.spec, live.ctx, live.account_ids, role_name=live.role_name, buckets=live.planned.buckets()
    )
    print_report("preflight", report, as_json)
    raise typer.Exit(report.exit_code)


@app.command("audit")
def audit_command(
    environment: Annotated[str, typer.Argument(help="Environment spec name: environments/<ENV>.yaml")],
    inventory: _Inventory = None,
    profile: _Profile = None,
    account_ids: _AccountIds = None,
    role_name: _RoleName = None,
    workers: _Workers = 8,
    max_attempts: _Attempts = 10,
    retry_mode: _RetryMode = "adaptive",
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
) -> None:
    """After deploy: the live S3 lake buckets, EKS node groups, ECR repositories and budgets against the spec.

    One line per resource check that drifted; exit 1 on drift, 2 on bad input (docs/preflight-and-audit.md).
    """
    from mlplat import audit
    from mlplat.live import print_report

    live = _live(
        "audit", environment, inventory, profile, account_ids, role_name, workers, max_attempts, retry_mode
    )
    report = audit.run(live.planned, live.ctx, live.account_ids, role_name=live.role_name)
    print_report("audit", report, as_json)
    raise typer.Exit(report.exit_code)


# The review commands live in mlplat/cli_review.py (issue 8).
from mlplat.cli_review import diagram_command, diff_command  # noqa: E402

app.command("diff")(diff_command)
app.command("diagram")(diagram_command)


# --- cost: the estimate and the price table (mlplat/cost_report.py, mlplat/prices.py) ---------------


def _cost_summary(environment: str, inventory: Path) -> dict:
    """The cost model's totals and dearest components for the fresh plan (details: `mlplat cost`)."""
    from mlplat.cost_report import estimate_inventory

    return estimate_inventory(environment, inventory).summary(top=5)


def _print_cost_summary(console: Console, cost: dict, environment: str) -> None:
    from mlplat.cost_report import plan_lines

    for line in plan_lines(cost, environment):
        console.print(line, highlight=False, soft_wrap=True)


@app.command("cost")
def cost_command(
    environment: Annotated[
        str | None, typer.Argument(help="Environment to plan and price: environments/<ENV>.yaml")
    ] = None,
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory", help="Price this inventory or `pulumi stack export` file instead of planning"
        ),
    ] = None,
    as_markdown: Annotated[
        bool, typer.Option("--markdown", help="Print Markdown (a pull-request comment)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print every line as JSON")] = False,
) -> None:
    """Monthly cost of ENV (or --inventory FILE) per layer, component and resource type, with its worst
    case and the savings of spot and tiering; prices from mlplat/data/prices.yaml (docs/cost-model.md)."""
    from mlplat.cost_report import CostInputError, markdown, print_table, run  # `--help` stays fast
    from mlplat.plan import PlanError
    from mlplat.prices import PriceTableError

    if as_markdown and as_json:
        _fail(["mlplat cost: --markdown, --json: choose one"])
    try:
        report = run(environment, inventory, on_progress=lambda line: print(line, file=sys.stderr))
    except SpecError as error:
        _fail([str(p) for p in error.problems])
    except PlanError as error:
        _fail(error.lines, error.exit_code)
    except (CostInputError, PriceTableError) as error:
        _fail(error.lines)
    if as_json:
        print(json.dumps(report.document(), indent=2))
    elif as_markdown:
        print(markdown(report), end="")
    else:
        print_table(report)


prices_app = typer.Typer(
    help="The price table of the cost model (mlplat/data/prices.yaml).", no_args_is_help=True
)
app.add_typer(prices_app, name="prices")


@prices_app.command("refresh")
def prices_refresh_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here (default: mlplat/data/prices.yaml)")
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="AWS profile (default chain otherwise)")
    ] = None,
) -> None:
    """Refresh the prices the AWS Price List API answers (pricing:GetProducts); keep every other row.

    Exit 2, writing nothing, when the API cannot be asked (no credentials) or answers a row with several
    distinct prices or a malformed product: one line per problem."""
    from mlplat.prices import PriceTableError, refresh_file  # imported here: `--help` stays fast

    try:
        for line in refresh_file(out, profile=profile):
            print(line)
    except PriceTableError as error:
        _fail(error.lines)
