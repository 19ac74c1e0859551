"""`mlplat diff`: synthesize both sides, gate both, price both, diff them and write the review.

A git ref is synthesized from a temporary `git worktree` of it (detached, in a temporary
directory, removed afterwards; the working tree and its index are never touched), by that
ref's own `mlplat plan` in a subprocess, so the base runs the base's programs, specs and
policy pack. The worktree gets a `.venv` link to the running virtualenv, because the pack's
`PulumiPolicy.yaml` names `../.venv`: both sides run with the installed dependencies of the head
(a pull request that changes a pinned SDK version shows that change's effect on the head only).
The working tree (the default head) is planned in this process, while the base plans in parallel.

Each side is gated with its own pack and `policies/config/<env>.json`; the cost of both sides
comes from one cost model, the head's (`_cost`).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlplat.review import diagram, diff_markdown
from mlplat.review.diff import (
    ArchitectureDiff,
    CostDelta,
    CostLine,
    Finding,
    GateSide,
    PolicyDelta,
    diff_stacks,
)
from platform_spec.errors import PlatformError
from platform_spec.paths import project_root

REPO_ROOT = project_root()
WORKING_TREE = "working tree"
PLAN_TIMEOUT_S = 900


class ReviewError(PlatformError):
    """Bad input (exit 2) or a side that cannot be synthesized (exit 1); one line per problem."""


@dataclass
class Side:
    label: str
    inventory: Path | None
    """None when the environment does not exist on this side (everything on the other side is new)."""
    pack_dir: Path
    config: Path
    note: str = ""
    usage: dict[str, Any] | None = None
    """Usage assumptions of the cost model from this side's spec (None: not available, see usage_note)."""
    usage_note: str = ""
    stacks: dict[str, list[dict[str, Any]]] | None = None
    """The inventory's stacks once read (read once, used by the diff, the diagram and the cost)."""

    def resources(self) -> dict[str, list[dict[str, Any]]]:
        """Stack -> resources of the inventory (none when this side has no inventory)."""
        if self.stacks is None and self.inventory is not None:
            from mlplat.synth.inventory import load_stacks

            self.stacks = load_stacks(self.inventory)
        return self.stacks or {}


@dataclass
class Review:
    diff: ArchitectureDiff
    markdown: str
    paths: dict[str, Path]
    seconds: dict[str, float]
    warnings: list[str] = field(default_factory=list)


