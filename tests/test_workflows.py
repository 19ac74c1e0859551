"""The GitHub workflows: what runs before a deploy, which refs may deploy, who holds the preview's
secrets, the Pulumi CLI version, how actions are pinned and what each job may do, which runner reaches
the private EKS endpoints, and that `pulumi up` applies the plan the approvers read
(docs/adr/0014-deploy-path-to-private-clusters.md). The guard's shell steps and the scripts the jobs
run execute here as GitHub would run them."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = GITHUB / "workflows"
SETUP_ACTION = GITHUB / "actions" / "pulumi-setup" / "action.yml"
STACKS_SCRIPT = GITHUB / "scripts" / "pulumi-stacks.sh"
SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository"
WORKFLOW_NAMES = ("pull-request.yml", "pulumi-up.yml", "deploy.yml")
ENVIRONMENTS = ("dev", "staging", "prod")
SETUP_USES = "$/.github/actions/pulumi-setup"


def private_runner(environment: str) -> str:
    """The runs-on label of the environment's CodeBuild-hosted runner (CodeBuild's documented label form)."""
    return f"codebuild-mlplatform-{environment}-runner-${{{{ github.run_id }}}}-${{{{ github.run_attempt }}}}"


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(document: dict) -> list[tuple[str, dict]]:
    return [(job, step) for job, spec in document["jobs"].items() for step in spec.get("steps", [])]


def action_files() -> list[Path]:
    return sorted(WORKFLOWS.glob("*.yml")) + sorted((GITHUB / "actions").glob("*/action.yml"))


def all_steps() -> list[tuple[str, dict]]:
    found = [(f"{name}:{job}", step) for name in WORKFLOW_NAMES for job, step in steps(workflow(name))]
    setup = yaml.safe_load(SETUP_ACTION.read_text(encoding="utf-8"))
    return found + [("pulumi-setup", step) for step in setup["runs"]["steps"]]


# ---- the Pulumi CLI, make test, the preview's secrets, the deploy order (kept from issue 8) ----------


def test_the_pulumi_cli_is_the_version_of_the_pinned_sdk():
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (sdk,) = [pin.split("==", 1)[1] for pin in pins if pin.startswith("pulumi==")]
    assert sdk == "3.272.0"
    cli = [
        (where, step)
        for where, step in all_steps()
        if str(step.get("uses", "")).startswith("pulumi/actions@")
    ]
    # One place installs the CLI: the setup action every cloud job uses before it runs pulumi.
    assert [(where, step["with"]["pulumi-version"]) for where, step in cli] == [("pulumi-setup", sdk)]
    for name in WORKFLOW_NAMES:
        for job, spec in workflow(name)["jobs"].items():
            uses = [step.get("uses") for step in spec.get("steps", [])]
            runs = [
                i for i, step in enumerate(spec.get("steps", [])) if "pulumi-stacks.sh" in step.get("run", "")
            ]
            if runs:
                assert SETUP_USES in uses[: runs[0]], f"{name}:{job} runs pulumi before the setup action"


def test_every_pull_request_runs_make_test():
    jobs = workflow("pull-request.yml")["jobs"]
    assert [step["run"] for step in jobs["test"]["steps"] if "run" in step] == ["make test"]
    assert "needs" not in jobs["test"] and "if" not in jobs["test"]


def test_only_branches_of_this_repository_get_the_preview_role_and_the_passphrase():
    document = workflow("pull-request.yml")
    privileged = {
        job
        for job, spec in document["jobs"].items()
        if "PULUMI_CONFIG_PASSPHRASE" in yaml.safe_dump(spec) or SETUP_USES in yaml.safe_dump(spec)
        or spec.get("permissions", {}).get("id-token") == "write"
    }  # fmt: skip
    assert privileged == {"preview"}
    preview = document["jobs"]["preview"]
    assert preview["if"] == f"vars.PULUMI_BACKEND_URL != '' && {SAME_REPOSITORY}"
    (setup,) = [step for step in preview["steps"] if step.get("uses") == SETUP_USES]
    assert setup["with"] == {"environment": "${{ matrix.environment }}", "role": "preview"}
    assert document["jobs"]["comment"]["if"] == f"always() && {SAME_REPOSITORY}"


def test_a_deploy_needs_the_guard_make_test_and_the_gate_and_dev_does_not_wait_for_org():
    jobs = workflow("deploy.yml")["jobs"]
    assert jobs["test"]["needs"] == "guard" and jobs["gate"]["needs"] == "guard"
    assert [step["run"] for step in jobs["test"]["steps"] if "run" in step] == ["make test"]
    order = {name: job.get("needs") for name, job in jobs.items() if "uses" in job}
    assert order == {
        "org": ["test", "gate"],
        "dev": ["test", "gate"],
        "staging": ["dev", "org"],
        "prod": "staging",
    }
    assert {name: job["with"]["environment"] for name, job in jobs.items() if "uses" in job} == {
        "org": "org", "dev": "dev", "staging": "staging", "prod": "prod"
    }  # fmt: skip


def test_one_job_per_environment_waits_for_the_approval_and_it_holds_nothing():
    jobs = workflow("pulumi-up.yml")["jobs"]
    assert {name for name, job in jobs.items() if "environment" in job} == {"approve"}
    approve = jobs["approve"]
    assert approve["environment"] == "${{ inputs.environment }}"
    assert approve["permissions"] == {} and "uses" not in yaml.safe_dump(approve["steps"])
    assert approve["needs"] == ["plan", "plan-private"]
    assert jobs["up"]["needs"] == "approve" and jobs["up-private"]["needs"] == ["approve", "up"]
    for name in ("plan", "plan-private", "up", "up-private"):
        (setup,) = [step for step in jobs[name]["steps"] if step.get("uses") == SETUP_USES]
        assert setup["with"] == {"environment": "${{ inputs.environment }}", "role": "deploy"}, name


def guard_step(name_part: str) -> dict:
    (step,) = [s for s in workflow("deploy.yml")["jobs"]["guard"]["steps"] if name_part in s["name"]]
    return step


def bash(script: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-e", "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        cwd=cwd,
    )


@pytest.mark.parametrize(
    ("ref", "code"),
    [("refs/heads/main", 0), ("refs/heads/feature", 1), ("refs/tags/v1.0.0", 1), ("refs/pull/7/merge", 1)],
)
def test_deploys_run_from_main_only(ref, code):
    step = guard_step("refs/heads/main only")
    assert step["env"] == {"REF": "${{ github.ref }}"}
    result = bash(step["run"], {"REF": ref})
    assert result.returncode == code
    if code:
        assert result.stdout == f"::error::deploys run from refs/heads/main only, not {ref}\n"


def fake_gh(tmp_path: Path, reviewers: dict[str, str]) -> dict[str, str]:
    """A `gh` on PATH that answers `gh api repos/R/environments/E --jq ...` with a count per environment
    (a missing environment: gh's exit 1, as for a 404)."""
    cases = "\n".join(f'  */environments/{env}) echo "{count}" ;;' for env, count in reviewers.items())
    script = tmp_path / "gh"
    script.write_text(f'#!/bin/bash\ncase "$2" in\n{cases}\n  *) echo "HTTP 404" >&2; exit 1 ;;\nesac\n')
    script.chmod(0o755)
    return {"PATH": f"{tmp_path}:{os.environ['PATH']}", "GITHUB_REPOSITORY": "acme/mlplatform"}


def test_a_deploy_stops_when_org_staging_or_prod_lacks_required_reviewers(tmp_path):
    step = guard_step("required reviewers")
    assert workflow("deploy.yml")["jobs"]["guard"]["permissions"] == {"actions": "read"}
    passed = bash(step["run"], fake_gh(tmp_path, {"org": "1", "staging": "1", "prod": "1"}))
    assert passed.returncode == 0 and passed.stdout == ""
    failed = bash(step["run"], fake_gh(tmp_path, {"org": "0", "staging": "1"}))
    assert failed.returncode == 1
    assert failed.stdout.splitlines() == [
        f"::error::the GitHub environment {env} has no required reviewers (docs/review-guide.md, After the merge)"
        for env in ("org", "prod")
    ]


def test_the_review_guide_says_org_needs_required_reviewers():
    text = (ROOT / "docs" / "review-guide.md").read_text(encoding="utf-8")
    after = text.split("## After the merge", 1)[1]
    assert "the environments `org`, `staging` and `prod` with **required reviewers**" in after
    assert re.search(r"`refs/heads/main` only", after)


# ---- pinning, credentials, permissions, caching (zizmor's audits, checked here by what they mean) ------

USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"^ # v\d+\.\d+\.\d+$")


