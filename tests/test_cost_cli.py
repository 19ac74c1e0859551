"""`mlplat cost` and the cost lines of `mlplat plan`, as a user runs them: a subprocess in the project root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlplat.cost_report import estimate_inventory

ROOT = Path(__file__).resolve().parent.parent


def mlplat(*args):
    return subprocess.run(
        [sys.executable, "-m", "mlplat", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def dev_inventory(plans) -> Path:
    return plans.inventory("dev")


def test_cost_json_has_the_totals_savings_and_every_line(dev_inventory):
    result = mlplat("cost", "--inventory", str(dev_inventory), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    expected = estimate_inventory("dev", dev_inventory)
    assert document["environment"] == "dev"
    assert document["monthly_usd"] == round(expected.estimate.total(expected.stacks), 2)
    assert document["worst_case_usd"] == round(expected.estimate.worst(expected.stacks), 2)
    assert document["worst_case_usd"] >= document["monthly_usd"] > 0
    assert document["budget_cap_usd"] == 15000
    assert {row["layer"] for row in document["by_layer"]} == {"foundation", "data", "registry", "compute"}
    assert sum(row["monthly_usd"] for row in document["by_layer"]) == pytest.approx(
        document["monthly_usd"], abs=0.05
    )
    assert document["unpriced_lines"] == sum(1 for line in document["lines"] if line["stack"] != "org" and (
        line["monthly_usd"] is None or line["worst_case_usd"] is None))  # fmt: skip
    assert all(line["missing"] for line in document["lines"] if line["monthly_usd"] is None)
    assert {s["kind"] for s in document["savings"]} <= {"spot", "tiering"}


def test_cost_markdown_and_table(dev_inventory):
    markdown = mlplat("cost", "dev", "--inventory", str(dev_inventory), "--markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("## Cost estimate: dev\n\n- monthly estimate $")
    assert "| layer | component | estimate | worst case | unpriced lines |" in markdown.stdout
    table = mlplat("cost", "--inventory", str(dev_inventory))
    assert table.returncode == 0, table.stderr
    assert "mlplat cost dev: monthly estimate per layer and component (USD)" in table.stdout
    assert "savings: spot $" in table.stdout and "against S3 Standard" in table.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["cost"], "mlplat cost: (arguments): give an environment, --inventory FILE, or both"),
        (["cost", "--inventory", "no/such.json"], "no/such.json: (file): not found: an mlplat inventory or a `pulumi stack export` file"),
        (["cost", "dev", "--markdown", "--json"], "mlplat cost: --markdown, --json: choose one"),
        (["cost", "qa"], "environments/qa.yaml: (top level): 'qa': no such environment; allowed: dev, prod, staging"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line(args, expected):
    result = mlplat(*args)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == expected
    assert "Traceback" not in result.stderr


def test_plan_json_carries_the_cost_and_the_table_its_top_lines(tmp_path):
    result = mlplat("plan", "dev", "--out", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)["cost"]
    assert set(summary) == {
        "monthly_usd", "worst_case_usd", "budget_cap_usd", "spot_savings_usd", "spot_savings_unpriced",
        "tiering_savings_usd", "tiering_savings_unpriced", "unpriced_lines", "organization_usd", "top",
    }  # fmt: skip
    assert len(summary["top"]) == 5 and summary["top"][0]["monthly_usd"] >= summary["top"][-1]["monthly_usd"]
    table = mlplat("plan", "dev", "--out", str(tmp_path))
    assert table.returncode == 0, table.stderr
    assert "cost: $" in table.stdout and "details: `mlplat cost dev`" in table.stdout
