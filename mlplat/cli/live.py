"""`mlplat preflight` and `mlplat audit`: the live accounts before and after a deploy."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mlplat.cli.app import command

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
    name: str, environment: str, inventory, profile, account_ids, role_name, workers, attempts, retry_mode
):
    from mlplat.live.inputs import prepare  # imported here: `--help` stays fast

    return prepare(name, environment, inventory=inventory, plan_dir=Path("build") / environment,
                   profile=profile, account_id_options=account_ids or [], role_name=role_name,
                   workers=workers, max_attempts=attempts, retry_mode=retry_mode,
                   on_progress=lambda line: print(line, file=sys.stderr))  # fmt: skip


@command("preflight")
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
    from mlplat.live import preflight
    from mlplat.live.inputs import print_report

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


@command("audit")
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
    from mlplat.live import audit
    from mlplat.live.inputs import print_report

    live = _live(
        "audit", environment, inventory, profile, account_ids, role_name, workers, max_attempts, retry_mode
    )
    report = audit.run(live.planned, live.ctx, live.account_ids, role_name=live.role_name)
    print_report("audit", report, as_json)
    raise typer.Exit(report.exit_code)


# The review commands live in mlplat/cli/review.py (issue 8).
