"""`make bench`: wall time and peak memory of `mlplat plan ENV` next to a bare-mocks floor.

Both are measured as a user runs them, each as one fresh child process:

- plan:  `<python> -m mlplat plan ENV --out <tmp> --json`
- floor: `<python> bench/floor.py <tmp>/inventory.json`, which registers the same number of
  resources of the same types, under the same mocks (`mlplat.synth`), with no project code.

Each child is started with `os.posix_spawn` and reaped with `os.wait4`, so its peak RSS is that
child's own `ru_maxrss`, not the maximum over every earlier child. One untimed warm-up run of
each comes first; then the two alternate `--repeat` times (the floor reads the inventory the
plan run just before it wrote). Reported: median and min wall time, max peak RSS, and the
plan/floor ratios of median wall time and of peak RSS. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from platform_spec.paths import project_root

ROOT = project_root()
FLOOR = Path(__file__).resolve().parent / "floor.py"


@dataclass(frozen=True)
class Sample:
    wall_s: float
    max_rss_kib: int
    stdout: str


class ChildFailed(Exception):
    pass


def run_child(argv: list[str], workdir: Path) -> Sample:
    """Run argv as one child; its wall time and its own peak RSS (from wait4, not RUSAGE_CHILDREN)."""
    out_path, err_path = workdir / "stdout", workdir / "stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, out.fileno(), 1),
            (os.POSIX_SPAWN_DUP2, err.fileno(), 2),
        ]
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8")
    if code != 0:
        stderr = err_path.read_text(encoding="utf-8")
        raise ChildFailed(f"`{shlex.join(argv)}` exited with {code}:\n{stderr}{stdout}")
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
    return Sample(wall, rss, stdout)


def summarize(samples: list[Sample]) -> dict[str, Any]:
    walls = [s.wall_s for s in samples]
    return {
        "runs": len(samples),
        "wall_s_median": statistics.median(walls),
        "wall_s_min": min(walls),
        "wall_s_all": walls,
        "peak_rss_mib_max": max(s.max_rss_kib for s in samples) / 1024,
        "peak_rss_mib_all": [s.max_rss_kib / 1024 for s in samples],
    }


def machine() -> dict[str, Any]:
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        ram = 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpus": os.cpu_count(),
        "cpus_usable": usable,
        "ram_gib": round(ram / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pulumi": version("pulumi"),
        "pulumi-aws": version("pulumi-aws"),
    }


def bench(environment: str, repeat: int) -> dict[str, Any]:
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="mlplat-bench-") as tmp:
        workdir = Path(tmp)
        out_dir = workdir / "plan"
        inventory = out_dir / "inventory.json"
        plan_argv = [python, "-m", "mlplat", "plan", environment, "--out", str(out_dir), "--json"]
        floor_argv = [python, str(FLOOR), str(inventory)]
        plan_samples: list[Sample] = []
        floor_samples: list[Sample] = []
        for i in range(repeat + 1):  # run 0 is the warm-up, not counted
            plan_run = run_child(plan_argv, workdir)
            floor_run = run_child(floor_argv, workdir)
            if i:
                plan_samples.append(plan_run)
                floor_samples.append(floor_run)
        summary = json.loads(plan_samples[-1].stdout)
        floor_report = json.loads(floor_samples[-1].stdout)
        stacks = json.loads(inventory.read_text(encoding="utf-8"))["stacks"]
    custom = {
        name: sum(1 for r in export["deployment"]["resources"] if r["custom"])
        for name, export in stacks.items()
    }
    floor_custom = {s["stack"]: s["custom"] for s in floor_report["stacks"]}
    if custom != floor_custom:  # floor.py checks this too; a second look costs nothing
        raise ChildFailed(f"custom resources differ: plan {custom}, floor {floor_custom}")
    plan_stats, floor_stats = summarize(plan_samples), summarize(floor_samples)
    return {
        "environment": environment,
        "command": "make bench",
        "bench_command": shlex.join([python, *sys.argv]),
        "plan_command": shlex.join(plan_argv),
        "floor_command": shlex.join(floor_argv),
        "machine": machine(),
        "resources": {
            "stacks": len(stacks),
            "plan_total_resources": summary["total_resources"],
            "custom_registrations": sum(custom.values()),
            "components": sum(s["components"] for s in summary["stacks"]),
            "per_stack": {s["stack"]: s["resources"] for s in summary["stacks"]},
        },
        # In-process synthesis time of each stack (the plan's own clock), median over the runs.
        "per_stack_synthesis_s_median": {
            stack["stack"]: statistics.median(
                next(t["seconds"] for t in json.loads(s.stdout)["stacks"] if t["stack"] == stack["stack"])
                for s in plan_samples
            )
            for stack in summary["stacks"]
        },
        "plan": plan_stats,
        "floor": floor_stats
        | {
            "in_process_load_inventory_s_median": statistics.median(
                json.loads(s.stdout)["load_inventory_s"] for s in floor_samples
            ),
            "in_process_synthesize_s_median": statistics.median(
                json.loads(s.stdout)["synthesize_s"] for s in floor_samples
            ),
        },
        "ratio": {
            "wall_median": plan_stats["wall_s_median"] / floor_stats["wall_s_median"],
            "peak_rss": plan_stats["peak_rss_mib_max"] / floor_stats["peak_rss_mib_max"],
        },
    }


def print_report(report: dict[str, Any]) -> None:
    console = Console()
    resources, m = report["resources"], report["machine"]
    table = Table(
        title=f"mlplat plan {report['environment']} vs bare-mocks floor ({report['plan']['runs']} runs each)"
    )
    table.add_column("")
    table.add_column("median wall (s)", justify="right")
    table.add_column("min wall (s)", justify="right")
    table.add_column("peak RSS (MiB)", justify="right")
    for key in ("plan", "floor"):
        stats = report[key]
        table.add_row(
            key,
            f"{stats['wall_s_median']:.3f}",
            f"{stats['wall_s_min']:.3f}",
            f"{stats['peak_rss_mib_max']:.1f}",
        )
    table.add_row(
        "plan / floor",
        f"{report['ratio']['wall_median']:.2f}x",
        "",
        f"{report['ratio']['peak_rss']:.2f}x",
        style="bold",
    )
    console.print(table)
    console.print(
        f"{resources['plan_total_resources']} resources (the plan summary's count) in {resources['stacks']} "
        f"stacks; {resources['custom_registrations']} custom registrations incl. stack references, "
        f"{resources['components']} components",
        highlight=False,
    )
    per_stack = Table(title="per stack (median of the runs)")
    per_stack.add_column("stack")
    per_stack.add_column("resources", justify="right")
    per_stack.add_column("synthesis (s)", justify="right")
    for stack, seconds in report["per_stack_synthesis_s_median"].items():
        per_stack.add_row(stack, str(resources["per_stack"][stack]), f"{seconds:.3f}")
    console.print(per_stack)
    console.print(
        f"machine: {m['cpus_usable']}/{m['cpus']} CPUs, {m['ram_gib']} GiB RAM, Python {m['python']}, "
        f"pulumi {m['pulumi']}, pulumi-aws {m['pulumi-aws']}",
        highlight=False,
    )
    console.print(f"bench: {report['bench_command']}", highlight=False, soft_wrap=True)
    console.print(f"plan:  {report['plan_command']}", highlight=False, soft_wrap=True)
    console.print(f"floor: {report['floor_command']}", highlight=False, soft_wrap=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument("--env", default="prod", help="environment to plan (default prod)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    os.chdir(ROOT)  # the children run from the repository, as `make plan` does
    try:
        report = bench(args.env, args.repeat)
    except ChildFailed as error:
        print(error, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
