"""checkov as an independent second gate: the inventory as a Terraform plan (and Kubernetes
manifests), scanned by checkov from its own virtualenv, judged against a baseline of accepted
findings (policies/checkov-baseline.yaml).

checkov pins an old `packaging` that the Pulumi SDK cannot live with, so it runs as a separate
process from `.venv-checkov` (`make checkov` installs it). It passes silently over what it
cannot parse, so the scan fails unless checkov reports exactly as many resources as were
converted, and unless every Pulumi type converted to a known Terraform type.

    python -m mlplat.gate.checkov ENV             # plan ENV, then scan it
    python -m mlplat.gate.checkov --inventory FILE

Exit status: 0 clean, 1 failed checks that the baseline does not accept, 2 bad input or a scan
that cannot be trusted (one line per problem).
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml

from mlplat.gate.terraform_plan import ConvertedPlan, Manifest, PlanConversionError, convert, write_manifests
from platform_spec.errors import PlatformError
from platform_spec.paths import project_root

ROOT = project_root()
BASELINE = ROOT / "policies" / "checkov-baseline.yaml"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
TIMEOUT_SECONDS = 600


class CheckovError(PlatformError):
    """The scan cannot be run or its result cannot be trusted; one line per problem."""

    exit_code = 1


@dataclass(frozen=True)
class Finding:
    check_id: str
    check_name: str
    address: str
    """Terraform address (`aws_s3_bucket.raw`) or Kubernetes id (`Deployment.ns.name`)."""
    urn: str
    """The Pulumi URN of the resource; empty for checkov's pseudo resources (Kubernetes pods)."""
    guideline: str | None
    framework: str


@dataclass(frozen=True)
class BaselineEntry:
    check: str
    resource: str
    reason: str
    tags: Mapping[str, str] = field(default_factory=dict)

    def matches(self, finding: Finding, tags: Mapping[str, Any]) -> bool:
        return (
            finding.check_id == self.check
            and fnmatch.fnmatchcase(finding.address, self.resource)
            and all(k in tags and fnmatch.fnmatchcase(str(tags[k]), v) for k, v in self.tags.items())
        )

    def describe(self) -> str:
        where = "".join(f" {k}={v}" for k, v in self.tags.items())
        return f"{self.check} {self.resource}{where}"


@dataclass
class CheckovReport:
    resource_count: int
    """Resources checkov reports it scanned (Terraform plan)."""
    converted_count: int
    """AWS resources converted to the plan; equal to resource_count, or the scan fails."""
    manifest_count: int
    passed: list[Finding]
    failed: list[Finding]
    unbaselined: list[Finding]
    """Failed checks no baseline entry accepts: the gate fails on these."""
    stale_baseline: list[BaselineEntry]
    """Baseline entries that matched no failed check of this scan."""
    baselined: dict[Finding, BaselineEntry]
    plan_path: Path

    @property
    def ok(self) -> bool:
        return not self.unbaselined


# --- baseline ------------------------------------------------------------------------------------


