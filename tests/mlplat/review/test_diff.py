"""`mlplat diff`: hand-made inventory pairs with exact Markdown sections, and one end-to-end run
that commits a change in a temporary repository and diffs it against the commit before."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mlplat.review import compare as review
from mlplat.review import diff_markdown
from mlplat.review.diff import (
    MISSING,
    CostDelta,
    CostLine,
    Finding,
    GateSide,
    diff_stacks,
    flatten,
    property_changes,
)
from platform_spec.paths import project_root

ROOT = project_root()
PROVIDER = "urn:pulumi:dev-data::mlplatform::pulumi:pulumi:Stack$pulumi:providers:aws::data-eu-central-1"
STACK = "urn:pulumi:dev-data::mlplatform::pulumi:pulumi:Stack::mlplatform-dev-data"
PRODUCT = "urn:pulumi:dev-data::mlplatform::pulumi:pulumi:Stack$mlplatform:data:DataProduct::camera-frames"
COMPUTE_STACK = "urn:pulumi:dev-compute::mlplatform::pulumi:pulumi:Stack::mlplatform-dev-compute"
POOL = (
    "urn:pulumi:dev-compute::mlplatform::pulumi:pulumi:Stack$mlplatform:compute:NodeGroup::eu-central-1-batch"
)


def bucket(
    name: str, *, protect: bool = True, parent_type: str = "mlplatform:data:DataProduct", **extra
) -> dict:
    urn = f"urn:pulumi:dev-data::mlplatform::{parent_type}$aws:s3/bucket:Bucket::{name}"
    resource = {
        "urn": urn,
        "custom": True,
        "id": f"acme-dev-{name}",
        "type": "aws:s3/bucket:Bucket",
        "inputs": {"bucket": f"acme-dev-{name}", "objectLockEnabled": False, "tags": {"zone": "curated"}},
        "parent": PRODUCT,
        "provider": f"{PROVIDER}::p1",
        **extra,
    }
    if protect:
        resource["protect"] = True
    return resource


def data_stack(*resources: dict) -> dict[str, list[dict]]:
    base = [
        {"urn": STACK, "custom": False, "type": "pulumi:pulumi:Stack"},
        {
            "urn": PROVIDER,
            "custom": True,
            "id": "p1",
            "type": "pulumi:providers:aws",
            "inputs": {"region": "eu-central-1"},
            "parent": STACK,
        },
        {"urn": PRODUCT, "custom": False, "type": "mlplatform:data:DataProduct", "parent": STACK},
    ]
    return {"dev-data": [*base, *resources]}


def node_group(capacity: str, max_size: int) -> dict[str, list[dict]]:
    return {
        "dev-compute": [
            {"urn": COMPUTE_STACK, "custom": False, "type": "pulumi:pulumi:Stack"},
            {"urn": POOL, "custom": False, "type": "mlplatform:compute:NodeGroup", "parent": COMPUTE_STACK},
            {
                "urn": "urn:pulumi:dev-compute::mlplatform::mlplatform:compute:NodeGroup$aws:eks/nodeGroup:NodeGroup::eu-central-1-batch",
                "custom": True,
                "id": "acme-dev:eu-central-1-batch",
                "type": "aws:eks/nodeGroup:NodeGroup",
                "inputs": {
                    "capacityType": capacity,
                    "instanceTypes": ["g6e.xlarge", "g5.xlarge"],
                    "scalingConfig": {"desiredSize": 0, "maxSize": max_size, "minSize": 0},
                },
                "parent": POOL,
            },
        ]
    }


def section(markdown: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    lines = markdown.splitlines()
    start = lines.index(heading)
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].startswith("#") and len(lines[i].split(" ", 1)[0]) <= len(level)
        ),
        len(lines),
    )
    return "\n".join(lines[start:end]).strip("\n")


# --- identical sides ---------------------------------------------------------------------------


def test_identical_sides_give_an_empty_diff():
    stacks = data_stack(bucket("camera-frames-curated"))
    diff = diff_stacks(stacks, copy.deepcopy(stacks), environment="dev", base_label="main", head_label="pr")
    assert diff.empty and diff.resources == []
    assert diff_markdown.render(diff) == (
        "<!-- mlplat-diff:dev -->\n"
        "## Architecture diff: `dev`\n"
        "\n"
        "`main` → `pr`: no architecture change. No resource was added, removed, replaced, renamed or changed.\n"
    )
    assert diff.to_json()["summary"] == {
        "added": 0,
        "removed": 0,
        "replaced": 0,
        "renamed": 0,
        "changed": 0,
        "components_added": 0,
        "components_removed": 0,
        "components_moved": 0,
    }


# --- added and removed -------------------------------------------------------------------------


def test_an_added_resource_lists_its_reviewed_inputs():
    base = data_stack(bucket("camera-frames-curated"))
    head = data_stack(bucket("camera-frames-curated"), bucket("camera-frames-raw", objectLockEnabled=True))
    head["dev-data"][-1]["inputs"]["objectLockEnabled"] = True
    markdown = diff_markdown.render(diff_stacks(base, head, environment="dev"))
    assert section(markdown, "#### data: `dev-data` (1 change(s))") == "\n".join(
        [
            "#### data: `dev-data` (1 change(s))",
            "",
            "**DataProduct camera-frames: 1 added**",
            "",
            "- + `aws:s3/bucket:Bucket` **camera-frames-raw**",
            "  - `objectLockEnabled` set to `true` (Object Lock)",
        ]
    )
    assert "0 added" not in markdown and "**1 added**" in markdown


def test_removing_a_protected_bucket_is_a_highlight_and_a_warning():
    base = data_stack(bucket("camera-frames-curated"), bucket("camera-frames-raw"))
    head = data_stack(bucket("camera-frames-curated"))
    diff = diff_stacks(base, head, environment="dev")
    markdown = diff_markdown.render(diff)
    assert section(markdown, "### Review highlights") == "\n".join(
        [
            "### Review highlights",
            "",
            "| category | change | where |",
            "|---|---|---|",
            "| deletion protection | removed: **protected or retained**, `pulumi up` stops at the delete or "
            "leaves it behind | `dev-data` DataProduct camera-frames: `aws:s3/bucket:Bucket` camera-frames-raw |",
        ]
    )
    assert (
        "- - `aws:s3/bucket:Bucket` **camera-frames-raw**\n"
        "  - ⚠️ **protected or retained on delete**: `pulumi up` stops at the delete (protect) or leaves the old "
        "resource behind (retainOnDelete)\n"
        "  - `objectLockEnabled` set to `false` (Object Lock)"
    ) in markdown
    assert diff.summary()["removed"] == 1


# --- identity changes --------------------------------------------------------------------------


def test_a_rename_with_an_alias_is_renamed_not_replaced():
    old = bucket("camera-frames-curated")
    new = bucket("camera-frames-curated-v2", aliases=[old["urn"]])
    new["inputs"] = dict(old["inputs"])
    diff = diff_stacks(data_stack(old), data_stack(new), environment="dev")
    [change] = diff.resources
    assert (change.kind, change.how, change.old_urn, change.changes) == ("renamed", "alias", old["urn"], ())
    assert section(diff_markdown.render(diff), "### Changes by layer and component").endswith(
        "**DataProduct camera-frames: 1 renamed**\n"
        "\n"
        "- > `aws:s3/bucket:Bucket` **camera-frames-curated-v2** (was **camera-frames-curated**)\n"
        "  - matched by alias"
    )


def test_a_rename_without_an_alias_is_a_replacement_of_a_protected_bucket():
    old = bucket("camera-frames-curated")
    new = bucket("camera-frames-cur")
    new["inputs"] = dict(old["inputs"])  # the physical name stayed: the same bucket, under a new URN
    diff = diff_stacks(data_stack(old), data_stack(new), environment="dev")
    [change] = diff.resources
    assert (change.kind, change.how, change.protected) == ("replaced", "same bucket", True)
    markdown = diff_markdown.render(diff)
    assert section(markdown, "### Changes by layer and component").endswith(
        "**DataProduct camera-frames: 1 replaced**\n"
        "\n"
        "- ! `aws:s3/bucket:Bucket` **camera-frames-cur** (was **camera-frames-curated**)\n"
        "  - matched by same bucket\n"
        "  - ⚠️ **protected or retained on delete**: `pulumi up` stops at the delete (protect) or leaves the old "
        "resource behind (retainOnDelete)"
    )
    assert "**1 replaced**" in markdown


def test_a_moved_resource_with_new_inputs_is_matched_by_similarity():
    old = bucket("camera-frames-curated", protect=False)
    old["inputs"] = {"bucket": "b-1", "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7}
    new = bucket("zz-renamed", protect=False)
    new["inputs"] = {**old["inputs"], "bucket": "b-2"}
    [change] = diff_stacks(data_stack(old), data_stack(new)).resources
    assert (change.kind, change.how) == ("replaced", "similar inputs: 78% equal")
    assert [(c.path, c.before, c.after) for c in change.changes] == [("bucket", "b-1", "b-2")]


def test_unrelated_resources_are_not_paired():
    old = bucket("camera-frames-curated", protect=False)
    new = bucket("something-else", protect=False)
    new["inputs"] = {"bucket": "other", "objectLockEnabled": True}
    kinds = sorted(c.kind for c in diff_stacks(data_stack(old), data_stack(new)).resources)
    assert kinds == ["added", "removed"]


# --- property changes --------------------------------------------------------------------------


def test_a_pool_turned_on_demand_shows_capacity_and_scaling():
    diff = diff_stacks(node_group("SPOT", 2), node_group("ON_DEMAND", 4), environment="dev")
    markdown = diff_markdown.render(diff)
    assert section(markdown, "### Review highlights") == "\n".join(
        [
            "### Review highlights",
            "",
            "| category | change | where |",
            "|---|---|---|",
            '| capacity types | `capacityType`: `"SPOT"` → `"ON_DEMAND"` | `dev-compute` NodeGroup '
            "eu-central-1-batch: `aws:eks/nodeGroup:NodeGroup` eu-central-1-batch |",
            "| scaling bounds | `scalingConfig.maxSize`: `2` → `4` | `dev-compute` NodeGroup eu-central-1-batch: "
            "`aws:eks/nodeGroup:NodeGroup` eu-central-1-batch |",
        ]
    )
    assert section(markdown, "#### compute: `dev-compute` (1 change(s))") == "\n".join(
        [
            "#### compute: `dev-compute` (1 change(s))",
            "",
            "**NodeGroup eu-central-1-batch: 1 changed**",
            "",
            "- ~ `aws:eks/nodeGroup:NodeGroup` **eu-central-1-batch**",
            '  - `capacityType`: `"SPOT"` → `"ON_DEMAND"` (capacity types)',
            "  - `scalingConfig.maxSize`: `2` → `4` (scaling bounds)",
        ]
    )


def test_policy_statements_are_compared_one_by_one():
    before = {
        "policy": json.dumps(
            {"Statement": [{"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}}]}
        )
    }
    after = {
        "policy": json.dumps(
            {
                "Statement": [
                    {"Sid": "Read", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::2:root"}},
                    {"Sid": "Anyone", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"},
                ]
            }
        )
    }
    changes = property_changes("aws:s3/bucketPolicy:BucketPolicy", before, after)
    assert [(c.path, c.category) for c in changes] == [
        ("policy.Statement[Sid=Anyone]", "public access"),
        ("policy.Statement[Sid=Read].Principal.AWS", "IAM statements"),
    ]
    assert changes[0].before is MISSING and changes[0].after["Principal"] == "*"


def test_flatten_keys_lists_of_objects_by_their_identifying_field():
    assert flatten({"rule": [{"id": "b", "days": 2}, {"id": "a", "days": 1}], "tags": ["x", "y"]}) == {
        "rule[id=b].days": 2,
        "rule[id=b].id": "b",
        "rule[id=a].days": 1,
        "rule[id=a].id": "a",
        "tags": ["x", "y"],
    }
    assert flatten({"x": [{"v": 1}, {"v": 1}]}) == {"x[0].v": 1, "x[1].v": 1}  # no distinct key: by position


def test_protect_and_provider_changes_are_changes():
    old = bucket("camera-frames-curated")
    new = copy.deepcopy(old)
    del new["protect"]
    [change] = diff_stacks(data_stack(old), data_stack(new)).resources
    assert [(c.path, c.before, c.after, c.category) for c in change.changes] == [
        ("protect", True, False, "deletion protection")
    ]


# --- policy verdicts ---------------------------------------------------------------------------


def test_policy_verdicts_that_changed():
    stacks = node_group("SPOT", 2)
    diff = diff_stacks(stacks, node_group("ON_DEMAND", 2), environment="dev")
    urn = "urn:pulumi:dev-compute::mlplatform::mlplatform:compute:NodeGroup$aws:eks/nodeGroup:NodeGroup::eu-central-1-batch"
    old_finding = Finding("s3-bucket-tiering", "dev-data", "urn:x::b", "advisory", "medium", "no tiering")
    new_finding = Finding(
        "eks-nodegroup-spot-first", "dev-compute", urn, "mandatory", "medium", "no SPOT group"
    )
    diff.policy = review.policy_delta(
        GateSide("passed", 0, 1), GateSide("blocked", 1, 0), [old_finding], [new_finding], {}
    )
    markdown = diff_markdown.render(diff)
    assert section(markdown, "### Policy gate") == "\n".join(
        [
            "### Policy gate",
            "",
            "| | base | head |",
            "|---|---|---|",
            "| verdict | ✅ passed | ❌ blocked |",
            "| mandatory findings | 0 | 1 |",
            "| advisory findings | 1 | 0 |",
            "",
            "New findings (1):",
            "",
            "- **mandatory** `eks-nodegroup-spot-first` (medium) on `dev-compute` eu-central-1-batch: no SPOT group",
            "",
            "Resolved findings (1):",
            "",
            "- **advisory** `s3-bucket-tiering` (medium) on `dev-data` b: no tiering",
        ]
    )
    assert "policy gate: ✅ passed → ❌ blocked (1 new, 1 resolved finding(s))" in markdown


def test_a_finding_whose_message_changed_is_one_changed_finding():
    """Cost rules put dollar figures in their messages: a figure that moves is the same finding, changed."""
    rule, stack = "budgets-environment-worst-case-under-cap", "dev-compute"
    base = Finding(
        rule, stack, "", "mandatory", "high", "worst case $16,100 a month is over the cap of $15,000"
    )
    head = Finding(
        rule, stack, "", "mandatory", "high", "worst case $17,250 a month is over the cap of $15,000"
    )
    kept = Finding("s3-bucket-tiering", "dev-data", "urn:x::b", "advisory", "medium", "no tiering")
    delta = review.policy_delta(
        GateSide("blocked", 1, 1), GateSide("blocked", 1, 1), [base, kept], [head, kept], {}
    )
    assert (delta.new, delta.resolved, delta.relevelled) == ((), (), ())
    assert delta.changed_findings == ((base, head),) and delta.changed
    diff = diff_stacks(node_group("SPOT", 2), node_group("SPOT", 2), environment="dev")
    diff.policy = delta
    markdown = diff_markdown.render(diff)
    assert section(markdown, "### Policy gate").split("\n")[8:] == [
        "Changed findings (1):",
        "",
        "- **mandatory** `budgets-environment-worst-case-under-cap` (high) on `dev-compute` (stack dev-compute): "
        "worst case $16,100 a month is over the cap of $15,000 → **worst case $17,250 a month is over the cap "
        "of $15,000**",
    ]
    assert "policy gate: ❌ blocked → ❌ blocked (0 new, 0 resolved, 1 changed finding(s))" in markdown
    assert diff.to_json()["policy"]["changed"] == [{"base": base.to_json(), "head": head.to_json()}]


def test_two_findings_of_one_rule_on_one_resource_pair_by_message_then_in_order():
    one = Finding("r", "s", "urn:a", "advisory", "low", "first")
    two = Finding("r", "s", "urn:a", "advisory", "low", "second")
    changed = Finding("r", "s", "urn:a", "mandatory", "low", "second, reworded")
    third = Finding("r", "s", "urn:a", "advisory", "low", "third")
    delta = review.policy_delta(
        GateSide("passed"), GateSide("blocked", 1), [one, two], [one, changed, third], {}
    )
    assert delta.changed_findings == ((two, changed),)
    assert delta.relevelled == ((two, changed),)
    assert (delta.new, delta.resolved) == ((third,), ())


def test_a_finding_on_a_renamed_resource_is_the_same_finding():
    base = Finding("r", "s", "urn:old", "advisory", "low", "m")
    head = Finding("r", "s", "urn:new", "mandatory", "low", "m")
    delta = review.policy_delta(
        GateSide("passed"), GateSide("blocked", 1), [base], [head], {"urn:old": "urn:new"}
    )
    assert (delta.new, delta.resolved, delta.relevelled) == ((), (), ((base, head),))


# --- cost --------------------------------------------------------------------------------------


def nat_stack(count: int) -> dict[str, list[dict]]:
    provider = "urn:pulumi:dev-foundation::mlplatform::pulumi:pulumi:Stack$pulumi:providers:aws::net"
    network = (
        "urn:pulumi:dev-foundation::mlplatform::pulumi:pulumi:Stack$mlplatform:foundation:Network::ml-euc1"
    )
    return {
        "dev-foundation": [
            {
                "urn": provider,
                "custom": True,
                "id": "p1",
                "type": "pulumi:providers:aws",
                "inputs": {"region": "eu-central-1", "allowedAccountIds": '["123456789012"]'},
            },
            {"urn": network, "custom": False, "type": "mlplatform:foundation:Network"},
            *[
                {
                    "urn": f"urn:pulumi:dev-foundation::mlplatform::mlplatform:foundation:Network$aws:ec2/natGateway:NatGateway::nat-{i}",
                    "custom": True,
                    "id": f"nat-{i}",
                    "type": "aws:ec2/natGateway:NatGateway",
                    "inputs": {"subnetId": f"subnet-{i}"},
                    "parent": network,
                    "provider": f"{provider}::p1",
                }
                for i in range(count)
            ],
        ]
    }


def test_a_second_nat_gateway_costs_what_the_price_table_says(tmp_path):
    from platform_cost.usage import Usage

    base, head = tmp_path / "base.json", tmp_path / "head.json"
    for path, count in ((base, 1), (head, 2)):
        exports = {
            name: {"version": 3, "deployment": {"resources": rs}} for name, rs in nat_stack(count).items()
        }
        path.write_text(json.dumps({"format": "mlplat-inventory", "version": 1, "stacks": exports}))
    usage = Usage().to_config()
    sides = [review.Side(str(p), p, ROOT / "policies", ROOT / "x.json", usage=usage) for p in (base, head)]
    delta, note = review._cost(*sides)
    assert note == ""
    # By hand from core/platform_cost/data/prices.yaml: nat.hour in eu-central-1 is $0.052, a gateway runs 730 h a
    # month: $37.96 each (no usage assumption, so no data-processing charge).
    assert (delta.base, delta.head) == pytest.approx((37.96, 75.92))
    [line] = [x for x in delta.lines if x.moved]
    assert (line.key, line.items_changed) == ("foundation: ml-euc1", True)
    diff = diff_stacks(nat_stack(1), nat_stack(2), environment="dev")
    diff.cost = delta
    markdown = diff_markdown.render(diff)
    assert section(markdown, "### Monthly cost") == "\n".join(
        [
            "### Monthly cost",
            "",
            "$37.96 → $75.92 per month: **+$37.96** (totals without the shared org stack)",
            "",
            "| layer: component | base | head | delta | unpriced lines (base → head) |",
            "|---|---:|---:|---:|---|",
            "| foundation: ml-euc1 | $37.96 | $75.92 | +$37.96 |  |",
        ]
    )
    assert "monthly cost: +$37.96 (+100.0%)" in markdown


def test_the_cost_section_renders_a_cost_delta_exactly():
    diff = diff_stacks(node_group("SPOT", 2), node_group("ON_DEMAND", 2), environment="dev")
    diff.cost = CostDelta(
        "USD", 1000.0, 1450.5, (CostLine("compute: eu-central-1-batch", 400.0, 850.5, 0, 1, True),)
    )
    assert section(diff_markdown.render(diff), "### Monthly cost") == "\n".join(
        [
            "### Monthly cost",
            "",
            "$1,000.00 → $1,450.50 per month: **+$450.50**",
            "",
            "| layer: component | base | head | delta | unpriced lines (base → head) |",
            "|---|---:|---:|---:|---|",
            "| compute: eu-central-1-batch | $400.00 | $850.50 | +$450.50 | 0 → 1 |",
            "",
            "A component with unpriced lines changed: its delta counts only the priced lines "
            "(`mlplat cost ENV` names the missing prices).",
        ]
    )


# --- size budget -------------------------------------------------------------------------------


def test_a_large_diff_is_shortened_to_the_budget():
    head = data_stack(*[bucket(f"bucket-{i:03d}", protect=False) for i in range(400)])
    diff = diff_stacks(data_stack(), head, environment="dev")
    full = diff_markdown.render(diff, max_chars=10**9)
    short = diff_markdown.render(diff, max_chars=8000)
    assert len(full) > 8000 >= len(short)
    assert short.startswith("<!-- mlplat-diff:dev -->\n## Architecture diff: `dev`\n")
    assert "**400 added**" in short and "_Shortened to fit 8,000 characters" in short


# --- end to end: a commit in a temporary repository ---------------------------------------------


def _copy_tree(destination: Path) -> None:
    """The working tree as it is (tracked and new files, ignored ones left out), without its history."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    (destination / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)


