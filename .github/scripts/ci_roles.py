"""The IAM roles a CI job of one environment assumes through GitHub's OIDC provider, read from the spec.

    python .github/scripts/ci_roles.py ENV >> "$GITHUB_OUTPUT"

prints `deploy-role-arn=...` (the first of `ci_principal_arns` in environments/org.yaml: the CI
principal every `mlplatform-deploy-<env>` role trusts) and `preview-role-arn=...` (the read-only
`mlplatform-<env>-preview` role in the same account) and `preview-role-name=...` (the name of that
role in each account of the environment, which the Pulumi program assumes during a pull-request
preview) and `aws-region=...` (the organization's `home_region`, where STS is called).
docs/adr/0014-deploy-path-to-private-clusters.md says why. Bad input: one line, exit 2.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
ROLE_ARN = re.compile(r"^arn:aws:iam::(?P<account>\d{12}):role/[\w+=,.@/-]+$")
ENVIRONMENT = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")


def preview_role_name(environment: str) -> str:
    # Issue 15 builds this read-only role in every account of the environment; the name is fixed here.
    return f"mlplatform-{environment}-preview"


def roles(environment: str, environments: Path) -> dict[str, str]:
    """The roles of `environment`; ValueError with one line (file, field, value, what is allowed)."""
    spec = environments / "org.yaml"
    if not ENVIRONMENT.match(environment):
        raise ValueError(f"environment: {environment!r}: lower-case letters, digits and '-', at most 31")
    if environment != "org" and not (environments / f"{environment}.yaml").is_file():
        known = sorted(p.stem for p in environments.glob("*.yaml") if not p.stem.startswith("Pulumi."))
        raise ValueError(f"{spec.parent}: no environment {environment!r}; known: {', '.join(known)}")
    try:
        document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{spec}: cannot be read as YAML ({error.__class__.__name__})") from error
    principals = document.get("ci_principal_arns") if isinstance(document, dict) else None
    if not isinstance(principals, list) or not principals:
        raise ValueError(f"{spec}: ci_principal_arns: {principals!r}: a non-empty list of IAM role ARNs")
    match = ROLE_ARN.match(str(principals[0]))
    if match is None:
        raise ValueError(f"{spec}: ci_principal_arns[0]: {principals[0]!r}: an IAM role ARN")
    region = document.get("home_region")
    if not isinstance(region, str) or not REGION.match(region):
        raise ValueError(f"{spec}: home_region: {region!r}: an AWS region such as eu-central-1")
    name = preview_role_name(environment)
    return {
        "deploy-role-arn": match.group(0),
        "preview-role-arn": f"arn:aws:iam::{match.group('account')}:role/{name}",
        "preview-role-name": name,
        "aws-region": region,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: ci_roles.py ENV (org, dev, staging, prod, ...)", file=sys.stderr)
        return 2
    try:
        found = roles(argv[0], ROOT / "environments")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(f"{key}={value}" for key, value in found.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