def load_baseline(path: Path = BASELINE) -> list[BaselineEntry]:
    """Read and validate the baseline; every problem is reported at once."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CheckovError([f"{path}: cannot read the baseline: {error.strerror}"]) from None
    except yaml.YAMLError as error:
        raise CheckovError([f"{path}: not YAML: {error}".replace("\n", " ")]) from None
    if not isinstance(document, dict) or not isinstance(document.get("accepted"), list):
        raise CheckovError([f"{path}: expected a mapping with a list `accepted:`"])
    entries, problems = [], []
    for i, item in enumerate(document["accepted"]):
        where = f"{path}: accepted[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping with check, resource and reason")
            continue
        found = []
        unknown = sorted(set(item) - {"check", "resource", "reason", "tags"})
        if unknown:
            found.append(f"{where}: unknown keys {unknown}; allowed: check, resource, reason, tags")
        for key in ("check", "resource", "reason"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                found.append(f"{where}.{key}: {item.get(key)!r}: a non-empty string is required")
        tags = item.get("tags", {})
        if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
            found.append(f"{where}.tags: {tags!r}: a mapping of tag names to string values is required")
        if found:
            problems += found
        else:
            entries.append(BaselineEntry(item["check"], item["resource"], item["reason"].strip(), tags))
    if problems:
        raise CheckovError(problems)
    return entries


# --- running checkov -----------------------------------------------------------------------------


CHECKED_KINDS = frozenset({
    "AdmissionConfiguration", "ClusterRole", "ClusterRoleBinding", "ConfigMap", "CronJob", "DaemonSet",
    "Deployment", "DeploymentConfig", "Ingress", "Job", "Pod", "PodSecurityPolicy", "PodTemplate",
    "ReplicaSet", "ReplicationController", "Role", "RoleBinding", "Secret", "Service", "ServiceAccount",
    "StatefulSet",
})  # fmt: skip
"""The Kubernetes kinds checkov's resource checks cover (its registry; a test compares them)."""


def checkov_command() -> Path:
    """The checkov executable of its own virtualenv (override with CHECKOV_BIN)."""
    return Path(os.environ.get("CHECKOV_BIN", CHECKOV))


def run_checkov(plan_path: Path, manifest_dir: Path | None) -> list[dict[str, Any]]:
    """Run checkov once over the plan (and the manifests); one report dict per framework."""
    executable = checkov_command()
    if not executable.exists():
        raise CheckovError([f"{executable}: checkov is not installed; run `make checkov`"])
    frameworks = ["terraform_plan"] + (["kubernetes"] if manifest_dir else [])
    command = [str(executable), "-f", str(plan_path.resolve())]
    if manifest_dir:
        command += ["-d", str(manifest_dir.resolve())]
    command += ["--framework", *frameworks, "-o", "json", "--skip-download", "--soft-fail", "--compact"]
    env = {**os.environ, "LOG_LEVEL": "WARNING"}
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env, cwd=plan_path.parent
        )
    except subprocess.TimeoutExpired:
        raise CheckovError([f"checkov did not finish within {TIMEOUT_SECONDS} s"]) from None
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise CheckovError([f"checkov exited with status {result.returncode}: {tail}"])
    try:
        output = json.loads(result.stdout)
    except json.JSONDecodeError:
        raise CheckovError(["checkov printed no JSON report"]) from None
    reports = output if isinstance(output, list) else [output]
    return [r for r in reports if isinstance(r, dict)]


# --- the scan ------------------------------------------------------------------------------------


def scan(stacks: Mapping[str, Any], work_dir: Path, baseline: Path = BASELINE) -> CheckovReport:
    """Convert the stacks, run checkov once, and judge its findings against the baseline.

    `stacks` maps a stack name to its `pulumi stack export` document or to its resource list
    (what `mlplat.synth.inventory.load_stacks` returns). Raises CheckovError when the input cannot
    be converted faithfully or checkov's result cannot be trusted.
    """
    entries = load_baseline(baseline)
    try:
        plan = convert(stacks)
    except PlanConversionError as error:
        raise CheckovError(error.lines) from None
    if plan.unmapped:
        raise CheckovError(
            [
                f"{token}: no Terraform type is known for this Pulumi type ({count} resources); "
                "add it to mlplat/gate/data/pulumi_aws_terraform.json from the pulumi-aws bridge metadata"
                for token, count in sorted(plan.unmapped.items())
            ]
        )
    work_dir.mkdir(parents=True, exist_ok=True)
    plan_path = work_dir / "plan.json"
    plan_path.write_text(json.dumps(plan.document(), indent=1) + "\n", encoding="utf-8")
    manifest_dir = work_dir / "kubernetes"
    for old in manifest_dir.glob("*.yaml") if manifest_dir.exists() else []:
        old.unlink()
    paths = write_manifests(plan.manifests, manifest_dir) if plan.manifests else []
    reports = run_checkov(plan_path, manifest_dir if plan.manifests else None)
    files = {path.name: manifest for path, manifest in zip(paths, plan.manifests, strict=True)}
    return _judge(plan, reports, entries, plan_path, files)