def _git(repo: Path, *args: str) -> str:
    command = ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@example.com", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pool_on_demand(tmp_path_factory):
    """A repository whose last commit turns dev's spot batch pool to on-demand, and its diff against HEAD~1."""
    repo = tmp_path_factory.mktemp("repo")
    _copy_tree(repo)
    _git(repo, "init", "--quiet")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "base")
    spec = repo / "environments" / "dev.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.count("capacity: spot\n") == 1, (
        "dev's batch pool is no longer a spot pool: pick another change"
    )
    spec.write_text(text.replace("capacity: spot\n", "capacity: on-demand\n"), encoding="utf-8")
    _git(repo, "commit", "--quiet", "--all", "--message", "batch pool on demand")
    out = tmp_path_factory.mktemp("diff")
    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "diff", "dev", "--base", "HEAD~1", "--out", str(out), "--json"],
        cwd=repo,
        env={**review.os.environ, "PYTHONPATH": review.tree_path(repo)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return repo, out, json.loads(result.stdout)


def test_end_to_end_the_diff_reports_exactly_that_change(pool_on_demand):
    repo, _, document = pool_on_demand
    assert document["base"].startswith("HEAD~1 (") and document["head"] == "working tree"
    changed = {(r["kind"], r["type"], r["urn"].rsplit("::", 1)[-1]): r for r in document["resources"]}
    assert set(changed) == {
        ("changed", "aws:eks/nodeGroup:NodeGroup", "eu-central-1-batch"),
        ("changed", "aws:ec2/launchTemplate:LaunchTemplate", "eu-central-1-batch"),
    }
    group = changed["changed", "aws:eks/nodeGroup:NodeGroup", "eu-central-1-batch"]
    assert group["changes"] == [
        {"path": "capacityType", "category": "capacity types", "before": "SPOT", "after": "ON_DEMAND"},
        {
            "path": "labels.mlplatform.io/capacity",
            "category": "capacity types",
            "before": "spot",
            "after": "on-demand",
        },
    ]
    template = changed["changed", "aws:ec2/launchTemplate:LaunchTemplate", "eu-central-1-batch"]
    assert [c["path"] for c in template["changes"]] == ["description"]
    assert {r["component"] for r in document["resources"]} == {"NodeGroup eu-central-1-batch"}
    # the worktree of HEAD~1 is gone again
    assert _git(repo, "worktree", "list").count("\n") == 1


def test_end_to_end_the_verdict_of_the_change(pool_on_demand):
    _, out, document = pool_on_demand
    policy = document["policy"]
    assert policy["base"]["verdict"] == "passed"
    assert policy["resolved"] == []
    assert [(f["rule"], f["level"], f["urn"].rsplit("::", 1)[-1]) for f in policy["new"]] == [
        ("eks-nodegroup-spot-first", "mandatory", "eu-central-1-batch")
    ]
    assert policy["head"]["verdict"] == "blocked"
    markdown = (out / "diff.md").read_text(encoding="utf-8")
    assert "| verdict | ✅ passed | ❌ blocked |" in section(markdown, "### Policy gate")


def test_end_to_end_the_cost_of_the_change(pool_on_demand):
    _, _, document = pool_on_demand
    cost = document["cost"]
    assert cost is not None, document["cost_note"]
    [line] = [x for x in cost["lines"] if x["key"] == "compute: eu-central-1-batch"]
    assert line["items_changed"] is True  # spot node-hours became on-demand node-hours
    # the model splits a pool's hours between its node group and Karpenter's pools: both may move
    assert {x["key"].split(":", 1)[0] for x in cost["lines"]} == {"compute"}
    assert line["base_unpriced"] == line["head_unpriced"] == 0
    # By hand, from core/platform_cost/data/prices.yaml and dev's usage: 300 GPU-hours on g6e.xlarge (1 GPU) at
    # 0.7 utilization = 428.571 node-hours; on-demand $2.327/h in eu-central-1, spot 56 % less =
    # $1.02388/h. Base: the node group and Karpenter's batch NodePool are both spot, 2 nodes max
    # each, so 214.286 h each = $219.40 each. Head: an on-demand group next to a spot NodePool is
    # the pool's on-demand fallback: on_demand_share 0.1 of the hours on it (42.857 h x $2.327 =
    # $99.73), 0.9 on the spot NodePool (385.714 h x $1.02388 = $394.93).
    assert line["delta"] == pytest.approx(99.73 - 219.40, abs=0.01)
    [karpenter] = [x for x in cost["lines"] if x["key"] == "compute: eu-central-1-karpenter"]
    assert karpenter["delta"] == pytest.approx(394.93 - 219.40, abs=0.01)
    assert cost["delta"] == pytest.approx(55.85, abs=0.01)


def test_end_to_end_the_diagram_marks_the_changed_pool(pool_on_demand):
    _, out, _ = pool_on_demand
    mermaid = (out / "diff-diagram.mmd").read_text(encoding="utf-8")
    marked = [
        line.strip()
        for line in mermaid.splitlines()
        if line.rstrip().endswith((":::changed", ":::added", ":::removed"))
    ]
    assert len(marked) == 1 and marked[0].startswith('n_compute_NodeGroup_eu_central_1_batch["~ batch')
    assert (out / "diff-diagram.png").stat().st_size > 10000


def test_diffing_an_inventory_with_itself_is_empty(pool_on_demand, tmp_path):
    _, out, _ = pool_on_demand
    inventory = out / "head" / "inventory.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlplat",
            "diff",
            "--inventory",
            str(inventory),
            str(inventory),
            "--out",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "no architecture change" in result.stdout
    assert json.loads((tmp_path / "diff.json").read_text())["empty"] is True


def test_a_bad_ref_is_an_input_error():
    result = subprocess.run(
        [sys.executable, "-m", "mlplat", "diff", "dev", "--base", "no-such-ref-xyz"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        f"--base: 'no-such-ref-xyz': not a commit of the repository at {ROOT}"
    )


def test_an_inventory_that_is_not_utf8_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "old.json").write_bytes('{"format": "caf\u00e9"}'.encode("latin-1"))
    (tmp_path / "new.json").write_text("[]")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mlplat",
            "diff",
            "--inventory",
            str(tmp_path / "old.json"),
            str(tmp_path / "new.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{tmp_path}/old.json: (file): byte 0xe9 at offset 15: not UTF-8 text; an mlplat inventory or a "
        "`pulumi stack export` file is UTF-8 JSON",
        f"{tmp_path}/new.json: (top level): list: a JSON object, an mlplat inventory or a `pulumi stack export` file",
    ]


def test_a_failed_side_stops_the_other_plan_before_its_worktree_goes(tmp_path, monkeypatch):
    """The head fails while the base still plans in its worktree: the base's process is killed and
    waited for before the worktree is removed."""
    repo = tmp_path / "repo"
    (repo / "environments").mkdir(parents=True)
    (repo / "environments" / "dev.yaml").write_text("name: dev\n")
    _git(repo, "init", "--quiet")
    _git(repo, "add", "--all")
    _git(repo, "commit", "--quiet", "--message", "base")
    started: list[subprocess.Popen] = []

    def slow_plan(tree, environment, out):
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        started.append(process)
        return process

    def failed_plan(environment, out):
        raise review.ReviewError(["mlplat diff: working tree: the plan failed"], 1)

    removals: list[int | None] = []
    git = review._git

    def recording_git(where, *args):
        if args[:2] == ("worktree", "remove"):
            removals.append(started[0].poll())
        return git(where, *args)

    monkeypatch.setattr(review, "_plan_process", slow_plan)
    monkeypatch.setattr(review, "_plan_here", failed_plan)
    monkeypatch.setattr(review, "_git", recording_git)
    with pytest.raises(review.ReviewError) as raised:
        review.review_refs("dev", "HEAD", None, tmp_path / "out", repo=repo)
    assert raised.value.lines == ["mlplat diff: working tree: the plan failed"]
    [process] = started
    assert process.returncode is not None and process.returncode < 0  # killed and reaped
    assert removals == [process.returncode]  # already dead when its worktree was removed
    assert _git(repo, "worktree", "list").count("\n") == 1


def test_a_stack_name_splits_at_its_layer_for_the_diff_the_diagram_and_the_cost():
    from mlplat.review import diagram
    from platform_cost import model as cost
    from platform_spec import layers
    from stacks.main import LAYERS

    assert layers.LAYERS == LAYERS
    assert [layers.split_stack(s) for s in ("org", "dev-data", "eu-prod-data", "eu-prod", "-data")] == [
        (None, "org"), ("dev", "data"), ("eu-prod", "data"), (None, None), (None, None)
    ]  # fmt: skip
    stacks = {"eu-prod-registry": [bucket("camera-frames-curated")]}
    stacks["eu-prod-registry"][0]["urn"] = stacks["eu-prod-registry"][0]["urn"].replace(
        "dev-data", "eu-prod-registry"
    )
    [change] = diff_stacks({}, stacks).resources
    [resource] = cost.from_inventory(stacks)["eu-prod-registry"]
    assert change.layer == resource.layer == "registry"
    assert diagram.layer_of is cost.layer_of is layers.layer_of  # one helper


def test_one_money_format_and_one_json_decoder():
    from platform_cost.values import decoded, money

    assert [money(v) for v in (1204.6, -3.2, -0.4, 0, None)] == ["$1,205", "-$3", "$0", "$0", "unpriced"]
    assert [money(v, cents=True, signed=True) for v in (450.5, -12.345, 0.001)] == [
        "+$450.50",
        "-$12.35",
        "±$0.00",
    ]
    assert money(7, currency="EUR", cents=True) == "EUR 7.00"
    assert decoded('["123456789012"]') == ["123456789012"] and decoded(' {"a": 1}') == {"a": 1}
    assert [decoded(v) for v in ("abc", "[broken", '"x"', 3, None)] == ["abc", "[broken", '"x"', 3, None]