def test_every_action_is_pinned_by_a_full_commit_sha_with_its_version_as_a_comment():
    seen = 0
    for path in action_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = USES_LINE.match(line)
            if match is None:
                continue
            seen += 1
            ref, comment = match["ref"], match["comment"]
            where = f"{path.relative_to(ROOT)}:{number}: {ref}"
            if ref.startswith("$/"):  # this repository's own workflow or action, at the run's commit
                assert (ROOT / ref[2:]).exists(), where
                assert comment == "", where
                continue
            assert not ref.startswith("./"), f"{where}: use the self-repository form $/..."
            assert PINNED.match(ref), f"{where}: not pinned by a 40-hex commit SHA"
            assert VERSION_COMMENT.match(comment), f"{where}: no `# vX.Y.Z` comment"
    assert seen >= 20  # the parser above saw the workflows' uses: lines, not nothing


def test_every_checkout_leaves_no_credentials_behind():
    checkouts = [(w, s) for w, s in all_steps() if str(s.get("uses", "")).startswith("actions/checkout@")]
    assert len(checkouts) >= 8
    for where, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, where


def test_reusable_workflows_get_named_secrets_only():
    calls = {name: job for name, job in workflow("deploy.yml")["jobs"].items() if "uses" in job}
    assert set(calls) == {"org", "dev", "staging", "prod"}
    for name, job in calls.items():
        assert job["uses"] == "$/.github/workflows/pulumi-up.yml", name
        assert job["secrets"] == {"PULUMI_CONFIG_PASSPHRASE": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}"}, name
    declared = workflow("pulumi-up.yml")[True]["workflow_call"]["secrets"]  # PyYAML reads `on:` as True
    assert set(declared) == {"PULUMI_CONFIG_PASSPHRASE"}
    for path in action_files():
        assert "secrets: inherit" not in path.read_text(encoding="utf-8"), path.name


