"""Training snapshot manifests: the exact objects a model was trained on (docs/data-lake.md).

A snapshot is cut by copying the selected objects into a training-snapshot zone under
`snapshots/<snapshot_id>/`, where Object Lock (compliance mode) keeps every version for the
class's retention, and writing `manifest.json` beside them. The snapshot id ends in the
manifest's digest, so a model that names the id names the bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

SCHEMA = "training-snapshot-manifest.schema.json"


@cache
def schema() -> dict[str, Any]:
    return json.loads(
        resources.files("mlplat.contracts.schemas").joinpath(SCHEMA).read_text(encoding="utf-8")
    )


def digest(files: Iterable[Mapping[str, Any]]) -> str:
    """sha256 over the sorted `key<TAB>version_id<TAB>sha256` lines: independent of file order."""
    lines = sorted(f"{f['key']}\t{f['version_id']}\t{f['sha256']}\n" for f in files)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def snapshot_id(product: str, date: str, manifest_digest: str) -> str:
    """`<product>-<YYYYMMDD>-<12 hex digits of the digest>`."""
    return f"{product}-{date.replace('-', '')[:8]}-{manifest_digest[:12]}"


def problems(manifest: Any) -> list[str]:
    """Every way `manifest` breaks the schema or the snapshot convention; empty when it is valid."""
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    found = [
        f"{'.'.join(str(p) for p in error.absolute_path) or '(top level)'}: {error.message}"
        for error in sorted(validator.iter_errors(manifest), key=lambda e: list(map(str, e.absolute_path)))
    ]
    if found:
        return found
    expected_digest = digest(manifest["files"])
    if manifest["digest"] != expected_digest:
        found.append(f"digest: {manifest['digest']!r} is not the digest of files ({expected_digest})")
    expected_id = snapshot_id(manifest["product"], manifest["created_at"][:10], expected_digest)
    if manifest["snapshot_id"] != expected_id:
        found.append(
            f"snapshot_id: {manifest['snapshot_id']!r}: expected {expected_id} (product, date, digest)"
        )
    if manifest["location"]["prefix"] != f"snapshots/{manifest['snapshot_id']}/":
        found.append(
            f"location.prefix: {manifest['location']['prefix']!r}: expected snapshots/<snapshot_id>/"
        )
    files, size = len(manifest["files"]), sum(f["size"] for f in manifest["files"])
    if manifest["totals"] != {"files": files, "bytes": size}:
        found.append(
            f"totals: {manifest['totals']}: the files add up to {{'files': {files}, 'bytes': {size}}}"
        )
    return found