# --- git ---------------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    if result.returncode:
        raise ReviewError([f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}"])
    return result.stdout.strip()


def resolve(repo: Path, ref: str, option: str) -> str:
    try:
        return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except ReviewError:
        raise ReviewError(
            [f"mlplat diff: {option}: {ref!r}: not a commit of the repository at {repo}"]
        ) from None


@contextlib.contextmanager
def worktree(repo: Path, commit: str, parent: Path, name: str) -> Iterator[Path]:
    """A detached worktree of `commit` at `parent/name`, removed on exit."""
    path = parent / name
    _git(repo, "worktree", "add", "--detach", "--quiet", str(path), commit)
    try:
        venv = path / ".venv"
        if not venv.exists():
            venv.symlink_to(Path(sys.prefix), target_is_directory=True)
        yield path
    finally:
        with contextlib.suppress(ReviewError):
            _git(repo, "worktree", "remove", "--force", str(path))
        with contextlib.suppress(ReviewError):
            _git(repo, "worktree", "prune")


def describe(repo: Path, ref: str, commit: str) -> str:
    return ref if ref.startswith(commit[:7]) else f"{ref} ({commit[:10]})"


# --- sides -------------------------------------------------------------------------------------


def _plan_process(tree: Path, environment: str, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": tree_path(tree)}
    out.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "mlplat", "plan", environment, "--out", str(out), "--json"],
        cwd=tree,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen, label: str, out: Path) -> Path:
    try:
        _, stderr = process.communicate(timeout=PLAN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        raise ReviewError(
            [f"mlplat diff: {label}: the plan took longer than {PLAN_TIMEOUT_S} s"], 1
        ) from None
    inventory = out / "inventory.json"
    if not inventory.is_file():  # a blocked gate still writes the inventory; a failed plan does not
        lines = [line for line in stderr.splitlines() if line.strip()][-15:]
        raise ReviewError([f"mlplat diff: {label}: the plan failed (exit {process.returncode}):", *lines], 1)
    return inventory


def _stop(processes: Iterable[subprocess.Popen]) -> None:
    """Kill every plan process still running and wait for it (its pipes closed), so that none runs on
    in a worktree that is about to be removed. A finished process is only waited for."""
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _plan_here(environment: str, out: Path) -> Path:
    from mlplat.synth.plan import PlanError, plan
    from platform_spec import SpecError

    try:
        return plan(environment, out).inventory_path
    except SpecError as error:
        raise ReviewError([f"mlplat diff: working tree: {p}" for p in error.problems]) from None
    except PlanError as error:
        raise ReviewError(
            [f"mlplat diff: working tree: {line}" for line in error.lines], error.exit_code
        ) from None


# --- gate and cost -----------------------------------------------------------------------------


def gate(side: Side) -> tuple[GateSide, list[Finding]]:
    from mlplat.gate.analyzer import AnalyzerError
    from mlplat.gate.check import GateInputError, check_inventory

    if side.inventory is None:
        return GateSide("not run", note=side.note or "no inventory"), []
    if not (side.pack_dir / "PulumiPolicy.yaml").is_file():
        return GateSide("not run", note=f"no policy pack at {side.pack_dir}"), []
    try:
        result = check_inventory(side.inventory, side.config, pack_dir=side.pack_dir)
    except (GateInputError, AnalyzerError) as error:
        return GateSide("not run", note="; ".join(error.lines)[:500]), []
    findings = [
        Finding(v.rule, v.stack, v.urn, v.level if v.evaluated else "not evaluated", v.severity, v.message)
        for v in result.violations
    ]
    verdict = "blocked" if result.exit_code else "passed"
    return GateSide(verdict, len(result.mandatory), len(result.advisory), tuple(findings)), findings


def policy_delta(
    base: GateSide,
    head: GateSide,
    base_findings: list[Finding],
    head_findings: list[Finding],
    renamed: dict[str, str],
) -> PolicyDelta:
    """New, resolved, re-levelled and reworded findings. A finding is the same finding on both sides
    when its rule, stack and resource are (a renamed resource keeps its findings); its message may
    change (a cost figure, a count), which is a *changed* finding, not a new and a resolved one. A
    rule that reports several findings on one resource pairs them by equal message first, then the
    rest in message order."""

    def grouped(
        findings: list[Finding], mapping: dict[str, str]
    ) -> dict[tuple[str, str, str], list[Finding]]:
        groups: dict[tuple[str, str, str], list[Finding]] = {}
        for f in sorted(findings, key=lambda f: f.message):
            groups.setdefault((f.rule, f.stack, mapping.get(f.urn, f.urn)), []).append(f)
        return groups

    old, new = grouped(base_findings, renamed), grouped(head_findings, {})
    added: list[Finding] = []
    resolved: list[Finding] = []
    relevelled: list[tuple[Finding, Finding]] = []
    reworded: list[tuple[Finding, Finding]] = []
    for key in sorted(set(old) | set(new)):
        before, after = list(old.get(key, [])), list(new.get(key, []))
        for finding in list(after):  # the same message on both sides: the same finding
            same = next((b for b in before if b.message == finding.message), None)
            if same is not None:
                before.remove(same)
                after.remove(finding)
                if same.level != finding.level:
                    relevelled.append((same, finding))
        for b, f in zip(before, after, strict=False):  # same rule and resource, another message
            reworded.append((b, f))
            if b.level != f.level:
                relevelled.append((b, f))
        added += after[len(before) :]
        resolved += before[len(after) :]
    order = lambda f: (f.level != "mandatory", f.stack, f.rule, f.urn, f.message)  # noqa: E731
    return PolicyDelta(
        base=base,
        head=head,
        new=tuple(sorted(added, key=order)),
        resolved=tuple(sorted(resolved, key=order)),
        relevelled=tuple(sorted(relevelled, key=lambda p: order(p[1]))),
        changed_findings=tuple(sorted(reworded, key=lambda p: order(p[1]))),
    )


USAGE_SCRIPT = (
    "import json, sys\n"
    "try:\n"
    "    from platform_cost.usage import usage_from_spec\n"
    "    from platform_spec import load_spec\n"
    "except ImportError:  # a tree from before the core packages (core/)\n"
    "    from mlplat.cost_usage import usage_from_spec\n"
    "    from stacks.spec import load_spec\n"
    "print(json.dumps(usage_from_spec(load_spec(sys.argv[1])).to_config()))\n"
)
"""Run in a side's tree: that side's usage assumptions (volumes, hours) from that side's spec."""


def tree_path(tree: Path) -> str:
    """PYTHONPATH that makes a side's tree win over the installed project: its core, then its root."""
    return os.pathsep.join([str(tree / "core"), str(tree)])


def side_usage(tree: Path | None, environment: str) -> tuple[dict[str, Any] | None, str]:
    """The usage assumptions of the spec at `tree` (None: this process's tree), as JSON, or why not."""
    if tree is None:
        try:
            from platform_cost.usage import usage_from_spec
            from platform_spec import SpecError, load_spec
        except ImportError as error:
            return None, f"no cost model here ({error.name})"
        try:
            return usage_from_spec(load_spec(environment)).to_config(), ""
        except SpecError as error:
            return None, "; ".join(str(p) for p in error.problems)
    result = subprocess.run(
        [sys.executable, "-c", USAGE_SCRIPT, environment],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": tree_path(tree)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        last = (result.stderr.strip().splitlines() or ["failed"])[-1]
        return None, f"its usage assumptions could not be read: {last}"
    return json.loads(result.stdout), ""


def _cost(base: Side, head: Side) -> tuple[CostDelta | None, str]:
    """The monthly cost of both sides: each side's resources and usage assumptions, the head's
    cost model and price table (platform_cost.model). A side without usage assumptions of its own (a base
    from before the cost model) is priced with the head's."""
    try:
        from platform_cost import model as cost
        from platform_cost import prices
        from platform_cost.usage import Usage
    except ImportError:
        return None, "_No cost model in this tree (`core/platform_cost/model.py`): no cost delta._"
    if head.usage is None and base.usage is None:
        return None, f"_No cost delta: {head.usage_note or base.usage_note}._"
    notes = []
    if base.usage is None and base.inventory is not None:
        notes.append(f"the base is priced with the head's usage assumptions ({base.usage_note})")
    if head.usage is None and head.inventory is not None:
        notes.append(f"the head is priced with the base's usage assumptions ({head.usage_note})")
    try:
        table = prices.default()
        estimates = []
        for side, fallback in ((base, head.usage), (head, base.usage)):
            if side.inventory is None:
                estimates.append(None)
                continue
            usage = Usage.model_validate(side.usage if side.usage is not None else fallback)
            estimates.append(cost.estimate(cost.from_inventory(side.resources()), usage, table))
    except Exception as error:  # the cost model must not take the review down with it: say why
        return None, f"_The cost model failed: {type(error).__name__}: {error}_"
    return _cost_delta(*estimates, notes), ""


def _cost_delta(before: Any, after: Any, notes: list[str]) -> CostDelta:
    """Both estimates per layer and component. Totals count the environment's stacks (as `mlplat
    cost` does: the organization's stack is shared by every environment); components of the org
    stack still get their lines. Unpriced lines are counted, never guessed."""
    from platform_cost import model as cost

    def per_component(estimate: Any) -> dict[str, tuple[float, int, frozenset]]:
        if estimate is None:
            return {}
        groups: dict[str, list[Any]] = {}
        for line in estimate.lines:
            groups.setdefault(f"{line.layer}: {line.component}", []).append(line)
        return {
            key: (
                sum(x.usd or 0.0 for x in lines),
                sum(1 for x in lines if x.usd is None),
                frozenset((x.resource, x.item, x.what, round(x.quantity, 3)) for x in lines),
            )
            for key, lines in groups.items()
        }

    def total(estimate: Any) -> float:
        return estimate.total(cost.environment_stacks(estimate)) if estimate is not None else 0.0

    old, new = per_component(before), per_component(after)
    empty = (0.0, 0, frozenset())
    lines = []
    for key in sorted(set(old) | set(new)):
        (b_usd, b_unpriced, b_items), (h_usd, h_unpriced, h_items) = old.get(key, empty), new.get(key, empty)
        lines.append(CostLine(key, b_usd, h_usd, b_unpriced, h_unpriced, b_items != h_items))
    unpriced = [sum(1 for x in e.lines if x.usd is None) if e is not None else 0 for e in (before, after)]
    if any(unpriced):
        notes = [*notes, f"lines without a price in the table: base {unpriced[0]}, head {unpriced[1]}"]
    return CostDelta(
        currency="USD",
        base=total(before),
        head=total(after),
        lines=tuple(lines),
        model="; ".join(["totals without the shared org stack", *notes]),
    )


# --- the review --------------------------------------------------------------------------------


def review_refs(
    environment: str,
    base_ref: str,
    head_ref: str | None,
    out_dir: Path,
    *,
    repo: Path = REPO_ROOT,
    max_chars: int = diff_markdown.GITHUB_COMMENT_LIMIT,
    on_step: Callable[[str], None] = lambda _: None,
) -> Review:
    """Diff ENV between two git refs (head None: the working tree)."""
    seconds: dict[str, float] = {}
    base_commit = resolve(repo, base_ref, "--base")
    head_commit = resolve(repo, head_ref, "--head") if head_ref else None
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mlplat-diff-") as scratch, contextlib.ExitStack() as trees:
        started = time.perf_counter()
        base_tree = trees.enter_context(worktree(repo, base_commit, Path(scratch), "base"))
        base = Side(describe(repo, base_ref, base_commit), None, base_tree / "policies",
                    base_tree / "policies" / "config" / f"{environment}.json")  # fmt: skip
        head_tree = (
            trees.enter_context(worktree(repo, head_commit, Path(scratch), "head")) if head_commit else repo
        )
        head = Side(describe(repo, head_ref, head_commit) if head_ref and head_commit else WORKING_TREE, None,
                    head_tree / "policies", head_tree / "policies" / "config" / f"{environment}.json")  # fmt: skip
        seconds["worktrees"] = time.perf_counter() - started

        started = time.perf_counter()
        processes: dict[str, tuple[Side, subprocess.Popen, Path]] = {}
        try:  # whatever fails here, no plan process outlives its worktree
            for side, tree, name in ((base, base_tree, "base"), (head, head_tree, "head")):
                if not (tree / "environments" / f"{environment}.yaml").is_file():
                    side.note = f"environments/{environment}.yaml does not exist at {side.label}"
                    continue
                if side is head and head_commit is None:
                    continue
                on_step(f"planning {environment} at {side.label}")
                processes[name] = (side, _plan_process(tree, environment, out_dir / name), out_dir / name)
            if head_commit is None and not head.note:
                on_step(f"planning {environment} in the {WORKING_TREE}")
                head.inventory = _plan_here(environment, out_dir / "head")
            for side, tree in ((base, base_tree), (head, head_tree if head_commit else None)):
                if not side.note:
                    side.usage, side.usage_note = side_usage(tree, environment)
            for side, process, out in processes.values():
                side.inventory = _finish(process, side.label, out)
        finally:
            _stop(process for _, process, _ in processes.values())
        if base.inventory is None and head.inventory is None:
            raise ReviewError(
                [f"mlplat diff: {environment}: no environments/{environment}.yaml on either side"]
            )
        seconds["plans"] = time.perf_counter() - started

        return _review(environment, base, head, out_dir, seconds, max_chars, on_step)


def review_inventories(
    old: Path,
    new: Path,
    out_dir: Path,
    *,
    config: Path | None = None,
    max_chars: int = diff_markdown.GITHUB_COMMENT_LIMIT,
    on_step: Callable[[str], None] = lambda _: None,
) -> Review:
    """Diff two inventory files; both are gated with this tree's pack and the environment's config."""
    from mlplat.gate.check import config_path
    from mlplat.synth.inventory import InventoryError, read_inventory

    problems, read = [], []
    for path in (old, new):
        try:
            read.append(read_inventory(path))
        except InventoryError as error:
            problems += error.lines
    if problems:
        raise ReviewError(problems)
    base_inventory, head_inventory = read
    environment = head_inventory.environment or head_inventory.source
    config = config or config_path(environment)
    pack = REPO_ROOT / "policies"
    usage, note = side_usage(None, environment)
    note = note or f"both inventories are priced with this tree's usage assumptions for {environment}"
    return _review(
        environment,
        Side(str(old), old, pack, config, usage=usage, usage_note=note, stacks=base_inventory.stacks),
        Side(str(new), new, pack, config, usage=usage, usage_note=note, stacks=head_inventory.stacks),
        out_dir,
        {},
        max_chars,
        on_step,
    )


def _review(
    environment: str,
    base: Side,
    head: Side,
    out_dir: Path,
    seconds: dict[str, float],
    max_chars: int,
    on_step: Callable[[str], None],
) -> Review:
    warnings: list[str] = []
    started = time.perf_counter()
    base_stacks, head_stacks = base.resources(), head.resources()
    result = diff_stacks(
        base_stacks, head_stacks, environment=environment, base_label=base.label, head_label=head.label
    )
    result.notes += [side.note for side in (base, head) if side.note]
    seconds["diff"] = time.perf_counter() - started

    started = time.perf_counter()
    on_step("running the policy gate on both sides")
    with ThreadPoolExecutor(max_workers=2) as pool:  # two pack processes, one per side
        base_run, head_run = pool.submit(gate, base), pool.submit(gate, head)
        (base_gate, base_findings), (head_gate, head_findings) = base_run.result(), head_run.result()
    renamed = {c.old_urn: c.urn for c in result.resources if c.old_urn}
    result.policy = policy_delta(base_gate, head_gate, base_findings, head_findings, renamed)
    seconds["gates"] = time.perf_counter() - started

    started = time.perf_counter()
    result.cost, result.cost_note = _cost(base, head)
    seconds["cost"] = time.perf_counter() - started

    started = time.perf_counter()
    marked = diagram.mark(
        diagram.architecture(base_stacks, environment), diagram.architecture(head_stacks, environment), result
    )
    paths: dict[str, Path] = {}
    try:
        paths.update(diagram.write(marked, out_dir, stem="diff-diagram"))
    except diagram.RenderError as error:
        warnings.append(str(error))
        paths.update({"mermaid": out_dir / "diff-diagram.mmd"})
    seconds["diagram"] = time.perf_counter() - started

    mermaid = diagram.mermaid(marked) if not result.empty else None
    markdown = diff_markdown.render(result, mermaid, max_chars=max_chars)
    full = diff_markdown.render(result, mermaid, max_chars=10**9)
    paths["markdown"] = out_dir / "diff.md"
    paths["markdown"].write_text(full, encoding="utf-8")
    paths["comment"] = out_dir / "diff.comment.md"
    paths["comment"].write_text(markdown, encoding="utf-8")
    paths["json"] = out_dir / "diff.json"
    document = result.to_json() | {"seconds": {k: round(v, 3) for k, v in seconds.items()}}
    paths["json"].write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return Review(result, markdown, paths, seconds, warnings)
