"""`mlplat check` as a user runs it: a subprocess in the project root, exit codes 0, 1 and 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from junitparser import JUnitXml

from platform_spec.paths import project_root

ROOT = project_root()


def mlplat(*args):
    return subprocess.run(
        [sys.executable, "-m", "mlplat", *args], cwd=ROOT, capture_output=True, text=True, timeout=180
    )


@pytest.fixture(scope="module")
def dev_check(tmp_path_factory):
    out = tmp_path_factory.mktemp("dev")
    return out, mlplat("check", "dev", "--out", str(out))


def test_check_plans_the_environment_passes_and_writes_three_reports(dev_check):
    out, result = dev_check
    assert result.returncode == 0, result.stderr
    assert "passed: 0 mandatory, 0 advisory finding(s); 74 rules" in result.stdout.replace("\n", " ")
    assert "checkov passed: 0 failed check(s) outside policies/checkov-baseline.yaml" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "checkov",
        "gate.junit.xml",
        "gate.md",
        "gate.sarif",
        "inventory.json",
    ]
    assert (out / "gate.md").read_text().startswith("## Policy gate: dev\n\n✅ **passed**: 0 mandatory")
    sarif = json.loads((out / "gate.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    assert [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]][:2] == [
        "aws-provider-allowed-account-ids",
        "aws-provider-default-tags",
    ]
    assert sarif["runs"][0]["results"] == []
    junit = JUnitXml.fromfile(str(out / "gate.junit.xml"))
    suites = list(junit)
    assert [s.name for s in suites] == [
        f"mlplatform-policies: {s}" for s in json.loads((out / "inventory.json").read_text())["stacks"]
    ]
    assert sum(1 for s in suites for case in s if case.is_failure) == 0
    assert all(len(list(s)) == 74 for s in suites)


def test_a_mandatory_violation_exits_1_and_is_reported_everywhere(dev_check, tmp_path):
    out, _ = dev_check
    inventory = json.loads((out / "inventory.json").read_text())
    for resource in inventory["stacks"]["org"]["deployment"]["resources"]:
        if resource["type"] == "aws:s3/bucketVersioning:BucketVersioning" and resource["urn"].endswith(
            "::cloudtrail-archive"
        ):
            for side in ("inputs", "outputs"):
                resource[side]["versioningConfiguration"] = {"status": "Suspended"}
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(inventory))
    result = mlplat("check", "--inventory", str(path))
    assert result.returncode == 1, result.stderr
    assert (
        "mandatory: s3-bucket-versioning-enabled: org: cloudtrail-archive: bucket cloudtrail-archive: versioning is ['Suspended'], not Enabled"
        in result.stdout.replace("\n", "")
    )
    assert "BLOCKED: 1 mandatory, 0 advisory" in result.stdout.replace("\n", " ")
    assert "❌ **blocked**: 1 mandatory" in (tmp_path / "gate.md").read_text()
    sarif = json.loads((tmp_path / "gate.sarif").read_text())
    assert [(r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"]] == [
        ("s3-bucket-versioning-enabled", "error")
    ]
    junit = JUnitXml.fromfile(str(tmp_path / "gate.junit.xml"))
    failed = [(s.name, c.name) for s in junit for c in s if c.is_failure]
    assert failed == [("mlplatform-policies: org", "s3-bucket-versioning-enabled")]


def test_a_single_pulumi_stack_export_is_checked_with_its_environments_config(dev_check, tmp_path):
    out, _ = dev_check
    export = json.loads((out / "inventory.json").read_text())["stacks"]["dev-foundation"]
    path = tmp_path / "dev-foundation.json"
    path.write_text(json.dumps(export))
    result = mlplat("check", "--inventory", str(path))
    assert result.returncode == 0, result.stderr
    assert "over 69 resources (components and providers included) in 1 stacks" in result.stdout.replace(
        "\n", " "
    )


@pytest.mark.parametrize(
    ("args", "writes", "expected"),
    [
        (
            ["check"],
            None,
            "mlplat check: (arguments): give an environment or --inventory FILE, not both and not neither",
        ),
        (
            ["check", "--inventory", "no/such.json"],
            None,
            "no/such.json: (file): not found: an mlplat inventory or a `pulumi stack export` file",
        ),
        (
            ["check", "--inventory", "{tmp}/bad.json"],
            "{not json",
            "{tmp}/bad.json: line 1 column 2: Expecting property name enclosed in double quotes: valid JSON",
        ),
        (
            ["check", "--inventory", "{tmp}/bad.json"],
            '{"version": 2, "deployment": {}}',
            "{tmp}/bad.json: (top level).version: 2: 3 (`pulumi stack export` deployment version 3)",
        ),
        (
            ["check", "--inventory", "{tmp}/bad.json"],
            '{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:dev-x::p::t::n"}]}}',
            "{tmp}/bad.json: (top level).deployment.resources[0].type: None: a non-empty string",
        ),
        (
            ["check", "qa"],
            None,
            "environments/qa.yaml: (top level): 'qa': no such environment; allowed: dev, prod, staging",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_per_problem(tmp_path, args, writes, expected):
    if writes is not None:
        (tmp_path / "bad.json").write_text(writes)
    result = mlplat(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == expected.replace("{tmp}", str(tmp_path))
    assert "Traceback" not in result.stdout + result.stderr


def test_a_bad_config_exits_2_naming_each_problem(dev_check, tmp_path):
    out, _ = dev_check
    config = json.loads((ROOT / "policies/config/dev.json").read_text())
    config["s3-bucket-tierng"] = "advisory"
    config["kms-key-protect"]["enforcementLevel"] = "mandtory"
    config["kms-key-deletion-window"]["minimumDays"] = 3
    del config["ec2-vpc-nat-gateway-count"]["strategy"]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    result = mlplat("check", "--inventory", str(out / "inventory.json"), "--config", str(path))
    assert result.returncode == 2
    lines = result.stderr.splitlines()[1:]  # after "checking <inventory>"
    assert len(lines) == 4
    assert (
        lines[0]
        == f"{path}: kms-key-protect.enforcementLevel: 'mandtory': one of advisory, mandatory, remediate, disabled"
    )
    assert lines[1].startswith(
        f"{path}: s3-bucket-tierng: (entry): no such rule in the pack; allowed: all, aws-provider-"
    )
    assert lines[2:] == [
        f"{path}: ec2-vpc-nat-gateway-count.strategy: '(missing)': required by the rule's schema",
        f"{path}: kms-key-deletion-window.minimumDays: 3: must match minimum 7",
    ]
