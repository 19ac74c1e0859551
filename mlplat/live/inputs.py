"""What `mlplat preflight` and `mlplat audit` share: reading their input, and printing their reports.

Input problems (a bad spec, a bad option, an inventory of another environment, no credentials,
account ids that cannot be resolved) become `LiveInputError` lines and exit status 2, before any
check runs; problems met by the checks themselves are findings of the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from mlplat.live.aws_session import RETRY_MODES, AwsContext, AwsProblem, resolve_account_ids
from mlplat.live.planned import PlanMismatch, Planned
from platform_spec import PlatformSpec, SpecError, load_spec
from platform_spec.errors import PlatformError


class LiveInputError(PlatformError):
    """Bad input of preflight or audit (exit 2): a spec, an option or an inventory; one line per problem."""


@dataclass
class Live:
    spec: PlatformSpec
    planned: Planned
    ctx: AwsContext
    account_ids: dict[str, str]
    role_name: str
    caller: dict[str, str]


def _account_options(command: str, values: Sequence[str], spec: PlatformSpec) -> dict[str, str]:
    given, problems = {}, []
    for value in values:
        key, _, account_id = value.partition("=")
        if key not in spec.org.accounts:
            problems.append(
                f"mlplat {command}: --account-id: {value!r}: KEY must be an account of environments/org.yaml: "
                f"{', '.join(spec.org.accounts)}"
            )
        elif not re.fullmatch(r"\d{12}", account_id):
            problems.append(
                f"mlplat {command}: --account-id: {value!r}: ID must be 12 digits (KEY=123456789012)"
            )
        else:
            given[key] = account_id
    if problems:
        raise LiveInputError(problems)
    return given


def prepare(
    command: str,
    environment: str,
    *,
    inventory: Path | None,
    plan_dir: Path,
    profile: str | None,
    account_id_options: Sequence[str],
    role_name: str | None,
    workers: int,
    max_attempts: int,
    retry_mode: str,
    on_progress: Callable[[str], None] = lambda _: None,
) -> Live:
    """Spec, plan, the caller's credentials and the account ids, or one line per problem."""
    from mlplat.synth.inventory import InventoryError, read_inventory
    from mlplat.synth.plan import PlanError, plan

    if retry_mode not in RETRY_MODES:
        raise LiveInputError(
            [f"mlplat {command}: --retry-mode: {retry_mode!r}: one of {', '.join(RETRY_MODES)}"]
        )
    if not 1 <= workers <= 64 or not 1 <= max_attempts <= 50:
        raise LiveInputError([f"mlplat {command}: --workers is 1 to 64 and --max-attempts 1 to 50"])
    try:
        spec = load_spec(environment)
    except SpecError as error:
        raise LiveInputError([str(p) for p in error.problems]) from None
    given = _account_options(command, account_id_options, spec)
    try:
        if inventory is None:
            on_progress(f"planning {environment}")
            inventory = plan(environment, plan_dir).inventory_path
        read = read_inventory(inventory)
        if read.environment not in (None, environment):
            raise PlanMismatch(f"the inventory is of {read.environment}, not of {environment}")
        planned = Planned(spec, read.stacks)
    except PlanError as error:
        raise LiveInputError(error.lines) from None
    except InventoryError as error:
        raise LiveInputError(error.lines) from None
    except (PlanMismatch, KeyError, TypeError, ValueError) as error:
        raise LiveInputError([f"mlplat {command}: --inventory: {inventory}: {error}"]) from None
    try:
        ctx = AwsContext(
            profile=profile,
            home_region=spec.org.home_region,
            retry_mode=retry_mode,
            max_attempts=max_attempts,
            workers=workers,
            session_name=f"mlplat-{command}-{environment}",
        )
        caller = ctx.caller_identity()
        keys = dict.fromkeys(a.account for a in spec.env.accounts.values())
        emails = {key: spec.org.accounts[key].email for key in keys}
        account_ids = resolve_account_ids(ctx, emails, given)
    except AwsProblem as problem:
        raise LiveInputError([f"mlplat {command}: {problem.line}"]) from None
    role = role_name or f"{spec.org.deploy_role_name}-{spec.env.name}"
    return Live(spec, planned, ctx, account_ids, role, caller)


def _counts_table(
    title: str, first: str, counts: dict[str, dict[str, int]], extra: dict[str, int] | None = None
) -> Table:
    table = Table(title=title)
    table.add_column(first)
    if extra is not None:
        table.add_column("resources", justify="right")
    levels = list(next(iter(counts.values())))
    for level in levels:
        table.add_column(level, justify="right")
    for row, values in counts.items():
        cells = [str(values[level]) for level in levels]
        bad = any(values[level] for level in levels if level not in ("ok", "skipped"))
        table.add_row(
            row, *([str(extra[row])] if extra is not None else []), *cells, style="bold red" if bad else None
        )
    return table


def print_report(kind: str, report: Any, as_json: bool) -> None:
    """One line per finding that is not ok (stdout), then the summary table and the verdict."""
    if as_json:
        print(json.dumps(report.as_json(), indent=2))
        return
    console = Console(soft_wrap=True, highlight=False)
    data = report.as_json()
    problems = [f for f in report.findings if (f.level if kind == "preflight" else f.status) not in ("ok",)]
    for finding in problems:
        console.print(finding.line(), markup=False)
    for note in data.get("notes", []):
        console.print(f"note: {note}", markup=False)
    if kind == "preflight":
        table = _counts_table(
            f"mlplat preflight {report.environment}: findings per check", "check", data["counts"]
        )
        verdict = "BLOCKED" if report.exit_code else "passed"
        blocking = len(report.blocking)
        summary = f"{blocking} blocking finding(s)"
    else:
        table = _counts_table(
            f"mlplat audit {report.environment}: checks per service",
            "service",
            data["counts"],
            data["resources"],
        )
        verdict = "DRIFT" if report.exit_code else "compliant"
        summary = f"{len(report.problems)} finding(s) not compliant"
    console.print(table)
    console.print(
        f"{kind} {report.environment} {verdict}: {summary}; {data['aws_calls']} AWS calls in {data['seconds']:.1f} s",
        markup=False,
    )
