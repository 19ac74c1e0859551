"""The GitHub workflows: what runs before a deploy, which refs may deploy, who holds the preview's
secrets, and the Pulumi CLI version. The guard's shell steps run here as GitHub would run them."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository"


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(document: dict) -> list[tuple[str, dict]]:
    return [(job, step) for job, spec in document["jobs"].items() for step in spec.get("steps", [])]


def test_the_pulumi_cli_is_the_version_of_the_pinned_sdk():
    pins = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (sdk,) = [pin.split("==", 1)[1] for pin in pins if pin.startswith("pulumi==")]
    assert sdk == "3.272.0"
    cli = [
        step
        for name in ("pull-request.yml", "pulumi-up.yml", "deploy.yml")
        for _, step in steps(workflow(name))
        if str(step.get("uses", "")).startswith("pulumi/actions@")
    ]
    assert len(cli) == 2
    assert [step["with"]["pulumi-version"] for step in cli] == [sdk, sdk]


def test_every_pull_request_runs_make_test():
    jobs = workflow("pull-request.yml")["jobs"]
    assert [step["run"] for step in jobs["test"]["steps"] if "run" in step] == ["make test"]
    assert "needs" not in jobs["test"] and "if" not in jobs["test"]


def test_only_branches_of_this_repository_get_the_preview_role_and_the_passphrase():
    document = workflow("pull-request.yml")
    privileged = [
        (job, step["name"])
        for job, step in steps(document)
        if "AWS_PREVIEW_ROLE_ARN" in yaml.safe_dump(step) or "PULUMI_CONFIG_PASSPHRASE" in yaml.safe_dump(step)
        or str(step.get("uses", "")).startswith(("aws-actions/", "pulumi/actions@"))
    ]  # fmt: skip
    assert len(privileged) == 3
    for job, step in steps(document):
        if (job, step.get("name")) in privileged:
            assert step["if"] == f"vars.AWS_PREVIEW_ROLE_ARN != '' && {SAME_REPOSITORY}", step["name"]


def test_a_deploy_needs_the_guard_make_test_and_the_gate():
    jobs = workflow("deploy.yml")["jobs"]
    assert jobs["test"]["needs"] == "guard" and jobs["gate"]["needs"] == "guard"
    assert [step["run"] for step in jobs["test"]["steps"] if "run" in step] == ["make test"]
    assert jobs["org"]["needs"] == ["test", "gate"]
    order = {name: job.get("needs") for name, job in jobs.items() if "uses" in job}
    assert order == {"org": ["test", "gate"], "dev": "org", "staging": "dev", "prod": "staging"}
    assert {name: job["with"]["environment"] for name, job in jobs.items() if "uses" in job} == {
        "org": "org", "dev": "dev", "staging": "staging", "prod": "prod"
    }  # fmt: skip
    up = workflow("pulumi-up.yml")["jobs"]["up"]
    assert up["environment"] == "${{ inputs.environment }}"


def guard_step(name_part: str) -> dict:
    (step,) = [s for s in workflow("deploy.yml")["jobs"]["guard"]["steps"] if name_part in s["name"]]
    return step


def bash(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-e", "-c", script], env={**os.environ, **env}, capture_output=True, text=True, timeout=30
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