def _baseline_tags(plan: ConvertedPlan) -> dict[str, dict[str, Any]]:
    """Tags a baseline entry can match: a resource's own, or for a bucket's configuration
    resource (policy, logging...), which has none, those of the bucket it configures."""
    own = {r.address: r.values.get("tags") or {} for r in plan.resources}
    for r in plan.resources:
        bucket = r.values.get("bucket")
        if not own[r.address] and isinstance(bucket, str) and bucket.startswith("aws_s3_bucket."):
            own[r.address] = own.get(bucket.rsplit(".", 1)[0], {})
    return own


def _judge(
    plan: ConvertedPlan,
    reports: list[dict[str, Any]],
    entries: list[BaselineEntry],
    plan_path: Path,
    manifest_files: Mapping[str, Manifest] | None = None,
) -> CheckovReport:
    """`manifest_files` maps each written manifest file's name to its manifest: two clusters hold
    objects with the same `Kind.namespace.name`, so a Kubernetes finding is traced by its file."""
    manifest_files = manifest_files or {}
    problems: list[str] = []
    by_framework = {r.get("check_type"): r for r in reports}
    terraform = by_framework.get("terraform_plan") or {}
    summary = terraform.get("summary") or (reports[0].get("summary") if len(reports) == 1 else {}) or {}
    resource_count = int(summary.get("resource_count", 0))
    if summary.get("parsing_errors"):
        problems.append(f"checkov could not parse {plan_path} ({summary['parsing_errors']} parsing errors)")
    if resource_count != len(plan.resources):
        problems.append(
            f"checkov scanned {resource_count} resources of the plan, but {len(plan.resources)} were "
            "converted; checkov skips what it cannot parse, so the scan cannot be trusted"
        )
    urn_of = {r.address: r.urn for r in plan.resources} | {m.id: m.urn for m in plan.manifests}
    tags_of = _baseline_tags(plan)
    passed: list[Finding] = []
    failed: list[Finding] = []
    for report in reports:
        framework = report.get("check_type", "terraform_plan")
        results = report.get("results") or {}
        for key, bucket in (("passed_checks", passed), ("failed_checks", failed)):
            for check in results.get(key) or []:
                address = check.get("resource", "")
                manifest = manifest_files.get(Path(check.get("file_path") or "").name)
                bucket.append(
                    Finding(
                        check["check_id"],
                        check.get("check_name", ""),
                        address,
                        manifest.urn if manifest else urn_of.get(address, ""),
                        check.get("guideline"),
                        framework,
                    )
                )
    if plan.manifests:
        k8s = by_framework.get("kubernetes") or {}
        if (k8s.get("summary") or {}).get("parsing_errors"):
            problems.append(
                f"checkov could not parse {k8s['summary']['parsing_errors']} Kubernetes manifests"
            )
        seen = {f.urn for f in passed + failed if f.framework == "kubernetes"}
        # checkov has no checks for most kinds (Namespace, NetworkPolicy, custom resources...);
        # of the kinds it checks, every manifest must have been read.
        missing = sorted(
            m.id for m in plan.manifests if m.body["kind"] in CHECKED_KINDS and m.urn not in seen
        )
        if missing:
            problems.append(f"checkov reported nothing for the Kubernetes manifests {missing}")
    if problems:
        raise CheckovError(problems)

    baselined: dict[Finding, BaselineEntry] = {}
    used: set[int] = set()
    unbaselined = []
    for finding in failed:
        match = next(
            (i for i, e in enumerate(entries) if e.matches(finding, tags_of.get(finding.address, {}))), None
        )
        if match is None:
            unbaselined.append(finding)
        else:
            baselined[finding] = entries[match]
            used.add(match)
    sort = lambda f: (f.address, f.check_id)  # noqa: E731
    return CheckovReport(
        resource_count=resource_count,
        converted_count=len(plan.resources),
        manifest_count=len(plan.manifests),
        passed=sorted(passed, key=sort),
        failed=sorted(failed, key=sort),
        unbaselined=sorted(unbaselined, key=sort),
        stale_baseline=[e for i, e in enumerate(entries) if i not in used],
        baselined=baselined,
        plan_path=plan_path,
    )