def test_every_job_declares_its_permissions_and_only_cloud_jobs_get_an_oidc_token():
    for name in WORKFLOW_NAMES:
        document = workflow(name)
        assert document["permissions"] == {}, f"{name}: the default token gets nothing"
        for job, spec in document["jobs"].items():
            assert "permissions" in spec, f"{name}:{job} declares no permissions"
            granted = spec["permissions"]
            assert all(level in ("read", "write") for level in granted.values()), f"{name}:{job}"
            cloud = (
                SETUP_USES in yaml.safe_dump(spec) or spec.get("uses") == "$/.github/workflows/pulumi-up.yml"
            )
            assert (granted.get("id-token") == "write") == cloud, f"{name}:{job}"
    writes = {
        (name, job): sorted(scope for scope, level in spec["permissions"].items() if level == "write")
        for name in WORKFLOW_NAMES
        for job, spec in workflow(name)["jobs"].items()
    }
    assert {key: scopes for key, scopes in writes.items() if scopes and scopes != ["id-token"]} == {
        ("pull-request.yml", "review"): ["security-events"],
        ("pull-request.yml", "comment"): ["pull-requests"],
    }


def test_pip_downloads_are_cached_by_the_files_that_pin_them():
    pythons = [(w, s) for w, s in all_steps() if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert len(pythons) >= 5
    for where, step in pythons:
        settings = step["with"]
        assert settings["cache"] == "pip", where
        paths = settings["cache-dependency-path"].split()
        assert {"pyproject.toml", "requirements.txt"} <= set(paths), where
        assert all((ROOT / path).is_file() for path in paths), where


def test_zizmor_finds_nothing():
    zizmor = ROOT / ".venv" / "bin" / "zizmor"
    if not zizmor.exists():
        pytest.skip("zizmor is not installed in .venv (pyproject.toml dev extra)")
    result = subprocess.run(
        [str(zizmor), "--offline", "--format", "plain", str(GITHUB)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout
    assert "No findings to report" in result.stdout


# ---- the private runner for the compute stacks --------------------------------------------------------


def test_the_compute_previews_run_on_the_private_runner_of_their_environment():
    preview = workflow("pull-request.yml")["jobs"]["preview"]
    assert preview["runs-on"] == "${{ matrix.runner }}"
    entries = preview["strategy"]["matrix"]["include"]
    stacks: dict[str, list[str]] = {entry["environment"]: [] for entry in entries}
    for entry in entries:
        compute = [stack for stack in entry["stacks"].split() if stack.endswith("-compute")]
        stacks[entry["environment"]] += entry["stacks"].split()
        if compute:
            assert compute == entry["stacks"].split() == [f"{entry['environment']}-compute"], entry["group"]
            assert entry["runner"] == private_runner(entry["environment"]), entry["group"]
        else:
            assert entry["runner"] == "ubuntu-24.04", entry["group"]
    assert stacks == {
        "org": ["org"],
        **{
            env: [f"{env}-{layer}" for layer in ("foundation", "data", "registry", "compute")]
            for env in ENVIRONMENTS
        },
    }


def test_the_compute_deploys_run_on_the_private_runner_of_their_environment():
    calls = {name: job["with"] for name, job in workflow("deploy.yml")["jobs"].items() if "uses" in job}
    assert calls["org"]["stacks"] == "org" and "private-stacks" not in calls["org"]
    for env in ENVIRONMENTS:
        assert calls[env]["stacks"] == f"{env}-foundation {env}-data {env}-registry"
        assert calls[env]["private-stacks"] == f"{env}-compute"
        assert calls[env]["private-runner"] == private_runner(env)
    jobs = workflow("pulumi-up.yml")["jobs"]
    for name in ("plan-private", "up-private"):
        assert jobs[name]["runs-on"] == "${{ inputs.private-runner }}", name
        assert jobs[name]["if"] == "inputs.private-stacks != ''", name
        (run,) = [step for step in jobs[name]["steps"] if "run" in step]
        assert run["env"]["STACKS"] == "${{ inputs.private-stacks }}", name
    for name in ("plan", "up", "approve"):
        assert jobs[name]["runs-on"] == "ubuntu-24.04", name


# ---- pulumi up applies the saved plan -----------------------------------------------------------------


def test_the_up_jobs_download_the_plans_their_environment_saved():
    jobs = workflow("pulumi-up.yml")["jobs"]
    for plan, up in (("plan", "up"), ("plan-private", "up-private")):
        (upload,) = [
            s for s in jobs[plan]["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")
        ]
        (download,) = [
            s for s in jobs[up]["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact@")
        ]
        assert download["with"] == {"name": upload["with"]["name"], "path": upload["with"]["path"]}
        assert upload["with"]["if-no-files-found"] == "error"
        (saving,) = [s for s in jobs[plan]["steps"] if "run" in s]
        (applying,) = [s for s in jobs[up]["steps"] if "run" in s]
        assert saving["run"] == "bash .github/scripts/pulumi-stacks.sh plan"
        assert applying["run"] == "bash .github/scripts/pulumi-stacks.sh up"
        assert saving["env"]["OUT"] == applying["env"]["OUT"] == upload["with"]["path"]
        assert saving["env"]["STACKS"] == applying["env"]["STACKS"]


FAKE_PULUMI = """#!/bin/bash
# records its arguments; `--save-plan FILE` writes a plan; FAIL_STACK makes that stack fail
echo "$*" >> "$PULUMI_LOG"
stack="" save=""
while [ $# -gt 0 ]; do
  case "$1" in --stack) stack=$2; shift ;; --save-plan) save=$2; shift ;; esac
  shift
done
echo "preview of $stack"
[ -n "$save" ] && echo '{"resourcePlans": {}}' > "$save"
[ "$stack" != "${FAIL_STACK:-}" ]
"""


def run_stacks(tmp_path: Path, mode: str, stacks: str, **extra: str) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "pulumi").write_text(FAKE_PULUMI)
    (bin_dir / "pulumi").chmod(0o755)
    env = {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "PULUMI_LOG": str(tmp_path / "pulumi.log"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "STACKS": stacks,
        "POLICY_CONFIG": "policies/config/dev.json",
        "OUT": str(tmp_path / "plans"),
        **extra,
    }
    return bash(f"bash {STACKS_SCRIPT} {mode}", env, cwd=ROOT)


def pulumi_calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "pulumi.log"
    return log.read_text().splitlines() if log.exists() else []


def test_up_applies_the_plan_that_the_preview_saved(tmp_path):
    planned = run_stacks(tmp_path, "plan", "dev-foundation dev-data")
    assert planned.returncode == 0, planned.stderr
    plans = tmp_path / "plans"
    policy = (
        "--non-interactive --color never --policy-pack policies --policy-pack-config policies/config/dev.json"
    )
    assert pulumi_calls(tmp_path) == [
        f"preview --diff --stack {stack} {policy} --save-plan {plans}/{stack}.plan.json"
        for stack in ("dev-foundation", "dev-data")
    ]
    summary = (tmp_path / "summary.md").read_text()
    assert "### Plan of `dev-foundation`" in summary and "preview of dev-data" in summary
    (tmp_path / "pulumi.log").unlink()
    applied = run_stacks(tmp_path, "up", "dev-foundation dev-data")
    assert applied.returncode == 0, applied.stderr
    assert pulumi_calls(tmp_path) == [
        f"up --yes --diff --stack {stack} {policy} --plan {plans}/{stack}.plan.json"
        for stack in ("dev-foundation", "dev-data")
    ]


def test_up_refuses_a_stack_without_a_saved_plan(tmp_path):
    result = run_stacks(tmp_path, "up", "dev-foundation")
    assert result.returncode == 1
    assert result.stderr == (
        f"::error::dev-foundation: no saved plan {tmp_path}/plans/dev-foundation.plan.json"
        " (the plan job of this run writes it)\n"
    )
    assert pulumi_calls(tmp_path) == []


def test_plan_and_up_stop_at_the_first_failing_stack(tmp_path):
    result = run_stacks(tmp_path, "plan", "dev-foundation dev-data dev-registry", FAIL_STACK="dev-data")
    assert result.returncode == 1
    assert [call.split("--stack ")[1].split()[0] for call in pulumi_calls(tmp_path)] == [
        "dev-foundation",
        "dev-data",
    ]


def test_a_pull_request_preview_shows_every_stack_and_fails_when_one_failed(tmp_path):
    result = run_stacks(
        tmp_path, "preview", "dev-foundation dev-data dev-nowhere", FAIL_STACK="dev-foundation"
    )
    assert result.returncode == 1
    assert [call.split()[0:4] for call in pulumi_calls(tmp_path)] == [
        ["preview", "--diff", "--stack", "dev-foundation"],
        ["preview", "--diff", "--stack", "dev-data"],
    ]
    assert "--save-plan" not in "".join(pulumi_calls(tmp_path))
    text = (tmp_path / "plans" / "preview.txt").read_text()
    assert "### pulumi preview --diff -s dev-data\npreview of dev-data" in text
    assert "### dev-nowhere: no environments/Pulumi.dev-nowhere.yaml on this branch, not previewed" in text


@pytest.mark.parametrize(
    ("mode", "stacks", "extra", "line"),
    [
        ("deploy", "dev-data", {}, "usage: pulumi-stacks.sh preview|plan|up"),
        ("plan", "", {}, "::error::pulumi-stacks.sh: STACKS is empty"),
        ("plan", "dev-data", {"POLICY_CONFIG": ""}, "::error::pulumi-stacks.sh: POLICY_CONFIG is empty"),
        ("plan", "dev-nowhere", {}, "::error::dev-nowhere: no environments/Pulumi.dev-nowhere.yaml"),
    ],
)
def test_the_stacks_script_refuses_bad_input_with_one_line(tmp_path, mode, stacks, extra, line):
    result = run_stacks(tmp_path, mode, stacks, **extra)
    assert (result.returncode, result.stderr) == (2, line + "\n")
    assert pulumi_calls(tmp_path) == []


# ---- the roles, from the spec -------------------------------------------------------------------------


def ci_roles() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ci_roles", GITHUB / "scripts" / "ci_roles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_roles_come_from_the_spec():
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(GITHUB / "scripts" / "ci_roles.py"), "staging"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    org = yaml.safe_load((ROOT / "environments" / "org.yaml").read_text(encoding="utf-8"))
    ci = org["ci_principal_arns"][0]
    account = ci.split(":")[4]
    assert result.stdout.splitlines() == [
        f"deploy-role-arn={ci}",
        f"preview-role-arn=arn:aws:iam::{account}:role/mlplatform-staging-preview",
        "preview-role-name=mlplatform-staging-preview",
        f"aws-region={org['home_region']}",
    ]
    setup = yaml.safe_load(SETUP_ACTION.read_text(encoding="utf-8"))
    (credentials,) = [s for s in setup["runs"]["steps"] if "configure-aws-credentials" in s.get("uses", "")]
    assert credentials["with"]["role-to-assume"] == (
        "${{ inputs.role == 'preview' && steps.roles.outputs.preview-role-arn "
        "|| steps.roles.outputs.deploy-role-arn }}"
    )


@pytest.mark.parametrize(
    ("environment", "org_yaml", "message"),
    [
        ("qa", "ci_principal_arns: [arn:aws:iam::111111111111:role/ci]\nhome_region: eu-central-1\n",
         "{dir}: no environment 'qa'; known: dev, org"),
        ("../dev", "", "environment: '../dev': lower-case letters, digits and '-', at most 31"),
        ("dev", "ci_principal_arns: []\n", "{dir}/org.yaml: ci_principal_arns: []: a non-empty list of IAM role ARNs"),
        ("dev", "ci_principal_arns: [arn:aws:iam::1:user/x]\n",
         "{dir}/org.yaml: ci_principal_arns[0]: 'arn:aws:iam::1:user/x': an IAM role ARN"),
        ("dev", "ci_principal_arns: [arn:aws:iam::111111111111:role/ci]\nhome_region: Frankfurt\n",
         "{dir}/org.yaml: home_region: 'Frankfurt': an AWS region such as eu-central-1"),
        ("dev", "ci_principal_arns: [unclosed\n", "{dir}/org.yaml: cannot be read as YAML (ParserError)"),
    ],
)  # fmt: skip
def test_bad_role_input_is_one_line(tmp_path, environment, org_yaml, message):
    (tmp_path / "org.yaml").write_text(org_yaml)
    (tmp_path / "dev.yaml").write_text("name: dev\n")
    with pytest.raises(ValueError) as raised:
        ci_roles().roles(environment, tmp_path)
    assert str(raised.value) == message.format(dir=tmp_path)


def test_the_roles_script_exits_2_with_one_line():
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(GITHUB / "scripts" / "ci_roles.py"), "qa"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr
        == f"error: {ROOT / 'environments'}: no environment 'qa'; known: dev, org, prod, staging\n"
    )
