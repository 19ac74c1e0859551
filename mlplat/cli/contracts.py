"""`mlplat validate-manifest`: the release and training-snapshot manifests, the hand-off contracts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mlplat.cli.app import command, fail


@command("validate-manifest")
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
    from mlplat.contracts import (
        release_manifest,  # imported here: `--help` stays fast
        snapshot,
    )

    if kind is not None and kind not in release_manifest.KINDS:
        fail([f"{file}: --kind: {kind!r}: one of {', '.join(release_manifest.KINDS)}"])
    try:
        document = release_manifest.load(file)
    except release_manifest.LoadError as error:
        fail([f"{file}: {error}"])
    kind = kind or release_manifest.kind_of(document)
    found = snapshot.problems(document) if kind == "snapshot" else release_manifest.problems(document)
    if found:
        fail([f"{file}: {problem}" for problem in found], 1)
    print(f"{file}: valid ({kind} manifest)")
