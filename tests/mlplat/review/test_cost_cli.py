"""`mlplat cost` and the cost lines of `mlplat plan`, as a user runs them: a subprocess in the project root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from platform_spec.paths import project_root

ROOT = project_root()


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
    assert document["environment"] == "dev"
    assert document["worst_case_usd"] >= document["monthly_usd"] > 0
    assert document["budget_cap_usd"] == 15000
    layers = {row["layer"]: row for row in document["by_layer"]}
    assert set(layers) == {"foundation", "data", "registry", "compute"}
    assert sum(row["monthly_usd"] for row in layers.values()) == pytest.approx(
        document["monthly_usd"], abs=0.05
    )
    # By hand, from core/platform_cost/data/prices.yaml (eu-central-1) and environments/dev.yaml: the EKS control
    # plane is $0.10/h x 730 h = $73.00.
    [control_plane] = [line for line in document["lines"] if line["item"] == "eks.cluster.STANDARD"]
    assert (control_plane["resource"], control_plane["quantity"], control_plane["monthly_usd"]) == (
        "eu-central-1",
        730,
        73.0,
    )
    # The foundation layer: 8 KMS keys x $1 = $8; one NAT gateway, 730 h x $0.052 = $37.96, processing
    # 500 GB x $0.052 = $26.00; cross-AZ traffic, 2,000 GB billed in both directions x $0.01 = $40.00;
    # 6 interface endpoints in 2 AZs, 1,460 AZ-hours x $0.012 = $17.52 each, $105.12; the S3 gateway
    # endpoint $0. Together $217.08, and nothing scales with a pool, so the worst case is the same.
    assert (layers["foundation"]["monthly_usd"], layers["foundation"]["worst_case_usd"]) == (217.08, 217.08)
    assert layers["foundation"]["unpriced_lines"] == 0
    # The registry layer: one repository, 20 GB x $0.10 = $2.00, and its hand-off topic's key, $1.
    assert layers["registry"]["monthly_usd"] == 3.0
    unpriced = [
        line
        for line in document["lines"]
        if line["stack"] != "org" and (line["monthly_usd"] is None or line["worst_case_usd"] is None)
    ]
    assert document["unpriced_lines"] == len(unpriced) > 0
    assert all(line["missing"] for line in unpriced)
    assert {s["kind"] for s in document["savings"]} <= {"spot", "tiering"}


NO_USAGE = (
    "8 bucket(s) have no usage assumption: $0 assumed (the spec gives volumes for lake zones only): "
    "org: cloudtrail-archive-access-logs, org: cloudtrail-archive, dev-data: lake-access-logs-eu-central-1, "
    "dev-data: lake-inventory-eu-central-1, dev-registry: edge-artefacts, dev-registry: models-mlflow-artifacts, "
    "dev-registry: registry-access-logs, dev-compute: eu-central-1-tenancy-scratch"
)
"""dev's buckets outside the lake's zones (access logs, inventories, the trail's archive, registries' stores,
the tenancy scratch bucket): the spec has no volume for them, and every rendering says so."""


def test_cost_markdown_and_table(dev_inventory):
    markdown = mlplat("cost", "dev", "--inventory", str(dev_inventory), "--markdown")
    assert markdown.returncode == 0, markdown.stderr
    assert markdown.stdout.startswith("## Cost estimate: dev\n\n- monthly estimate $")
    assert "| layer | component | estimate | worst case | unpriced lines |" in markdown.stdout
    assert f"\n- {NO_USAGE}\n" in markdown.stdout
    table = mlplat("cost", "--inventory", str(dev_inventory))
    assert table.returncode == 0, table.stderr
    assert "mlplat cost dev: monthly estimate per layer and component (USD)" in table.stdout
    assert "savings: spot $" in table.stdout and "against S3 Standard" in table.stdout
    assert NO_USAGE in " ".join(table.stdout.split())


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
        "tiering_savings_usd", "tiering_savings_unpriced", "unpriced_lines", "no_usage_assumption", "organization_usd",
        "top",
    }  # fmt: skip
    assert len(summary["no_usage_assumption"]) == 8
    assert len(summary["top"]) == 5 and summary["top"][0]["monthly_usd"] >= summary["top"][-1]["monthly_usd"]
    table = mlplat("plan", "dev", "--out", str(tmp_path))
    assert table.returncode == 0, table.stderr
    assert "cost: $" in table.stdout and "details: `mlplat cost dev`" in table.stdout
    assert (
        "; 8 bucket(s) have no usage assumption: $0 assumed (the spec gives volumes for lake zones only)"
        in (" ".join(table.stdout.split()))
    )
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert f"\n- {NO_USAGE}\n" in report


# --- bad inventories: one line per problem, exit 2, never a traceback ---------------------------------


def first_node_group(document: dict) -> dict:
    return next(
        r
        for r in document["stacks"]["dev-compute"]["deployment"]["resources"]
        if r["type"] == "aws:eks/nodeGroup:NodeGroup"
    )


def test_a_json_array_is_not_an_inventory(tmp_path):
    (tmp_path / "array.json").write_text("[1, 2]")
    result = mlplat("cost", "--inventory", str(tmp_path / "array.json"))
    assert (result.returncode, result.stderr) == (
        2,
        f"{tmp_path}/array.json: (top level): list: a JSON object, an mlplat inventory or a "
        "`pulumi stack export` file\n",
    )


def test_a_resource_without_a_type_is_named(dev_inventory, tmp_path):
    document = json.loads(dev_inventory.read_text())
    del document["stacks"]["dev-data"]["deployment"]["resources"][3]["type"]
    (tmp_path / "inventory.json").write_text(json.dumps(document))
    result = mlplat("cost", "--inventory", str(tmp_path / "inventory.json"))
    assert (result.returncode, result.stderr) == (
        2,
        f"{tmp_path}/inventory.json: stacks.dev-data.deployment.resources[3].type: None: a non-empty string\n",
    )


def test_a_node_group_size_that_is_no_whole_number_is_named(dev_inventory, tmp_path):
    document = json.loads(dev_inventory.read_text())
    group = first_node_group(document)
    group["inputs"]["scalingConfig"]["maxSize"] = "four"
    group["inputs"]["scalingConfig"]["minSize"] = 1.5
    (tmp_path / "inventory.json").write_text(json.dumps(document))
    result = mlplat("cost", "--inventory", str(tmp_path / "inventory.json"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{tmp_path}/inventory.json: dev-compute: {group['urn']}: scalingConfig.minSize: 1.5: a whole number, 0 or more",
        f"{tmp_path}/inventory.json: dev-compute: {group['urn']}: scalingConfig.maxSize: 'four': a whole number, 0 or more",
    ]


def test_an_inventory_of_another_environment_is_refused(plans):
    prod = plans.inventory("prod")
    result = mlplat("cost", "dev", "--inventory", str(prod))
    assert (result.returncode, result.stderr) == (
        2,
        f"{prod}: environment: 'prod': the inventory of prod, not of dev: "
        f"`mlplat cost prod --inventory {prod}`, or leave ENV out\n",
    )


def test_a_stack_export_of_another_environment_is_refused(plans, tmp_path):
    export = json.loads(plans.inventory("prod").read_text())["stacks"]["prod-data"]
    (tmp_path / "export.json").write_text(json.dumps(export))
    result = mlplat("cost", "dev", "--inventory", str(tmp_path / "export.json"))
    assert (result.returncode, result.stderr) == (
        2,
        f"{tmp_path}/export.json: (stack name): 'prod-data': a stack of prod, not of dev: "
        f"`mlplat cost prod --inventory {tmp_path}/export.json`, or leave ENV out\n",
    )


def test_a_stack_export_names_its_environment_or_the_stack_is_named(plans, tmp_path):
    """Without its root Stack resource an export is named after its file: `c` is no environment's stack,
    and the message says so instead of looking for environments/c.yaml."""
    export = json.loads(plans.inventory("prod").read_text())["stacks"]["prod-data"]
    (tmp_path / "prod-data.json").write_text(json.dumps(export))
    priced = mlplat("cost", "--inventory", str(tmp_path / "prod-data.json"), "--json")
    assert priced.returncode == 0, priced.stderr
    assert json.loads(priced.stdout)["environment"] == "prod"
    export["deployment"]["resources"] = [
        r for r in export["deployment"]["resources"] if r["type"] != "pulumi:pulumi:Stack"
    ]
    (tmp_path / "c.json").write_text(json.dumps(export))
    for args, expected in (
        ((), "an environment's stack is `<env>-<layer>`"),
        (("prod",), "a stack of prod is `prod-<layer>`"),
    ):
        result = mlplat("cost", *args, "--inventory", str(tmp_path / "c.json"))
        assert (result.returncode, result.stderr) == (
            2,
            f"{tmp_path}/c.json: (stack name): 'c' (the file's name: the export has no pulumi:pulumi:Stack "
            f"resource): names no environment; {expected}, the layer one of foundation, data, registry, "
            "compute\n",
        )


def test_a_broken_price_table_is_one_line_per_problem_and_exit_2(dev_inventory, tmp_path, monkeypatch):
    """A fork that edits core/platform_cost/data/prices.yaml badly gets the loader's lines, not a traceback."""
    from typer.testing import CliRunner

    from mlplat.cli.app import app
    from platform_cost import prices

    broken = tmp_path / "prices.yaml"
    broken.write_text("rows: [oops\n")
    monkeypatch.setattr(prices, "_DEFAULT", None)
    monkeypatch.setattr(prices, "default", lambda: prices.load(broken))
    result = CliRunner().invoke(app, ["cost", "--inventory", str(dev_inventory)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert (
        result.stderr
        == f"{broken}: line 2, column 1: not valid YAML: expected ',' or ']', but got '<stream end>'\n"
    )
