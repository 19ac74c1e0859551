"""`mlplat cost` and `mlplat prices refresh`: the estimate and the price table."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from mlplat.cli.app import app, command, fail


@command("cost")
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
    case and the savings of spot and tiering; prices from core/platform_cost/data/prices.yaml (docs/cost-model.md)."""
    from mlplat.review.cost_report import markdown, print_table, run  # imported here: `--help` stays fast

    if as_markdown and as_json:
        fail(["mlplat cost: --markdown, --json: choose one"])
    report = run(environment, inventory, on_progress=lambda line: print(line, file=sys.stderr))
    if as_json:
        print(json.dumps(report.document(), indent=2))
    elif as_markdown:
        print(markdown(report), end="")
    else:
        print_table(report)


prices_app = typer.Typer(
    help="The price table of the cost model (core/platform_cost/data/prices.yaml).", no_args_is_help=True
)
app.add_typer(prices_app, name="prices")


@command("refresh", on=prices_app)
def prices_refresh_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write here (default: core/platform_cost/data/prices.yaml)")
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="AWS profile (default chain otherwise)")
    ] = None,
) -> None:
    """Refresh the prices the AWS Price List API answers (pricing:GetProducts); keep every other row.

    Exit 2, writing nothing, when the API cannot be asked (no credentials) or answers a row with several
    distinct prices or a malformed product: one line per problem."""
    from mlplat.live.price_list import refresh_file  # imported here: `--help` stays fast

    for line in refresh_file(out, profile=profile):
        print(line)
