"""`mlplat diff` and `mlplat diagram`: the architecture review of a pull request, and its picture."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from mlplat.cli.app import command, fail


@command("diff")
def diff_command(
    environment: Annotated[
        str | None, typer.Argument(help="Environment to synthesize on both sides: environments/<ENV>.yaml")
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", help="Git ref of the base side (e.g. origin/main)")
    ] = None,
    head: Annotated[
        str | None, typer.Option("--head", help="Git ref of the head side (default: the working tree)")
    ] = None,
    inventory: Annotated[
        tuple[Path, Path] | None,
        typer.Option("--inventory", help="Diff two inventory (or `pulumi stack export`) files: OLD NEW"),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help="Policy pack config for --inventory (default: policies/config/<env>.json)"
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for diff.md, diff.json, the diagram and both inventories"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print diff.json instead of the Markdown")] = False,
    max_chars: Annotated[
        int, typer.Option("--max-chars", min=2000, help="Size budget of the printed Markdown (GitHub: 65536)")
    ] = 65536,
) -> None:
    """The architecture review diff: resources added, removed, replaced and changed, by layer and component,
    with the policy verdicts and the monthly cost of both sides. Prints Markdown for a pull-request comment.

    `mlplat diff ENV --base REF [--head REF]` synthesizes both refs (the base from a temporary git worktree);
    `mlplat diff --inventory OLD NEW` compares two inventories. Exit 0 whatever changed; 2 on bad input,
    1 when a side cannot be synthesized.
    """
    from mlplat.review.compare import review_inventories, review_refs  # imported here: `--help` stays fast

    if inventory is not None and (environment is not None or base is not None or head is not None):
        fail(["mlplat diff: --inventory OLD NEW: give either two inventories or ENV --base REF, not both"])
    if inventory is None and (environment is None or base is None):
        fail(["mlplat diff: (arguments): give ENV --base REF [--head REF], or --inventory OLD NEW"])
    if config is not None and inventory is None:
        fail(
            ["mlplat diff: --config: only with --inventory (a ref's own policies/config/<env>.json is used)"]
        )
    errors = Console(stderr=True)
    step = lambda text: errors.print(text, highlight=False, soft_wrap=True)  # noqa: E731
    if inventory is not None:
        old, new = inventory
        result = review_inventories(
            old, new, out or new.parent / "diff", config=config, max_chars=max_chars, on_step=step
        )
    else:
        result = review_refs(
            environment,
            base,
            head,
            out or Path("build") / environment / "diff",
            max_chars=max_chars,
            on_step=step,
        )
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
    step(f"wrote {result.paths['markdown']} and {result.paths['json']} ({timing})")
    if as_json:
        print(result.paths["json"].read_text(encoding="utf-8"), end="")
    else:
        print(result.markdown, end="")


@command("diagram")
def diagram_command(
    environment: Annotated[
        str | None, typer.Argument(help="Environment to plan and draw: environments/<ENV>.yaml")
    ] = None,
    inventory: Annotated[
        Path | None, typer.Option("--inventory", help="Draw this inventory instead of planning")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Directory (default: next to the inventory, build/ENV)")
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option("--format", help="Rendered formats (repeatable): svg, png (default: both)"),
    ] = None,
) -> None:
    """The architecture as a picture: accounts, regions, layers, components and the flows between them.

    Writes diagram.mmd (Mermaid, for GitHub Markdown), diagram.dot, and diagram.svg / diagram.png laid out by
    Graphviz's `dot`. Exit 1 when `dot` is missing (the Mermaid source is still written).
    """
    from mlplat.review import diagram  # imported here: `--help` stays fast
    from mlplat.synth.inventory import read_inventory
    from mlplat.synth.plan import plan

    if (environment is None) == (inventory is None):
        fail(
            ["mlplat diagram: (arguments): give an environment or --inventory FILE, not both and not neither"]
        )
    chosen = formats or ["svg", "png"]
    unknown = [f for f in chosen if f not in ("svg", "png")]
    if unknown:
        fail([f"mlplat diagram: --format: {unknown[0]!r}: one of svg, png"])
    if environment is not None:
        inventory = plan(environment, out or Path("build") / environment).inventory_path
    read = read_inventory(inventory)
    arch = diagram.architecture(read.stacks, environment or read.source)
    try:
        paths = diagram.write(arch, out or inventory.parent, formats=chosen)
    except diagram.RenderError as error:
        fail([f"mlplat diagram: {error}"], 1)
    accounts = {node.account for node in arch.nodes.values() if node.account}
    print(
        f"{len(arch.nodes)} components in {len(accounts)} account(s), {len(arch.edges)} flows: "
        + ", ".join(str(p) for p in paths.values())
    )
