"""`mlplat diagram` and the plan's report: the architecture read from an inventory, its Mermaid
source checked structurally, the Graphviz rendering checked as files, and the diff marks."""

from __future__ import annotations

import copy
import json
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlplat.review import diagram
from mlplat.review.diff import diff_stacks
from mlplat.synth.inventory import load_stacks
from platform_spec.paths import project_root

ROOT = project_root()
NODE = re.compile(r'^\s*([A-Za-z][\w]*)\["([^"]*)"\]:::(\w+)$')
EDGE = re.compile(r"^\s*([A-Za-z][\w]*) (-->|-\.->)\|([^|]*)\| ([A-Za-z][\w]*)$")
SUBGRAPH = re.compile(r'^\s*subgraph ([A-Za-z][\w]*)\["([^"]*)"\]$')


def parse_mermaid(text: str) -> dict:
    """A structural parse of the flowchart subset `mlplat.review.diagram.mermaid` writes: every line is a
    known statement, subgraphs close, ids are unique, edges and classes name what exists."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, tuple[str, str]] = {}
    subgraphs: dict[str, str] = {}
    edges: list[tuple[str, str, str, str]] = []
    class_defs: set[str] = set()
    link_styles: list[int] = []
    depth = 0
    for line in lines[1:]:
        if match := SUBGRAPH.match(line):
            assert match.group(1) not in subgraphs and match.group(1) not in nodes, line
            subgraphs[match.group(1)] = match.group(2)
            depth += 1
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, "an `end` without its subgraph"
        elif match := NODE.match(line):
            assert match.group(1) not in nodes and match.group(1) not in subgraphs, line
            nodes[match.group(1)] = (match.group(2), match.group(3))
        elif match := EDGE.match(line):
            edges.append((match.group(1), match.group(2), match.group(3), match.group(4)))
        elif line.strip().startswith("classDef "):
            class_defs.add(line.split()[1])
        elif line.strip().startswith("linkStyle "):
            link_styles.append(int(line.split()[1]))
        else:
            pytest.fail(f"not a statement of the flowchart: {line!r}")
    assert depth == 0, "a subgraph is not closed"
    for source, _, _, target in edges:
        assert source in nodes and (target in nodes or target in subgraphs), (source, target)
    assert {cls for _, cls in nodes.values()} <= class_defs
    assert all(0 <= i < len(edges) for i in link_styles)
    assert all('"' not in label for label, _ in nodes.values())
    return {"nodes": nodes, "subgraphs": subgraphs, "edges": edges}


@pytest.fixture(scope="module")
def dev(plans):
    return load_stacks(plans.inventory("dev"))


@pytest.fixture(scope="module")
def prod(plans):
    return load_stacks(plans.inventory("prod"))


def label(arch: diagram.Architecture, key: str) -> str:
    node = arch.nodes[key]
    return f"{node.type.rsplit(':', 1)[-1]} {node.name}"


def test_the_architecture_of_prod_has_its_accounts_regions_layers_and_flows(prod):
    arch = diagram.architecture(prod, "prod")
    assert {arch.accounts[n.account] for n in arch.nodes.values()} == {
        "management",
        "acme-log-archive",
        "acme-prod-data",
        "acme-prod-training",
        "acme-prod-registry",
    }
    training = next(a for a, name in arch.accounts.items() if name == "acme-prod-training")
    assert arch.regions(training) == ["eu-central-1", "us-west-2"]
    assert {n.layer for n in arch.nodes.values()} == {"org", "foundation", "data", "registry", "compute"}
    clusters = {n.key for n in arch.nodes.values() if n.type == diagram.HOST}
    assert len(clusters) == 2
    pools = [n for n in arch.nodes.values() if n.type == "mlplatform:compute:NodeGroup"]
    assert pools and all(n.host in clusters for n in pools)
    flows = {(label(arch, e.source), e.label, label(arch, e.target)) for e in arch.edges}
    assert ("ContainerRegistry ecr", "pulls images", "EksCluster eu-central-1") in flows
    assert ("ContainerRegistry ecr", "pulls images", "EksCluster us-west-2") in flows
    assert ("OrganizationTrail organization-trail", "audit logs", "LogArchive cloudtrail-archive") in flows
    assert ("Network training-euc1", "subnets", "EksCluster eu-central-1") in flows
    assert ("Network data-euc1", "subnets", "EksCluster eu-central-1") not in flows  # another account's VPC
    products = {label(arch, n.key) for n in arch.nodes.values() if n.type == "mlplatform:data:DataProduct"}
    read = {source for source, kind, _ in flows if kind == "reads data"}
    assert read == products  # every product grants the training account through its access points
    assert {kind for _, kind, _ in flows} <= {flow.label for flow in diagram.FLOWS}


def test_the_mermaid_source_parses_and_names_every_component(dev):
    arch = diagram.architecture(dev, "dev")
    parsed = parse_mermaid(diagram.mermaid(arch))
    assert len(parsed["nodes"]) == len(arch.nodes)
    assert len(parsed["edges"]) == len(arch.edges)
    assert {cls for _, cls in parsed["nodes"].values()} <= {
        "org",
        "foundation",
        "data",
        "registry",
        "compute",
    }
    assert any(title.startswith("EKS ") for title in parsed["subgraphs"].values())
    assert any(title.startswith("acme-dev-ml · ") for title in parsed["subgraphs"].values())


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_mlplat_diagram_renders_svg_and_png(plans, tmp_path):
    inventory = plans.inventory("prod")
    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "diagram", "--inventory", str(inventory), "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"{len(diagram.architecture(load_stacks(inventory)).nodes)} components in 5 account(s)"
    )
    width, height = png_size(tmp_path / "diagram.png")
    assert width > 1000 and height > 1000 and (tmp_path / "diagram.png").stat().st_size > 100_000
    svg = ET.parse(tmp_path / "diagram.svg").getroot()
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    for expected in (
        "account acme-prod-training · ",
        "EKS acme-prod-eu-central-1",
        "reads data",
        "pulls images",
    ):
        assert expected in texts
    parse_mermaid((tmp_path / "diagram.mmd").read_text(encoding="utf-8"))
    assert (tmp_path / "diagram.dot").read_text(encoding="utf-8").startswith("digraph architecture {")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "[]",
            "{path}: (top level): list: a JSON object, an mlplat inventory or a `pulumi stack export` file",
        ),
        (
            json.dumps({"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:s::p::t::n"}]}}),
            "{path}: (top level).deployment.resources[0].type: None: a non-empty string",
        ),
    ],
)
def test_a_bad_inventory_is_one_line_and_exit_2(tmp_path, content, expected):
    path = tmp_path / "inventory.json"
    path.write_text(content)
    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "diagram", "--inventory", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (2, expected.format(path=path) + "\n")


def test_the_diff_diagram_marks_added_removed_and_changed(dev):
    head = copy.deepcopy(dev)
    data = head["dev-data"]
    product = next(
        r
        for r in data
        if r["type"] == "mlplatform:data:DataProduct" and r["urn"].endswith("::drive-recordings")
    )
    removed = {r["urn"] for r in data if r["urn"] == product["urn"] or r.get("parent") == product["urn"]}
    removed |= {r["urn"] for r in data if r.get("parent") in removed}
    head["dev-data"] = [r for r in data if r["urn"] not in removed]
    group = next(
        r for r in head["dev-compute"] if r["type"] == "aws:eks/nodeGroup:NodeGroup" and "batch" in r["urn"]
    )
    group["inputs"]["scalingConfig"]["maxSize"] = 8
    copied = json.loads(
        json.dumps([r for r in data if "camera-frames" in r["urn"]]).replace(
            "camera-frames", "camera-frames-2"
        )
    )
    head["dev-data"] += copied  # a second product, all of it new
    result = diff_stacks(dev, head, environment="dev")
    arch = diagram.mark(diagram.architecture(dev, "dev"), diagram.architecture(head, "dev"), result)
    marks = {label(arch, k): n.mark for k, n in arch.nodes.items() if n.mark}
    assert marks == {
        "DataProduct drive-recordings": "removed",
        "NodeGroup eu-central-1-batch": "changed",
        "DataProduct camera-frames-2": "added",
    }
    assert {e.mark for e in arch.edges if label(arch, e.source) == "DataProduct drive-recordings"} == {
        "removed"
    }
    parsed = parse_mermaid(diagram.mermaid(arch))
    classes = {title.split("<br/>")[0]: cls for title, cls in parsed["nodes"].values()}
    assert classes["- drive-recordings"] == "removed" and classes["~ batch"] == "changed"
    assert classes["+ camera-frames-2"] == "added"
    assert {e.mark for e in arch.edges if label(arch, e.source) == "DataProduct camera-frames-2"} == {"added"}
    assert [e for e in parsed["edges"] if e[1] == "-.->"] and "stroke-dasharray" in diagram.mermaid(arch)


def test_plan_writes_the_diagram_and_a_report_that_opens_with_it(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "plan", "dev", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    lines = report.splitlines()
    assert lines[0] == "# Architecture report: `dev`"
    assert lines[2] == "![dev: accounts, regions, layers, components and flows](diagram.png)"
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## Policy gate", "## Monthly cost", "## Inventory"]
    assert "✅ **passed**" in report  # dev passes the gate (tests/gate/test_gate_environments.py)
    parse_mermaid(report.split("```mermaid\n", 1)[1].split("\n```", 1)[0] + "\n")
    assert png_size(tmp_path / "diagram.png")[0] > 500
    assert f"report: {tmp_path}/report.md" in result.stdout.replace("\n", "")


def test_the_architecture_doc_shows_the_current_diagram_of_prod(prod):
    """After a change to what prod deploys: python -m mlplat.review.report"""
    from mlplat.review import report

    text = report.ARCHITECTURE_DOC.read_text(encoding="utf-8")
    assert report.doc_block(diagram.architecture(prod, "prod")) in text
    assert (report.ARCHITECTURE_DOC.parent / "images" / "architecture-prod.svg").is_file()