# --- command line --------------------------------------------------------------------------------


def _print_report(report: CheckovReport, title: str) -> None:
    from collections import Counter

    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 140))
    if report.unbaselined:
        table = Table(title=f"checkov {title}: failed checks not in the baseline")
        for column in ("check", "resource", "name", "pulumi urn"):
            table.add_column(column)
        for f in report.unbaselined:
            table.add_row(f.check_id, f.address, f.check_name, f.urn)
        console.print(table)
    accepted = Counter((f.check_id, f.check_name) for f in report.baselined)
    if accepted:
        table = Table(title=f"checkov {title}: failed checks the baseline accepts")
        for column in ("check", "name", "resources"):
            table.add_column(column)
        for (check_id, name), count in sorted(accepted.items()):
            table.add_row(check_id, name, str(count))
        console.print(table)
    for entry in report.stale_baseline:
        console.print(
            f"stale baseline entry (matched nothing): {entry.describe()}", highlight=False, soft_wrap=True
        )
    console.print(
        f"{report.resource_count} resources scanned ({report.converted_count} converted, "
        f"{report.manifest_count} Kubernetes manifests): {len(report.passed)} passed, "
        f"{len(report.failed)} failed, {len(report.unbaselined)} not in the baseline; plan: {report.plan_path}",
        highlight=False,
        soft_wrap=True,
    )


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def command(
    environment: Annotated[str | None, typer.Argument(help="Plan this environment, then scan it")] = None,
    inventory: Annotated[
        Path | None, typer.Option("--inventory", help="Scan an inventory or a `pulumi stack export` file")
    ] = None,
    baseline: Annotated[Path, typer.Option("--baseline", help="Accepted findings")] = BASELINE,
    work_dir: Annotated[Path | None, typer.Option("--work-dir", help="Where plan.json is written")] = None,
) -> None:
    """Scan an environment's plan with checkov; exit 1 on failed checks the baseline does not accept."""
    try:
        stacks, out, title = _stacks(environment, inventory)
        report = scan(stacks, work_dir or out, baseline)
    except CheckovError as error:
        for line in error.lines:
            print(line, file=sys.stderr)
        raise typer.Exit(2) from None
    _print_report(report, title)
    if not report.ok:
        raise typer.Exit(1)


def _stacks(environment: str | None, inventory: Path | None) -> tuple[dict[str, Any], Path, str]:
    """The stacks to scan, the default work directory and a title; bad input as CheckovError."""
    from mlplat.synth.inventory import InventoryError, load_stacks, read_inventory

    if (environment is None) == (inventory is None):
        raise CheckovError(["give either ENV or --inventory FILE"])
    if inventory is not None:
        if not inventory.is_file():
            raise CheckovError([f"{inventory}: no such file"])
        try:
            return read_inventory(inventory).stacks, inventory.parent / "checkov", str(inventory)
        except InventoryError as error:
            raise CheckovError(error.lines) from None

    from mlplat.synth.plan import PlanError, plan
    from platform_spec import SpecError

    try:
        result = plan(environment, Path("build") / environment)
    except SpecError as error:
        raise CheckovError([str(p) for p in error.problems]) from None
    except PlanError as error:
        raise CheckovError(error.lines) from None
    return load_stacks(result.inventory_path), result.inventory_path.parent / "checkov", environment


if __name__ == "__main__":
    app(prog_name="python -m mlplat.gate.checkov")
