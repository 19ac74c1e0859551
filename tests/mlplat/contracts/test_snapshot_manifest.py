"""The training snapshot convention: the documented example is valid, and every break is named."""

from __future__ import annotations

import copy
import json

import pytest

from mlplat.contracts import snapshot
from platform_spec.paths import project_root

EXAMPLE = project_root() / "docs" / "examples" / "training-snapshot-manifest.json"


@pytest.fixture
def manifest():
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_the_documented_example_is_valid(manifest):
    assert snapshot.problems(manifest) == []
    assert manifest["snapshot_id"] == snapshot.snapshot_id("camera-frames", "2026-11-20", manifest["digest"])


def test_the_digest_ignores_file_order_but_not_versions(manifest):
    files = manifest["files"]
    assert snapshot.digest(list(reversed(files))) == snapshot.digest(files)
    changed = copy.deepcopy(files)
    changed[0]["version_id"] = "another-version"
    assert snapshot.digest(changed) != snapshot.digest(files)


def test_a_changed_file_no_longer_matches_the_digest_or_the_id(manifest):
    manifest["files"][1]["sha256"] = "0" * 64
    problems = snapshot.problems(manifest)
    assert len(problems) == 2
    assert problems[0].startswith(f"digest: '{manifest['digest']}' is not the digest of files (")
    assert problems[1].startswith(
        f"snapshot_id: '{manifest['snapshot_id']}': expected camera-frames-20261120-"
    )


def test_convention_breaks_are_named(manifest):
    manifest["location"]["prefix"] = "snapshots/latest/"
    manifest["totals"]["bytes"] += 1
    assert snapshot.problems(manifest) == [
        "location.prefix: 'snapshots/latest/': expected snapshots/<snapshot_id>/",
        "totals: {'files': 3, 'bytes': 536870913}: the files add up to {'files': 3, 'bytes': 536870912}",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda m: m["object_lock"].update(mode="GOVERNANCE"), "object_lock.mode: 'COMPLIANCE' was expected"),
        (lambda m: m.pop("sources"), "(top level): 'sources' is a required property"),
        (lambda m: m["files"][0].pop("version_id"), "files.0: 'version_id' is a required property"),
        (lambda m: m.update(snapshot_id="latest"), "snapshot_id: 'latest' does not match"),
        (
            lambda m: m["sources"][0].update(zone="training-snapshot"),
            "sources.0.zone: 'training-snapshot' is not one of",
        ),
    ],
)
def test_schema_errors_name_the_field(manifest, change, expected):
    change(manifest)
    (problem,) = snapshot.problems(manifest)
    assert problem.startswith(expected)
