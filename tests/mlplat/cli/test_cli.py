"""The command line as a user runs it: a subprocess in the project root."""

import json
import subprocess
import sys

from platform_spec.paths import project_root

ROOT = project_root()


def mlplat(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "mlplat", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_plan_writes_an_inventory_and_prints_a_json_summary(tmp_path):
    result = mlplat("plan", "dev", "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert [s["stack"] for s in summary["stacks"]] == [
        "org",
        "dev-foundation",
        "dev-data",
        "dev-registry",
        "dev-compute",
    ]
    assert [s["warnings"] for s in summary["stacks"]] == [[], [], [], [], []]
    assert summary["total_resources"] == sum(s["resources"] for s in summary["stacks"]) > 80
    assert summary["gate"]["verdict"] == "passed" and summary["gate"]["rules"] >= 50
    assert (tmp_path / "gate.md").exists() and summary["gate"]["reports"][0] == str(tmp_path / "gate.md")
    inventory = json.loads((tmp_path / "inventory.json").read_text())
    assert list(inventory["stacks"]) == ["org", "dev-foundation", "dev-data", "dev-registry", "dev-compute"]
    counted = sum(
        1
        for export in inventory["stacks"].values()
        for r in export["deployment"]["resources"]
        if r["custom"] and not r["type"].startswith("pulumi:pulumi:")
    )
    assert counted == summary["total_resources"]


def test_plan_prints_a_table_per_stack_and_type(tmp_path):
    result = mlplat("plan", "staging", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "aws:organizations/account:Account" in result.stdout
    assert "staging-foundation" in result.stdout
    assert f"inventory: {tmp_path}/inventory.json" in result.stdout.replace("\n", "")


def test_unknown_environment_exits_2_with_one_line():
    result = mlplat("plan", "qa")
    assert result.returncode == 2
    assert (
        result.stderr
        == "environments/qa.yaml: (top level): 'qa': no such environment; allowed: dev, prod, staging\n"
    )
    assert "Traceback" not in result.stdout + result.stderr
