"""Time of the policy gate over the prod inventory, median of N runs, split into its parts.

- check: `<python> -m mlplat check --inventory <tmp>/inventory.json`, a fresh process, as CI runs it
  (interpreter start-up, starting the pack process, every Analyze and AnalyzeStack call, the three
  reports, exit).
- in-process phases, over one pack process started for the bench: starting the pack (until its
  port is printed and the channel is ready), Analyze of every resource, AnalyzeStack of every stack.

The inventory comes from one `mlplat plan prod` into a temporary directory first (not timed).
See docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from platform_spec.paths import project_root

ROOT = project_root()

from mlplat.gate.analyzer import PolicyPackProcess, provider_urn  # noqa: E402
from mlplat.gate.check import load_inventory, pack_rules, reconcile_config  # noqa: E402
from mlplat.gate.pack import PACK_DIR, config_path  # noqa: E402


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def phases(inventory: Path, environment: str) -> dict[str, float]:
    _, stacks = load_inventory(inventory)
    started = time.perf_counter()
    pack = PolicyPackProcess(PACK_DIR)
    start = time.perf_counter() - started
    try:
        _, _, rules, schemas = pack_rules(pack)
        pack.configure(
            reconcile_config(
                rules, schemas, json.loads(config_path(environment).read_text()), config_path(environment)
            )
        )
        providers = {
            s: {r["urn"]: r for r in rs if r["type"].startswith("pulumi:providers:")}
            for s, rs in stacks.items()
        }
        analyze = timed(
            lambda: [
                pack.analyze(r, providers[s].get(provider_urn(r))) for s, rs in stacks.items() for r in rs
            ]
        )
        analyze_stack = timed(lambda: [pack.analyze_stack(rs, providers[s]) for s, rs in stacks.items()])
    finally:
        pack.close()
    return {"start": start, "analyze": analyze, "analyze_stack": analyze_stack}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--environment", default="prod")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run([sys.executable, "-m", "mlplat", "plan", args.environment, "--out", str(out), "--json"],
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        inventory = out / "inventory.json"
        _, stacks = load_inventory(inventory)
        command = [sys.executable, "-m", "mlplat", "check", "--inventory", str(inventory)]
        subprocess.run(command, cwd=ROOT, capture_output=True)  # warm-up, untimed
        checks, runs = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            checks.append(time.perf_counter() - started)
            if result.returncode not in (0, 1):
                sys.exit(f"mlplat check exited {result.returncode}: {result.stderr}")
            runs.append(phases(inventory, args.environment))
    report = {
        "environment": args.environment,
        "stacks": {name: len(resources) for name, resources in stacks.items()},
        "resources": sum(len(r) for r in stacks.values()),
        "repeat": args.repeat,
        "check_median_s": round(statistics.median(checks), 3),
        "check_min_s": round(min(checks), 3),
        **{f"{key}_median_s": round(statistics.median(r[key] for r in runs), 3) for key in runs[0]},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
