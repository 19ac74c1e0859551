"""The release hand-off contract: the documented examples validate or fail as intended, each failure
names its field, and `mlplat validate-manifest` says so as a user runs it."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import jsonschema
import pytest

from mlplat.contracts import release_manifest, snapshot
from platform_spec.paths import project_root

ROOT = project_root()
EXAMPLES = ROOT / "docs" / "examples"
INVALID = EXAMPLES / "invalid"
EXPECTED = json.loads((INVALID / "release-manifest.expected.json").read_text(encoding="utf-8"))
DOC = ROOT / "docs" / "release-manifest.md"
VALID = ["release-manifest.json", "release-manifest-tensorrt.json"]


def mlplat(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlplat", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def manifest():
    return release_manifest.load(EXAMPLES / "release-manifest.json")


@pytest.mark.parametrize("name", VALID)
def test_the_valid_examples_pass(name):
    assert release_manifest.problems(release_manifest.load(EXAMPLES / name)) == []


def test_the_examples_cover_both_toolchains_and_name_the_documented_snapshot():
    qnn, tensorrt = (release_manifest.load(EXAMPLES / name) for name in VALID)
    assert (qnn["target"]["soc"].split("-")[0], qnn["target"]["toolchain"]["name"]) == ("qualcomm", "qnn")
    assert (tensorrt["target"]["soc"].split("-")[0], tensorrt["target"]["toolchain"]["name"]) == (
        "nvidia",
        "tensorrt",
    )
    training_snapshot = json.loads((EXAMPLES / "training-snapshot-manifest.json").read_text(encoding="utf-8"))
    assert training_snapshot["snapshot_id"] in qnn["training"]["snapshot_ids"]


def test_every_invalid_example_has_its_expected_problem():
    assert sorted(p.name for p in INVALID.glob("release-manifest-*.json")) == sorted(EXPECTED)
    assert len(EXPECTED) >= 6


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_invalid_example_fails_naming_its_field(name):
    problems = release_manifest.problems(release_manifest.load(INVALID / name))
    assert problems == [EXPECTED[name]["problem"]]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_doc_lists_each_invalid_example_with_its_problem(name):
    doc = DOC.read_text(encoding="utf-8")
    assert f"[{name}](examples/invalid/{name})" in doc
    assert f"`{EXPECTED[name]['problem']}`" in doc


def test_the_snapshot_id_pattern_is_the_lake_convention():
    lake = snapshot.schema()["properties"]["snapshot_id"]["pattern"]
    schema = release_manifest.schema()
    assert schema["$defs"]["snapshot_id"]["pattern"] == lake
    assert schema["properties"]["quantization"]["properties"]["calibration_dataset"]["pattern"] == lake


def test_the_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(release_manifest.schema())


@pytest.mark.parametrize("version", ["3.2.0-rc.1", "3.2.0+build.7", "10.0.0"])
def test_semantic_versions_are_accepted(manifest, version):
    manifest["model"]["version"] = version
    manifest["artefact"]["uri"] = manifest["artefact"]["uri"].replace("/3.2.0/", f"/{version}/")
    assert release_manifest.problems(manifest) == []


def test_a_version_that_is_not_semver_is_named_with_the_pattern_as_written(manifest):
    manifest["model"]["version"] = "3.2"
    (problem,) = release_manifest.problems(manifest)
    pattern = release_manifest.schema()["properties"]["model"]["properties"]["version"]["pattern"]
    assert problem == f"model.version: '3.2' does not match '{pattern}'"


def test_every_object_is_closed_and_every_field_described():
    def walk(node, where):
        if isinstance(node, dict):
            if node.get("type") == "object":
                assert node.get("additionalProperties") is False, where
                for field, sub in node["properties"].items():
                    assert sub.get("description"), f"{where}.{field}"
            for key, value in node.items():
                walk(value, f"{where}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}.{i}")

    walk(release_manifest.schema(), "(schema)")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda m: m["validation"]["metrics"][4].update(value=28.5),
            ["validation.metrics.4.value: latency_p99_ms = 28.5 does not pass <= 28, yet passed is true"],
        ),
        (
            lambda m: m["validation"]["metrics"][0].update(passed=False),
            ["validation.metrics.0.passed: True was expected"],
        ),
        (lambda m: m["validation"]["metrics"][0].update(value=0.62), []),  # the threshold itself passes
        (
            lambda m: m["validation"]["metrics"].append(dict(m["validation"]["metrics"][0])),
            ["validation.metrics.5.name: 'mAP': named twice; metric names are unique"],
        ),
        (
            lambda m: m["quantization"].update(scheme="fp16"),
            [
                "quantization.calibration_dataset: 'camera-frames-20261120-7985a3613baa': "
                "must be null: fp16 needs no calibration"
            ],
        ),
        (
            lambda m: (
                m["validation"].update(snapshot_ids=["camera-frames-20261120-7985a3613baa"])
                or m["training"].update(snapshot_ids=["camera-frames-20261101-0123456789ab"])
            ),
            [
                "validation.snapshot_ids.0: 'camera-frames-20261120-7985a3613baa': "
                "validation data must be held out: it is the calibration dataset"
            ],
        ),
        (
            lambda m: m["artefact"].update(
                uri="s3://acme-prod-edge-artefacts-eu-central-1/releases/camera-detector/3.1.0/model.bin"
            ),
            [
                "artefact.uri: 's3://acme-prod-edge-artefacts-eu-central-1/releases/camera-detector/3.1.0/"
                "model.bin': expected s3://<edge-artefact bucket>/releases/camera-detector/3.2.0/<file>"
            ],
        ),
        (
            lambda m: m["artefact"]["object_lock"].update(retain_until="2026-12-04T10:41:27+01:00"),
            [
                "artefact.object_lock.retain_until: '2026-12-04T10:41:27+01:00': "
                "must be after approval.approved_at (2026-12-04T09:41:27Z)"
            ],
        ),
        (
            lambda m: m["approval"].update(approved_at="2026-02-30T09:41:27Z"),
            ["approval.approved_at: '2026-02-30T09:41:27Z' is not a 'date-time'"],
        ),
        (lambda m: m["approval"].update(approver="j.weber@acme.example"), []),
        (
            lambda m: m["target"].update(soc="nvidia-drive-thor"),
            ["target.toolchain.name: 'tensorrt' was expected (an NVIDIA SoC takes a TensorRT build)"],
        ),
        (
            lambda m: m["safety"].update(classification="ASIL-E"),
            ["safety.classification: 'ASIL-E' is not one of ['QM', 'ASIL-A', 'ASIL-B', 'ASIL-C', 'ASIL-D']"],
        ),
        (lambda m: m.update(schema_version=2), ["schema_version: 1 was expected"]),
    ],
)
def test_rule_breaks_are_named(manifest, change, expected):
    change(manifest)
    assert release_manifest.problems(manifest) == expected


def test_schema_errors_come_sorted_and_before_any_rule(manifest):
    manifest["validation"]["metrics"][0]["value"] = 0.1  # a rule break, hidden by the schema breaks
    manifest["safety"].pop("classification")
    manifest["model"]["version"] = "3.2"
    problems = release_manifest.problems(manifest)
    assert [p.split(":")[0] for p in problems] == ["model.version", "safety"]
    assert problems == sorted(problems)


def test_a_document_that_is_not_an_object():
    assert release_manifest.problems([]) == ["(top level): [] is not of type 'object'"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{\n  "model": ,\n}', "not JSON: line 2 column 12: Expecting value"),
        ('{"model": 1, "model": 2}', "not JSON: duplicate key 'model': each field may appear once"),
        ('{"value": NaN}', "not JSON: NaN is not a JSON number"),
    ],
)
def test_load_turns_bad_json_into_one_line(tmp_path, text, expected):
    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(release_manifest.LoadError) as error:
        release_manifest.load(path)
    assert str(error.value) == expected


def test_load_names_an_unreadable_file(tmp_path):
    with pytest.raises(release_manifest.LoadError, match=r"^cannot read: no such file$"):
        release_manifest.load(tmp_path / "missing.json")
    with pytest.raises(release_manifest.LoadError, match=r"^cannot read: "):
        release_manifest.load(tmp_path)


def test_kind_is_detected_from_the_document():
    assert release_manifest.kind_of({"snapshot_id": "x", "files": []}) == "snapshot"
    assert release_manifest.kind_of({"snapshot_id": "x"}) == "release"
    assert release_manifest.kind_of([]) == "release"


# --- the command, as a user runs it ------------------------------------------------------------


@pytest.mark.parametrize("name", VALID)
def test_cli_accepts_a_valid_release_manifest(name):
    result = mlplat("validate-manifest", f"docs/examples/{name}")
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"docs/examples/{name}: valid (release manifest)\n",
        "",
    )


def test_cli_detects_and_checks_a_training_snapshot_manifest():
    result = mlplat("validate-manifest", "docs/examples/training-snapshot-manifest.json")
    assert (result.returncode, result.stdout) == (
        0,
        "docs/examples/training-snapshot-manifest.json: valid (snapshot manifest)\n",
    )
    forced = mlplat(
        "validate-manifest", "--kind", "snapshot", "docs/examples/training-snapshot-manifest.json"
    )
    assert (forced.returncode, forced.stdout) == (result.returncode, result.stdout)


def test_cli_names_the_field_of_an_invalid_manifest_on_stderr():
    name = "release-manifest-tensorrt-on-qualcomm.json"
    result = mlplat("validate-manifest", f"docs/examples/invalid/{name}")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"docs/examples/invalid/{name}: {EXPECTED[name]['problem']}\n"


def test_cli_prints_one_line_per_problem(tmp_path):
    document = release_manifest.load(EXAMPLES / "release-manifest.json")
    document["registry"]["approval_status"] = "PendingManualApproval"
    del document["approval"]["approver"]
    path = tmp_path / "release.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = mlplat("validate-manifest", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}: approval: 'approver' is a required property",
        f"{path}: registry.approval_status: 'Approved' was expected",
    ]


def test_cli_checks_a_snapshot_manifest_by_the_lake_convention(tmp_path):
    document = json.loads((EXAMPLES / "training-snapshot-manifest.json").read_text(encoding="utf-8"))
    changed = copy.deepcopy(document)
    changed["totals"]["bytes"] += 1
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    result = mlplat("validate-manifest", str(path))
    assert result.returncode == 1
    assert result.stderr == f"{path}: {snapshot.problems(changed)[0]}\n"
    assert "totals:" in result.stderr


def test_cli_kind_release_checks_a_snapshot_manifest_as_a_release(tmp_path):
    result = mlplat("validate-manifest", "--kind", "release", "docs/examples/training-snapshot-manifest.json")
    assert result.returncode == 1
    assert "(top level): Additional properties are not allowed" in result.stderr


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json at all", "not JSON: line 1 column 1: Expecting value"),
        ("{", "not JSON: line 1 column 2: Expecting property name enclosed in double quotes"),
    ],
)
def test_cli_exits_2_without_a_traceback_for_a_file_that_is_not_json(tmp_path, content, expected):
    path = tmp_path / "release.json"
    path.write_text(content, encoding="utf-8")
    result = mlplat("validate-manifest", str(path))
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"{path}: {expected}\n")


def test_cli_exits_2_for_a_missing_file_and_an_unknown_kind(tmp_path):
    missing = mlplat("validate-manifest", str(tmp_path / "missing.json"))
    assert (missing.returncode, missing.stderr) == (
        2,
        f"{tmp_path / 'missing.json'}: cannot read: no such file\n",
    )
    unknown = mlplat("validate-manifest", "--kind", "model", "docs/examples/release-manifest.json")
    assert unknown.returncode == 2
    assert (
        unknown.stderr == "docs/examples/release-manifest.json: --kind: 'model': one of release, snapshot\n"
    )
    assert "Traceback" not in missing.stderr + unknown.stderr
