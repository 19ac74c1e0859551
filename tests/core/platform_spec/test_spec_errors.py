"""Bad environment specs: `mlplat plan ENV` prints one line per problem and exits 2.

Every case copies environments/ to a temporary directory, breaks one file there and runs
the real CLI. Each line names the file, the field path, the value given and what is
allowed; stdout stays empty and no traceback is printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from mlplat.cli.app import app
from platform_spec import loader, models
from platform_spec.paths import project_root

ROOT = project_root()
INPUT_ERROR = 2
# Variables that make rich draw its progress spinner on stderr even when it is not a terminal.
TERMINAL_OVERRIDES = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE")
REGIONS = ", ".join(models.AWS_REGIONS)
ORG_ACCOUNTS = (
    "log-archive, prod-data, prod-training, prod-registry, "
    "staging-data, staging-training, staging-registry, dev-ml"
)
OUS = "security, workloads, prod, nonprod"
ENDPOINTS = (
    "'ecr.api', 'ecr.dkr', 'sts', 'logs', 'sqs', 'eks', 'eks-auth', 'ec2', 'ssm', 'kms', "
    "'elasticloadbalancing', 'autoscaling' or 'monitoring'"
)
ROLES = "'data', 'training', 'registry' or 'security'"
LAKE_KEY = "data_lake"
LAKE = "data_lake.products"
HD_MAPS = (LAKE_KEY, "products", "hd-map-tiles", "zones", "curated")
DRIVES_RAW = (LAKE_KEY, "products", "drive-recordings", "zones", "raw")
SNAPSHOT = (LAKE_KEY, "products", "camera-frames", "zones", "training-snapshot")
CLUSTERS = ("compute", "clusters")
CLUSTERS_AT = "compute.clusters"
EUC1 = (*CLUSTERS, "eu-central-1", "node_groups")
EUC1_AT = "compute.clusters.eu-central-1.node_groups"
USW2 = (*CLUSTERS, "us-west-2", "node_groups")
USW2_AT = "compute.clusters.us-west-2.node_groups"
CLUSTER_SOFTWARE = {  # of a cluster whose only accelerator pool is AI 100
    "device_plugins": {"qualcomm_image": "ghcr.io/quic/cloud_ai_k8s_device_plugin:1.21.4.0"},
    "kueue": {"chart_version": "0.19.2"},
    "karpenter": {"chart_version": "1.14.1", "ami_alias": "al2023@v20260818"},
}
KARPENTER_EUC1 = (*CLUSTERS, "eu-central-1", "karpenter", "node_pools")
KARPENTER_EUC1_AT = "compute.clusters.eu-central-1.karpenter.node_pools"
ADDONS_134 = {
    "vpc-cni": "v1.22.4-eksbuild.3",
    "coredns": "v1.12.4-eksbuild.29",
    "kube-proxy": "v1.34.6-eksbuild.21",
    "aws-ebs-csi-driver": "v1.66.0-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
}


# --- breaking a copy of the spec files --------------------------------------------------

Data = dict[str, Any]
Change = Callable[[Data], None]


@dataclass(frozen=True)
class Text:
    """A change to the raw text of a file (for what a mapping cannot express, like bad YAML)."""

    rewrite: Callable[[str], str]


def raw(text: str) -> Text:
    return Text(lambda _: text)


def edit(old: str, new: str) -> Text:
    def rewrite(text: str) -> str:
        assert old in text, f"{old!r} is not in the file"
        return text.replace(old, new, 1)

    return Text(rewrite)


def _parent(data: Data, path: tuple[str, ...]) -> Data:
    for key in path[:-1]:
        data = data[key]
    return data


def put(*path: str, value: Any) -> Change:
    def change(data: Data) -> None:
        _parent(data, path)[path[-1]] = value

    return change


def drop(*path: str) -> Change:
    def change(data: Data) -> None:
        del _parent(data, path)[path[-1]]

    return change


def rename(*path: str, to: str) -> Change:
    def change(data: Data) -> None:
        parent = _parent(data, path)
        parent[to] = parent.pop(path[-1])

    return change


def every(*changes: Change) -> Change:
    def change(data: Data) -> None:
        for one in changes:
            one(data)

    return change


def break_file(directory: Path, file: str, change: Change | Text) -> None:
    """Apply `change` to environments/<file> in `directory`, the copy a test works on."""
    path = directory / file
    if isinstance(change, Text):
        path.write_text(change.rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


@pytest.fixture
def environments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of environments/ that `stacks.spec` reads; the working directory is its parent,
    so problems name files as `environments/<file>`."""
    directory = tmp_path / "environments"
    shutil.copytree(ROOT / "environments", directory)
    monkeypatch.setattr(loader, "ENVIRONMENTS_DIR", directory)
    monkeypatch.chdir(tmp_path)
    for name in TERMINAL_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    return directory


# --- the cases ----------------------------------------------------------------------------


def case(id: str, file: str, change: Change | Text, *lines: str, env: str = "dev") -> Any:
    return pytest.param(file, change, env, list(lines), id=id)


def unchanged(data: Data) -> None:
    pass


ORG = "environments/org.yaml"
DEV = "environments/dev.yaml"
STAGING = "environments/staging.yaml"
PROD = "environments/prod.yaml"

CASES = [
    # the file itself
    case(
        "unknown-environment",
        "dev.yaml",
        unchanged,
        "environments/qa.yaml: (top level): 'qa': no such environment; allowed: dev, prod, staging",
        env="qa",
    ),
    case(
        "org-is-not-an-environment",
        "dev.yaml",
        unchanged,
        f"{ORG}: (top level): 'org': the organization, deployed as the `org` stack; allowed: dev, prod, staging",
        env="org",
    ),
    case(
        "duplicate-vpc-key",
        "prod.yaml",
        edit("    training-usw2:\n", "    training-euc1:\n"),
        f"{PROD}: line 23: 'training-euc1': this key appears twice in one mapping",
        env="prod",
    ),
    case(
        "yaml-syntax-error",
        "dev.yaml",
        edit("  nat: single\n", "  nat: [single\n"),
        f"{DEV}: line 15, column 26: '  flow_log_retention_days: 365': "
        "not valid YAML: expected ',' or ']', but got ':'",
    ),
    case(
        "yaml-tab-indentation",
        "org.yaml",
        raw("name: acme\n\towner: cloud-platform@acme.example\n"),
        f"{ORG}: line 2, column 1: '\\towner: cloud-platform@acme.example': "
        "not valid YAML: found character '\\t' that cannot start any token",
    ),
    case(
        "top-level-not-a-mapping",
        "org.yaml",
        raw("- acme\n- cloud-platform@acme.example\n"),
        f"{ORG}: (top level): ['acme', 'cloud-platform@acme.example']: the file must hold a mapping of fields",
    ),
    case(
        "empty-file",
        "dev.yaml",
        raw("# nothing here yet\n"),
        f"{DEV}: (top level): None: the file must hold a mapping of fields",
    ),
    # the schema: fields and types
    case(
        "unknown-field-typo",
        "org.yaml",
        rename("cloudtrail", "retention_days", to="retention_dayz"),
        f"{ORG}: cloudtrail.retention_days: (missing): required field is missing",
        f"{ORG}: cloudtrail.retention_dayz: 2557: unknown field; allowed: log_archive_account, retention_days",
    ),
    case(
        "missing-required-field",
        "dev.yaml",
        drop("owner"),
        f"{DEV}: owner: (missing): required field is missing",
    ),
    case(
        "account-id-unquoted",
        "org.yaml",
        edit('management_account_id: "111111111111"', "management_account_id: 111111111111"),
        f"{ORG}: management_account_id: 111111111111: expected a string; put the value in quotes",
    ),
    case(
        "account-id-too-short",
        "org.yaml",
        put("management_account_id", value="11111111111"),
        f"{ORG}: management_account_id: '11111111111': an AWS account id is exactly 12 digits, quoted as a string",
    ),
    case(
        "string-for-bool",
        "org.yaml",
        put("accounts", "dev-ml", "personal_data", value="yes"),
        f"{ORG}: accounts.dev-ml.personal_data: 'yes': expected true or false without quotes",
    ),
    case(
        "string-for-int",
        "org.yaml",
        put("cloudtrail", "retention_days", value="2557"),
        f"{ORG}: cloudtrail.retention_days: '2557': expected a whole number without quotes",
    ),
    case(
        "empty-ou",
        "org.yaml",
        edit("  security: {}\n", "  security:\n"),
        f"{ORG}: organizational_units.security: None: expected a mapping of fields; write {{}} for an empty one",
    ),
    case(
        "unknown-region",
        "org.yaml",
        put("home_region", value="eu-central-3"),
        f"{ORG}: home_region: 'eu-central-3': not an AWS region; allowed: {REGIONS}",
    ),
    case(
        "bad-email",
        "org.yaml",
        put("accounts", "prod-data", "email", value="aws+prod-data"),
        f"{ORG}: accounts.prod-data.email: 'aws+prod-data': "
        "expected an e-mail address such as aws+prod-data@example.com",
    ),
    case(
        "retention-too-short",
        "org.yaml",
        put("cloudtrail", "retention_days", value=30),
        f"{ORG}: cloudtrail.retention_days: 30: Input should be greater than or equal to 365",
    ),
    case(
        "retention-too-long",
        "org.yaml",
        put("cloudtrail", "retention_days", value=4000),
        f"{ORG}: cloudtrail.retention_days: 4000: Input should be less than or equal to 3650",
    ),
    case(
        "duplicate-region",
        "org.yaml",
        put("allowed_regions", value=["eu-central-1", "eu-west-1", "us-east-1", "eu-west-1"]),
        f"{ORG}: allowed_regions: ['eu-central-1', 'eu-west-1', 'us-east-1', 'eu-west-1']: "
        "each value may appear once; repeated: eu-west-1",
    ),
    case(
        "unknown-account-role",
        "dev.yaml",
        rename("accounts", "data", to="datalake"),
        f"{DEV}: accounts.datalake: 'datalake': not an allowed key; Input should be {ROLES}",
    ),
    case(
        "bad-team-key",
        "dev.yaml",
        rename("teams", "perception", to="Perception"),
        f"{DEV}: teams.Perception: 'Perception': not an allowed key; "
        "a key is 2 to 32 characters of a-z, 0-9 and '-', starting with a letter",
    ),
    case(
        "unknown-nat-strategy",
        "dev.yaml",
        put("network", "nat", value="per-az"),
        f"{DEV}: network.nat: 'per-az': Input should be 'none', 'single' or 'per_az'",
    ),
    case(
        "unknown-interface-endpoint",
        "dev.yaml",
        put("network", "interface_endpoints", value=["ecr.api", "s3"]),
        f"{DEV}: network.interface_endpoints[1]: 's3': Input should be {ENDPOINTS}",
    ),
    case(
        "duplicate-interface-endpoint",
        "dev.yaml",
        put("network", "interface_endpoints", value=["sts", "ecr.api", "sts"]),
        f"{DEV}: network.interface_endpoints: ['sts', 'ecr.api', 'sts']: each value may appear once; repeated: sts",
    ),
    case(
        "one-availability-zone",
        "dev.yaml",
        put("network", "vpcs", "ml-euc1", "availability_zones", value=["eu-central-1a"]),
        f"{DEV}: network.vpcs.ml-euc1.availability_zones: ['eu-central-1a']: "
        "List should have at least 2 items, not 1",
    ),
    case(
        "unknown-data-class-account-role",
        "org.yaml",
        put("data_classes", "curated", "accounts", value=["data", "analytics"]),
        f"{ORG}: data_classes.curated.accounts[1]: 'analytics': Input should be {ROLES}",
    ),
    # rules across the organization
    case(
        "personal-data-region-outside-eu",
        "org.yaml",
        put("personal_data_regions", value=["eu-central-1", "us-east-1"]),
        f"{ORG}: personal_data_regions[1]: 'us-east-1': personal data stays in EU regions (eu-*)",
    ),
    case(
        "personal-data-region-not-allowed",
        "org.yaml",
        put("personal_data_regions", value=["eu-central-1", "eu-north-1"]),
        f"{ORG}: personal_data_regions[1]: 'eu-north-1': must also be in allowed_regions: "
        "eu-central-1, eu-west-1, us-east-1, us-west-2",
    ),
    case(
        "home-region-not-allowed",
        "org.yaml",
        put("home_region", value="eu-west-2"),
        f"{ORG}: home_region: 'eu-west-2': must be one of allowed_regions: "
        "eu-central-1, eu-west-1, us-east-1, us-west-2",
    ),
    case(
        "ou-parent-unknown",
        "org.yaml",
        put("organizational_units", "prod", "parent", value="workload"),
        f"{ORG}: organizational_units.prod.parent: 'workload': unknown OU; allowed: {OUS}",
    ),
    case(
        "ou-parent-cycle",
        "org.yaml",
        put("organizational_units", "workloads", "parent", value="prod"),
        f"{ORG}: organizational_units.workloads.parent: 'prod': OU parents form a cycle: "
        "workloads -> prod -> workloads; a parent must not be the OU itself or an OU below it",
        f"{ORG}: organizational_units.prod.parent: 'workloads': OU parents form a cycle: "
        "prod -> workloads -> prod; a parent must not be the OU itself or an OU below it",
    ),
    case(
        "ou-own-parent",
        "org.yaml",
        put("organizational_units", "security", "parent", value="security"),
        f"{ORG}: organizational_units.security.parent: 'security': OU parents form a cycle: "
        "security -> security; a parent must not be the OU itself or an OU below it",
    ),
    case(
        "account-in-unknown-ou",
        "org.yaml",
        put("accounts", "dev-ml", "ou", value="sandbox"),
        f"{ORG}: accounts.dev-ml.ou: 'sandbox': unknown OU; allowed: {OUS}",
    ),
    case(
        "duplicate-account-email",
        "org.yaml",
        put("accounts", "dev-ml", "email", value="aws+log-archive@acme.example"),
        f"{ORG}: accounts.log-archive.email: 'aws+log-archive@acme.example': "
        "every account needs its own e-mail address",
        f"{ORG}: accounts.dev-ml.email: 'aws+log-archive@acme.example': "
        "every account needs its own e-mail address",
    ),
    case(
        "log-archive-account-unknown",
        "org.yaml",
        put("cloudtrail", "log_archive_account", value="logs"),
        f"{ORG}: cloudtrail.log_archive_account: 'logs': unknown account; allowed: {ORG_ACCOUNTS}",
    ),
    case(
        "names-from-a-long-organization-name",
        "org.yaml",
        every(
            put("name", value="acme-autonomous-driving-research"),
            put(
                "accounts", "perception-sandbox", value={"email": "aws+sandbox@acme.example", "ou": "nonprod"}
            ),
        ),
        f"{ORG}: accounts.perception-sandbox: 'perception-sandbox': account name "
        "acme-autonomous-driving-research-perception-sandbox is 51 characters; AWS Organizations allows 50",
        f"{ORG}: name: 'acme-autonomous-driving-research': the trail archive's access-log bucket "
        "acme-autonomous-driving-research-cloudtrail-archive-access-logs-eu-central-1 is 76 characters; "
        "S3 allows 63",
    ),
    case(
        "cost-allocation-tags-aws-prefix-and-colliding-resource-names",
        "org.yaml",
        put(
            "cost_allocation_tags",
            value=["environment", "team", "Team", "cost center", "cost-center", "aws:createdBy"],
        ),
        f"{ORG}: cost_allocation_tags[5]: 'aws:createdBy': aws: is AWS's own prefix; a user-defined tag key "
        "does not start with it",
        f"{ORG}: cost_allocation_tags[2]: 'Team': the same resource name as cost_allocation_tags[1] ('team'): "
        "keys are compared in lower case with every run of characters other than a-z, 0-9 and - as one -; "
        "keep one of them",
        f"{ORG}: cost_allocation_tags[4]: 'cost-center': the same resource name as cost_allocation_tags[3] "
        "('cost center'): keys are compared in lower case with every run of characters other than a-z, 0-9 "
        "and - as one -; keep one of them",
    ),
    # rules across an environment and the organization
    case(
        "env-name-not-file-name",
        "dev.yaml",
        put("name", value="develop"),
        f"{DEV}: name: 'develop': must match the file name: dev",
    ),
    case(
        "env-account-not-in-org",
        "dev.yaml",
        put("accounts", "data", "account", value="dev-data"),
        f"{DEV}: accounts.data.account: 'dev-data': not an account of environments/org.yaml; "
        f"allowed: {ORG_ACCOUNTS}",
    ),
    case(
        "account-role-missing",
        "dev.yaml",
        drop("accounts", "security"),
        f"{DEV}: accounts: {{data, registry, training}}: every role needs an account; missing: security",
    ),
    case(
        "personal-data-account-outside-eu",
        "prod.yaml",
        put("accounts", "data", "regions", value=["eu-central-1", "eu-west-1", "us-east-1"]),
        f"{PROD}: accounts.data.regions[2]: 'us-east-1': "
        "personal-data account, allowed (GDPR residency): eu-central-1, eu-west-1",
        env="prod",
    ),
    case(
        "account-region-not-allowed",
        "staging.yaml",
        put("accounts", "registry", "regions", value=["eu-central-1", "us-west-2", "ap-south-1"]),
        f"{STAGING}: accounts.registry.regions[2]: 'ap-south-1': "
        "allowed: eu-central-1, eu-west-1, us-east-1, us-west-2",
        env="staging",
    ),
    case(
        "vpc-region-not-of-its-account",
        "dev.yaml",
        every(
            put("network", "vpcs", "ml-euc1", "region", value="eu-west-1"),
            put("network", "vpcs", "ml-euc1", "availability_zones", value=["eu-west-1a", "eu-west-1b"]),
        ),
        f"{DEV}: network.vpcs.ml-euc1.region: 'eu-west-1': "
        "not a region of the training account; allowed: eu-central-1",
    ),
    case(
        "availability-zone-of-another-region",
        "staging.yaml",
        put("network", "vpcs", "training-usw2", "availability_zones", value=["us-west-2a", "us-east-1b"]),
        f"{STAGING}: network.vpcs.training-usw2.availability_zones[1]: 'us-east-1b': "
        "expected a zone of us-west-2, such as us-west-2a",
        env="staging",
    ),
    case(
        "overlapping-vpc-cidrs",
        "prod.yaml",
        put("network", "vpcs", "registry-euc1", "cidr", value="10.32.16.0/20"),
        f"{PROD}: network.vpcs.registry-euc1.cidr: '10.32.16.0/20': "
        "overlaps network.vpcs.training-euc1.cidr (10.32.0.0/16)",
        env="prod",
    ),
    case(
        "public-cidr",
        "dev.yaml",
        put("network", "vpcs", "ml-euc1", "cidr", value="8.8.0.0/16"),
        f"{DEV}: network.vpcs.ml-euc1.cidr: '8.8.0.0/16': a VPC needs a private (RFC 1918) range from /16 to /20",
    ),
    case(
        "cidr-too-large",
        "dev.yaml",
        put("network", "vpcs", "ml-euc1", "cidr", value="10.0.0.0/8"),
        f"{DEV}: network.vpcs.ml-euc1.cidr: '10.0.0.0/8': a VPC needs a private (RFC 1918) range from /16 to /20",
    ),
    case(
        "cidr-with-host-bits",
        "dev.yaml",
        put("network", "vpcs", "ml-euc1", "cidr", value="10.8.0.1/16"),
        f"{DEV}: network.vpcs.ml-euc1.cidr: '10.8.0.1/16': expected an IPv4 network such as 10.20.0.0/16",
    ),
    case(
        "domain-owner-not-a-team",
        "dev.yaml",
        put("domains", "camera", "owner_team", value="vision"),
        f"{DEV}: domains.camera.owner_team: 'vision': unknown team; allowed: perception, data-engineering, ml-platform",
    ),
    # several problems in one file: one line each
    case(
        "several-schema-problems",
        "org.yaml",
        every(
            drop("owner"),
            put("allowed_regions", value=["eu-cental-1", "eu-west-1"]),
            put("cloudtrail", "retention_days", value=10),
            rename("home_region", to="home_regio"),
        ),
        f"{ORG}: owner: (missing): required field is missing",
        f"{ORG}: home_region: (missing): required field is missing",
        f"{ORG}: allowed_regions[0]: 'eu-cental-1': not an AWS region; allowed: {REGIONS}",
        f"{ORG}: cloudtrail.retention_days: 10: Input should be greater than or equal to 365",
        f"{ORG}: home_regio: 'eu-central-1': unknown field; allowed: {', '.join(models.OrganizationSpec.model_fields)}",
    ),
    # --- the data lake -------------------------------------------------------------------
    case(
        "lake-impossible-transition-order",
        "prod.yaml",
        put(
            *HD_MAPS,
            "transitions",
            value=[
                {"days": 30, "storage_class": "GLACIER_IR"},
                {"days": 200, "storage_class": "STANDARD_IA"},
            ],
        ),
        f"{PROD}: {LAKE}.hd-map-tiles.zones.curated.transitions[1].storage_class: 'STANDARD_IA': "
        "S3 cannot transition GLACIER_IR to STANDARD_IA; transitions go down STANDARD > STANDARD_IA > "
        "INTELLIGENT_TIERING > ONEZONE_IA > GLACIER_IR > GLACIER > DEEP_ARCHIVE (never ONEZONE_IA > GLACIER_IR)",
        env="prod",
    ),
    case(
        "lake-transition-before-minimum-duration",
        "prod.yaml",
        put(
            *HD_MAPS,
            "transitions",
            value=[
                {"days": 30, "storage_class": "GLACIER_IR"},
                {"days": 60, "storage_class": "DEEP_ARCHIVE"},
            ],
        ),
        f"{PROD}: {LAKE}.hd-map-tiles.zones.curated.transitions[1].days: 60: GLACIER_IR has a minimum "
        "storage duration of 90 days (entered at day 30): the earliest next transition is day 120",
        env="prod",
    ),
    case(
        "lake-infrequent-access-too-early",
        "prod.yaml",
        put(*HD_MAPS, "transitions", value=[{"days": 10, "storage_class": "STANDARD_IA"}]),
        f"{PROD}: {LAKE}.hd-map-tiles.zones.curated.transitions[0].days: 10: "
        "S3 moves objects to STANDARD_IA at 30 days or later",
        env="prod",
    ),
    case(
        "lake-expiry-inside-minimum-duration",
        "prod.yaml",
        put(*DRIVES_RAW, "retention_days", value=200),
        f"{PROD}: {LAKE}.drive-recordings.zones.raw.retention_days: 200: the last transition moves objects to "
        "DEEP_ARCHIVE at day 180 (minimum storage 180 days): expire them at day 360 or later",
        env="prod",
    ),
    case(
        "lake-personal-data-replicated-out-of-residency",
        "prod.yaml",
        put(*DRIVES_RAW, "replicate_to", value=["eu-west-1", "us-west-2"]),
        f"{PROD}: {LAKE}.drive-recordings.zones.raw.replicate_to[1]: 'us-west-2': personal data (sensor-raw) "
        "is replicated only within its residency regions: eu-central-1, eu-west-1",
        env="prod",
    ),
    case(
        "lake-replication-of-a-class-that-forbids-it",
        "prod.yaml",
        put(LAKE_KEY, "products", "scenario-library", "zones", "raw", "replicate_to", value=["eu-west-1"]),
        f"{PROD}: {LAKE}.scenario-library.zones.raw.replicate_to: ['eu-west-1']: "
        "simulation does not allow replication",
        env="prod",
    ),
    case(
        "lake-object-lock-shorter-than-the-class-requires",
        "prod.yaml",
        put(LAKE_KEY, "products", "release-evidence", "zones", "curated", "object_lock_days", value=365),
        f"{PROD}: {LAKE}.release-evidence.zones.curated.object_lock_days: 365: "
        "shorter than safety-evidence requires: at least 3650 days",
        env="prod",
    ),
    case(
        "lake-object-lock-missing",
        "prod.yaml",
        drop(*SNAPSHOT, "object_lock_days"),
        f"{PROD}: {LAKE}.camera-frames.zones.training-snapshot.object_lock_days: None: required: "
        "training-snapshot is immutable (Object Lock, compliance mode) for at least 365 days",
        env="prod",
    ),
    case(
        "lake-object-lock-on-an-unlocked-class",
        "prod.yaml",
        put(LAKE_KEY, "products", "camera-frames", "zones", "curated", "object_lock_days", value=30),
        f"{PROD}: {LAKE}.camera-frames.zones.curated.object_lock_days: 30: "
        "curated is not Object-Locked; remove the field",
        env="prod",
    ),
    case(
        "lake-unknown-data-class",
        "prod.yaml",
        put(LAKE_KEY, "products", "perception-labels", "zones", "curated", "data_class", value="lables"),
        f"{PROD}: {LAKE}.perception-labels.zones.curated.data_class: 'lables': unknown data class; allowed: "
        "sensor-raw, curated, labels, training-snapshot, safety-evidence, simulation, platform "
        "(environments/org.yaml)",
        env="prod",
    ),
    case(
        "lake-class-in-the-wrong-zone",
        "prod.yaml",
        put(LAKE_KEY, "products", "scenario-library", "zones", "raw", "data_class", value="curated"),
        f"{PROD}: {LAKE}.scenario-library.zones.raw.data_class: 'curated': "
        "curated belongs in zone curated, not raw",
        env="prod",
    ),
    case(
        "lake-personal-data-without-retention",
        "prod.yaml",
        drop(*DRIVES_RAW, "retention_days"),
        f"{PROD}: {LAKE}.drive-recordings.zones.raw.retention_days: None: "
        "required: sensor-raw is personal data (GDPR storage limitation)",
        env="prod",
    ),
    case(
        "lake-personal-data-in-a-non-personal-account",
        "dev.yaml",
        put(
            LAKE_KEY,
            "products",
            "camera-frames",
            "zones",
            "raw",
            value={"data_class": "sensor-raw", "volume_tib": 1, "retention_days": 400},
        ),
        f"{DEV}: {LAKE}.camera-frames.zones.raw.data_class: 'sensor-raw': "
        "personal data needs a personal-data account; dev-ml is not one (org.yaml)",
    ),
    case(
        "lake-access-profile-and-transitions-together",
        "prod.yaml",
        put(*HD_MAPS, "access", value="hot"),
        f"{PROD}: {LAKE}.hd-map-tiles.zones.curated.transitions: 'set': "
        "give either `access` or `transitions`, not both",
        env="prod",
    ),
    case(
        "lake-unknown-consumer-and-domain",
        "prod.yaml",
        every(
            put(LAKE_KEY, "products", "lidar-sweeps", "consumers", value=["mapping", "planning"]),
            put(LAKE_KEY, "products", "hd-map-tiles", "domain", value="maps"),
        ),
        f"{PROD}: {LAKE}.lidar-sweeps.consumers[1]: 'planning': unknown team; allowed: perception, behavior, "
        "mapping, simulation, validation, data-engineering, ml-platform",
        f"{PROD}: {LAKE}.hd-map-tiles.domain: 'maps': unknown domain; allowed: camera, lidar, radar, "
        "vehicle-signals, drive-logs, hd-maps, labels, scenarios, safety",
        env="prod",
    ),
    case(
        "lake-access-point-name-longer-than-s3-allows",
        "prod.yaml",
        every(
            rename(LAKE_KEY, "products", "release-evidence", to="safety-case-release-evidence-xyz"),
            put(LAKE_KEY, "products", "safety-case-release-evidence-xyz", "consumers", value=["behavior"]),
        ),
        f"{PROD}: {LAKE}.safety-case-release-evidence-xyz: 'safety-case-release-evidence-xyz': access point "
        "name safety-case-release-evidence-xyz-curated-validation is 51 characters; S3 allows 50",
        env="prod",
    ),
    # --- the registry ---------------------------------------------------------------------
    case(
        "registry-edge-lock-shorter-than-safety-evidence",
        "prod.yaml",
        every(
            put("registry", "edge_artefact_lock_days", value=365),
            put("registry", "approver_team", value="qa"),
        ),
        f"{PROD}: registry.approver_team: 'qa': unknown team; allowed: perception, behavior, mapping, "
        "simulation, validation, data-engineering, ml-platform",
        f"{PROD}: registry.edge_artefact_lock_days: 365: released artefacts are safety evidence: at least 3650 days",
        env="prod",
    ),
    case(
        "registry-not-next-to-a-training-region",
        "staging.yaml",
        put("accounts", "registry", "regions", value=["eu-central-1"]),
        f"{STAGING}: accounts.registry.regions: ['eu-central-1']: images are replicated next to every "
        "training region: add us-west-2",
        env="staging",
    ),
    case(
        "several-environment-problems",
        "staging.yaml",
        every(
            put("name", value="stage"),
            put("accounts", "registry", "account", value="staging-images"),
            put("network", "vpcs", "training-usw2", "cidr", value="10.16.128.0/17"),
            put("domains", "hd-maps", "owner_team", value="maps"),
        ),
        f"{STAGING}: name: 'stage': must match the file name: staging",
        f"{STAGING}: accounts.registry.account: 'staging-images': not an account of environments/org.yaml; "
        f"allowed: {ORG_ACCOUNTS}",
        f"{STAGING}: network.vpcs.training-usw2.cidr: '10.16.128.0/17': "
        "overlaps network.vpcs.training-euc1.cidr (10.16.0.0/16)",
        f"{STAGING}: domains.hd-maps.owner_team: 'maps': unknown team; allowed: perception, behavior, mapping, "
        "simulation, validation, data-engineering, ml-platform",
        env="staging",
    ),
    # --- compute ----------------------------------------------------------------------------
    case(
        "compute-dl2q-in-a-region-without-it",
        "prod.yaml",
        every(
            put("accounts", "training", "regions", value=["eu-central-1", "us-west-2", "us-east-1"]),
            put("accounts", "registry", "regions", value=["eu-central-1", "us-west-2", "us-east-1"]),
            put(
                "network",
                "vpcs",
                "training-use1",
                value={
                    "account": "training",
                    "region": "us-east-1",
                    "cidr": "10.36.0.0/16",
                    "availability_zones": ["us-east-1a", "us-east-1b"],
                },
            ),
            put(
                *CLUSTERS,
                "us-east-1",
                value={
                    "kubernetes_version": "1.34",
                    "log_retention_days": 365,
                    "addons": ADDONS_134,
                    "node_groups": {
                        "system": {
                            "kind": "system",
                            "instance_types": ["m7i.xlarge"],
                            "min_size": 2,
                            "max_size": 3,
                        },
                        "ai100": {
                            "kind": "qualcomm-ai100",
                            "instance_types": ["dl2q.24xlarge"],
                            "ami_id": "ami-0e1c5a7f2b9d43c61",
                            "max_size": 2,
                        },
                    },
                    "teams": {"validation": {"qaic_devices": 16, "cpu": 64, "memory_gib": 256}},
                    **CLUSTER_SOFTWARE,
                },
            ),
        ),
        f"{PROD}: {CLUSTERS_AT}.us-east-1.node_groups.ai100.instance_types[0]: 'dl2q.24xlarge': "
        "dl2q is not offered in us-east-1; offered in: eu-central-1, us-west-2",
        env="prod",
    ),
    case(
        "compute-p5-in-eu-central-1",
        "prod.yaml",
        put(*EUC1, "train-a100", "instance_types", value=["p5.48xlarge"]),
        f"{PROD}: {EUC1_AT}.train-a100.instance_types[0]: 'p5.48xlarge': p5 is not offered in eu-central-1; "
        "offered in: ap-northeast-1, ap-northeast-2, ap-south-1, ap-southeast-2, ap-southeast-3, ca-central-1, "
        "eu-north-1, eu-west-2, sa-east-1, us-east-1, us-east-2, us-west-1, us-west-2",
        env="prod",
    ),
    case(
        "compute-gpu-pool-not-from-zero",
        "prod.yaml",
        put(*EUC1, "batch-l40s", "min_size", value=2),
        f"{PROD}: {EUC1_AT}.batch-l40s.min_size: 2: nvidia-batch pools scale from zero: min_size must be 0",
        env="prod",
    ),
    case(
        "compute-instance-family-of-another-kind",
        "prod.yaml",
        put(*EUC1, "train-a100", "instance_types", value=["g6e.48xlarge"]),
        f"{PROD}: {EUC1_AT}.train-a100.instance_types[0]: 'g6e.48xlarge': g6e is not a family for "
        "nvidia-training pools; allowed: p4d, p4de, p5, p5e, p5en",
        env="prod",
    ),
    case(
        "compute-training-pool-across-zones",
        "prod.yaml",
        put(*USW2, "train-a100", "availability_zones", value=["us-west-2a", "us-west-2b"]),
        f"{PROD}: {USW2_AT}.train-a100.availability_zones: ['us-west-2a', 'us-west-2b']: nvidia-training pools "
        "stay in exactly one AZ (placement group, no cross-AZ traffic): name one",
        env="prod",
    ),
    case(
        "compute-custom-ami-only-for-ai100",
        "staging.yaml",
        every(
            drop(*EUC1, "ai100", "ami_id"),
            put(*EUC1, "batch-l40s", "ami_id", value="ami-0e1c5a7f2b9d43c61"),
        ),
        f"{STAGING}: {EUC1_AT}.batch-l40s.ami_id: 'ami-0e1c5a7f2b9d43c61': nvidia-batch pools use the "
        "EKS-optimized AL2023_x86_64_NVIDIA AMI; remove it",
        f"{STAGING}: {EUC1_AT}.ai100.ami_id: None: required: the EKS-optimized AMIs do not cover dl2q; give "
        "the id of an AMI with the accelerator's driver (docs/adr/0007-compute-clusters.md)",
        env="staging",
    ),
    case(
        "compute-capacity-block-without-its-reservation",
        "prod.yaml",
        every(
            drop(*USW2, "train-h100", "capacity_reservation_id"),
            put(*USW2, "batch-l40s", "capacity", value="capacity-block"),
        ),
        f"{PROD}: {USW2_AT}.train-h100.capacity_reservation_id: None: required: the id (cr-...) of the purchased "
        "Capacity Block",
        f"{PROD}: {USW2_AT}.batch-l40s.capacity: 'capacity-block': nvidia-batch pools use spot-first or spot or "
        "on-demand",
        f"{PROD}: {USW2_AT}.batch-l40s.capacity_reservation_id: None: required: the id (cr-...) of the purchased "
        "Capacity Block",
        f"{PROD}: {USW2_AT}.batch-l40s.on_demand_max_size: 8: only for capacity: spot-first",
        env="prod",
    ),
    case(
        "compute-add-on-not-pinned",
        "prod.yaml",
        put(*CLUSTERS, "us-west-2", "addons", "coredns", value="latest"),
        f"{PROD}: {CLUSTERS_AT}.us-west-2.addons.coredns: 'latest': "
        "String should match pattern '^v\\d+\\.\\d+\\.\\d+-eksbuild\\.\\d+$'",
        env="prod",
    ),
    case(
        "compute-add-on-missing-and-kube-proxy-of-another-version",
        "prod.yaml",
        every(
            put(*CLUSTERS, "eu-central-1", "addons", "kube-proxy", value="v1.33.10-eksbuild.21"),
            drop(*CLUSTERS, "eu-central-1", "addons", "aws-ebs-csi-driver"),
        ),
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.addons: {{coredns, eks-pod-identity-agent, kube-proxy, vpc-cni}}: "
        "every managed add-on needs a pinned version; missing: aws-ebs-csi-driver",
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.addons.kube-proxy: 'v1.33.10-eksbuild.21': kube-proxy runs the "
        "cluster's minor version: v1.34.<patch>-eksbuild.<n>",
        env="prod",
    ),
    case(
        "compute-public-endpoint-rules",
        "staging.yaml",
        every(
            put(*CLUSTERS, "eu-central-1", "public_access_cidrs", value=["203.0.113.0/24"]),
            put(*CLUSTERS, "us-west-2", "endpoint_public_access", value=True),
            put(*CLUSTERS, "us-west-2", "public_access_cidrs", value=["0.0.0.0/0", "10.0.0.0/16"]),
        ),
        f"{STAGING}: {CLUSTERS_AT}.eu-central-1.public_access_cidrs: ['203.0.113.0/24']: only with "
        "endpoint_public_access: true; the endpoint is private",
        f"{STAGING}: {CLUSTERS_AT}.us-west-2.public_access_cidrs[0]: '0.0.0.0/0': at most a /16: a public "
        "endpoint is opened to named networks, not the internet",
        f"{STAGING}: {CLUSTERS_AT}.us-west-2.public_access_cidrs[1]: '10.0.0.0/16': a private range "
        "reaches the private endpoint from the VPC; list public networks only",
        env="staging",
    ),
    case(
        "compute-clusters-and-training-regions-differ",
        "staging.yaml",
        rename(*CLUSTERS, "us-west-2", to="us-east-1"),
        f"{STAGING}: {CLUSTERS_AT}: {{eu-central-1, us-east-1}}: every region of the training account "
        "needs a cluster; missing: us-west-2",
        f"{STAGING}: {CLUSTERS_AT}.us-east-1: 'us-east-1': not a region of the training account; "
        "allowed: eu-central-1, us-west-2",
        env="staging",
    ),
    case(
        "compute-cluster-without-a-system-pool-or-a-vpc-zone",
        "dev.yaml",
        every(
            drop("compute", "clusters", "eu-central-1", "node_groups", "system"),
            put(
                "compute",
                "clusters",
                "eu-central-1",
                "node_groups",
                "batch",
                "availability_zones",
                value=["eu-central-1c"],
            ),
        ),
        f"{DEV}: compute.clusters.eu-central-1.node_groups: {{batch}}: a cluster needs exactly one node "
        "group of kind system for its add-ons; found 0",
        f"{DEV}: compute.clusters.eu-central-1.node_groups.batch.availability_zones[0]: 'eu-central-1c': not a "
        "zone of network.vpcs.ml-euc1; allowed: eu-central-1a, eu-central-1b",
    ),
    case(
        "compute-team-quotas-above-pool-limits",
        "prod.yaml",
        every(
            put(*CLUSTERS, "eu-central-1", "teams", "perception", "nvidia_gpus", value=260),
            put(*CLUSTERS, "eu-central-1", "teams", "validation", "qaic_devices", value=32),
        ),
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.teams: {{behavior, data-engineering, mapping, perception, simulation, "
        "validation}: the teams' nvidia_gpus add up to 380, more than the cluster's pools offer at their "
        "largest: 344 nvidia.com/gpu (node_groups.train-a100: 64, node_groups.batch-l40s: 120, "
        "node_groups.eval-l4: 80, karpenter.node_pools.batch: 80); lower the quotas or grow the pools",
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.teams: {{data-engineering, validation}}: the teams' qaic_devices add "
        "up to 40, more than the cluster's pools offer at their largest: 32 qualcomm.com/qaic (8 per "
        "dl2q.24xlarge, unverified) (node_groups.ai100: 32); lower the quotas or grow the pools",
        env="prod",
    ),
    case(
        "compute-unknown-team",
        "dev.yaml",
        put(*CLUSTERS, "eu-central-1", "teams", "robotics", value={"cpu": 8, "memory_gib": 32}),
        f"{DEV}: {CLUSTERS_AT}.eu-central-1.teams.robotics: 'robotics': unknown team; allowed: perception, "
        "data-engineering, ml-platform",
    ),
    case(
        "compute-karpenter-pool-rules",
        "prod.yaml",
        every(
            put(*KARPENTER_EUC1, "batch", "on_demand", "weight", value=100),
            put(*KARPENTER_EUC1, "batch", "spot", "nvidia_gpus", value=2),
            put(*KARPENTER_EUC1, "batch", "budgets", 1, value={"nodes": "0", "schedule": "0 6 * * 1-5"}),
            put(
                *KARPENTER_EUC1,
                "train",
                value={
                    "kind": "nvidia-training",
                    "instance_types": ["p4d.24xlarge"],
                    "spot": {"weight": 50, "nvidia_gpus": 16, "cpu": 192},
                },
            ),
        ),
        f"{PROD}: {KARPENTER_EUC1_AT}.batch.on_demand.weight: 100: spot is preferred: below spot.weight (100)",
        f"{PROD}: {KARPENTER_EUC1_AT}.batch.spot.nvidia_gpus: 2: at least 4, the GPUs of the largest instance "
        "type, or that type never launches",
        f"{PROD}: {KARPENTER_EUC1_AT}.batch.budgets[1]: '0 6 * * 1-5': schedule and duration are given "
        "together (Karpenter refuses one without the other)",
        f"{PROD}: {KARPENTER_EUC1_AT}.train.kind: 'nvidia-training': Karpenter provisions only nvidia-batch "
        "pools; training and AI 100 pools are managed node groups (docs/adr/0008-cluster-software.md)",
        env="prod",
    ),
    case(
        "compute-karpenter-ami-not-pinned",
        "staging.yaml",
        put(*CLUSTERS, "us-west-2", "karpenter", "ami_alias", value="al2023@latest"),
        f"{STAGING}: {CLUSTERS_AT}.us-west-2.karpenter.ami_alias: 'al2023@latest': "
        "String should match pattern '^al2023@v\\d{8}$'",
        env="staging",
    ),
    case(
        "compute-karpenter-instance-type-of-another-kind",
        "staging.yaml",
        put(
            *CLUSTERS,
            "us-west-2",
            "karpenter",
            "node_pools",
            "batch",
            "instance_types",
            value=["g6.4xlarge", "p5.48xlarge", "g6.3xlarge"],
        ),
        f"{STAGING}: {CLUSTERS_AT}.us-west-2.karpenter.node_pools.batch.instance_types[1]: 'p5.48xlarge': p5 is "
        "not a family for nvidia-batch pools; allowed: g5, g6, g6e",
        f"{STAGING}: {CLUSTERS_AT}.us-west-2.karpenter.node_pools.batch.instance_types[2]: 'g6.3xlarge': not a "
        "g6 size this platform knows; allowed: xlarge, 2xlarge, 4xlarge, 8xlarge, 16xlarge, 12xlarge, 24xlarge, "
        "48xlarge",
        env="staging",
    ),
    case(
        "compute-unknown-pool-kind",
        "dev.yaml",
        put("compute", "clusters", "eu-central-1", "node_groups", "batch", "kind", value="gpu"),
        f"{DEV}: compute.clusters.eu-central-1.node_groups.batch.kind: 'gpu': "
        "Input should be 'system', 'nvidia-training', 'nvidia-batch' or 'qualcomm-ai100'",
    ),
    case(
        "compute-device-plugins-exactly-where-their-pools-are",
        "dev.yaml",
        put(
            *CLUSTERS,
            "eu-central-1",
            "device_plugins",
            value={"qualcomm_image": "ghcr.io/quic/cloud_ai_k8s_device_plugin:1.21.4.0"},
        ),
        f"{DEV}: {CLUSTERS_AT}.eu-central-1.device_plugins.nvidia_chart_version: (missing): required: the "
        "cluster has NVIDIA pools (node_groups.batch, karpenter.node_pools.batch), and only this device plugin "
        "advertises their nvidia.com/gpu",
        f"{DEV}: {CLUSTERS_AT}.eu-central-1.device_plugins.qualcomm_image: "
        "'ghcr.io/quic/cloud_ai_k8s_device_plugin:1.21.4.0': only for a cluster with AI 100 pools; this one "
        "has none: remove it",
    ),
    case(
        "compute-ai100-pool-without-its-device-plugin",
        "staging.yaml",
        drop(*CLUSTERS, "us-west-2", "device_plugins", "qualcomm_image"),
        f"{STAGING}: {CLUSTERS_AT}.us-west-2.device_plugins.qualcomm_image: (missing): required: the cluster "
        "has AI 100 pools (node_groups.ai100), and only this device plugin advertises their qualcomm.com/qaic",
        env="staging",
    ),
    # --- FSx for Lustre -----------------------------------------------------------------------
    case(
        "lustre-capacity-not-an-increment-and-away-from-the-training-pools",
        "prod.yaml",
        every(
            put(*CLUSTERS, "eu-central-1", "lustre", "storage_tib", value=3.6),
            put(*CLUSTERS, "us-west-2", "lustre", "availability_zone", value="us-west-2d"),
        ),
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.lustre.storage_tib: 3.6: PERSISTENT_2 SSD takes 1.2, 2.4 or a "
        "multiple of 2.4 TiB (4.8, 7.2, ...)",
        f"{PROD}: {CLUSTERS_AT}.us-west-2.lustre.availability_zone: 'us-west-2d': Lustre serves one zone: put it "
        "where a training pool runs, us-west-2a, us-west-2b",
        env="prod",
    ),
    case(
        "lustre-throughput-tier",
        "prod.yaml",
        put(*CLUSTERS, "eu-central-1", "lustre", "throughput_per_tib", value=200),
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.lustre.throughput_per_tib: 200: Input should be 125, 250, 500 or 1000",
        env="prod",
    ),
    case(
        "lustre-product-not-in-the-lake-or-without-snapshots",
        "prod.yaml",
        put(
            *CLUSTERS,
            "eu-central-1",
            "lustre",
            "products",
            value=["camera-frames", "lidar-maps", "hd-map-tiles"],
        ),
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.lustre.products[1]: 'lidar-maps': not a data product of "
        "data_lake.products; allowed: drive-recordings, camera-frames, lidar-sweeps, vehicle-signals, "
        "perception-labels, scenario-library, hd-map-tiles, release-evidence",
        f"{PROD}: {CLUSTERS_AT}.eu-central-1.lustre.products[2]: 'hd-map-tiles': has no training-snapshot zone to "
        "link; products with one: camera-frames",
        env="prod",
    ),
    case(
        "lustre-personal-data-cached-in-any-cluster",
        "org.yaml",
        put("data_classes", "training-snapshot", "personal_data", value=True),
        f"{PROD}: {LAKE}.camera-frames.zones.training-snapshot.retention_days: None: required: training-snapshot "
        "is personal data (GDPR storage limitation)",
        *(
            f"{PROD}: {CLUSTERS_AT}.{region}.lustre.products[0]: 'camera-frames': its training snapshots "
            "(training-snapshot) hold personal data; personal data is never read from the training account: the "
            "keys of personal classes admit only the data account (stacks/foundation.py), and training reads "
            "anonymized zones"
            for region in ("eu-central-1", "us-west-2")
        ),
        env="prod",
    ),
    case(
        "lustre-platform-key-without-fsx",
        "org.yaml",
        put(
            "data_classes",
            "platform",
            "key_services",
            value=["s3", "ec2", "eks", "ecr", "sqs", "sns", "rds", "secretsmanager", "sagemaker", "logs"],
        ),
        f"{DEV}: {CLUSTERS_AT}.eu-central-1.lustre: 'platform': the file system is encrypted with the platform "
        "key, which only the services in data_classes.platform.key_services of environments/org.yaml may use: "
        "add fsx there",
    ),
    # --- cost ---------------------------------------------------------------------------------
    case(
        "budget-subscribers-with-owner-and-team-contact-over-the-limit",
        "prod.yaml",
        put("cost", "budget", "subscribers", value=[f"finops{i}@acme.example" for i in range(9)]),
        f"{PROD}: cost.budget.subscribers: ['finops0@acme.example', 'finops1@acme.example', "
        "'finops2@acme.example', 'fin...: team perception's budget would alert 11 addresses, these 9 and "
        "ml-platform@acme.example (the environment owner), perception@acme.example (the team contact); "
        "AWS Budgets takes at most 10: list at most 8",
        env="prod",
    ),
]


@pytest.mark.parametrize(("file", "change", "env", "expected"), CASES)
def test_bad_spec_is_reported_line_by_line(
    environments: Path, tmp_path: Path, file: str, change: Change | Text, env: str, expected: list[str]
) -> None:
    break_file(environments, file, change)
    assert_plan_reports(tmp_path, env, expected)


def test_names_from_a_long_organization_and_environment_name_are_checked(environments: Path, tmp_path: Path):
    """Budget and scratch bucket names: only an organization and an environment with long names (two
    files) make them too long; each is reported with the lake's bucket names."""
    env = "perception-sandbox-eu-central-01"
    break_file(environments, "org.yaml", put("name", value="acme-mobility-group"))
    text = (environments / "dev.yaml").read_text(encoding="utf-8")
    (environments / f"{env}.yaml").write_text(
        text.replace("name: dev\n", f"name: {env}\n", 1), encoding="utf-8"
    )
    file, prefix = f"environments/{env}.yaml", f"acme-mobility-group-{env}"
    assert_plan_reports(
        tmp_path,
        env,
        [
            f"{file}: {LAKE}.camera-frames: 'camera-frames': bucket name {prefix}-camera-frames-curated-eu-central-1 "
            "is 87 characters; S3 allows 63",
            f"{file}: {LAKE}.camera-frames: 'camera-frames': bucket name {prefix}-camera-frames-snapshot-eu-central-1 "
            "is 88 characters; S3 allows 63",
            f"{file}: {LAKE}.drive-recordings: 'drive-recordings': bucket name "
            f"{prefix}-drive-recordings-curated-eu-central-1 is 90 characters; S3 allows 63",
            f"{file}: {CLUSTERS_AT}.eu-central-1: 'eu-central-1': scratch bucket name {prefix}-scratch-eu-central-1 "
            "is 73 characters; S3 allows 63",
            f"{file}: cost.budget.accounts.log-archive: 'log-archive': budget name {prefix}-log-archive is 64 "
            "characters; at most 62 (AWS Budgets allows 100, and team budgets append -team-<team>)",
        ],
    )


def assert_plan_reports(tmp_path: Path, env: str, expected: list[str]) -> None:
    """`mlplat plan ENV` exits 2 with exactly these lines on stderr, and writes nothing."""
    out = tmp_path / "report"

    result = CliRunner().invoke(app, ["plan", env, "--out", str(out)])

    assert result.exit_code == INPUT_ERROR, result.output
    assert isinstance(result.exception, SystemExit)  # an exit, not an uncaught error
    assert result.stdout == ""
    assert result.stderr == "".join(f"{line}\n" for line in expected)
    assert "Traceback" not in result.output
    assert not out.exists()  # nothing synthesized, nothing written


def test_cases_are_distinct() -> None:
    assert len(CASES) >= 18
    assert len({tuple(c.values[3]) for c in CASES}) == len(CASES)


def test_several_problems_are_one_line_each(environments: Path) -> None:
    break_file(
        environments,
        "dev.yaml",
        every(
            put("owner", value="ml-platform"),
            put("network", "nat", value="two"),
            put("network", "vpcs", "ml-euc1", "cidr", value=10),
            put("teams", "perception", "contact", value=None),
        ),
    )
    with pytest.raises(loader.SpecError) as raised:
        loader.load_spec("dev")
    lines = str(raised.value).split("\n")
    assert len(lines) == len(raised.value.problems) == 4
    assert [line.split(": ")[1] for line in lines] == [
        "owner",
        "network.nat",
        "network.vpcs.ml-euc1.cidr",
        "teams.perception.contact",
    ]
    assert all(line.startswith(f"{DEV}: ") for line in lines)


def test_problems_in_org_and_environment_files_are_reported_together(environments: Path) -> None:
    break_file(environments, "org.yaml", put("home_region", value="eu-north-7"))
    break_file(environments, "dev.yaml", put("network", "nat", value="two"))
    with pytest.raises(loader.SpecError) as raised:
        loader.load_spec("dev")
    assert [(p.file, p.path) for p in raised.value.problems] == [(ORG, "home_region"), (DEV, "network.nat")]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_unbroken_copy_is_valid(environments: Path, env: str) -> None:
    platform = loader.load_spec(env)
    assert platform.env.name == env
    assert platform.org.name == "acme"
    assert environments == loader.ENVIRONMENTS_DIR


# --- the installed command, as a user runs it ---------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the project whose environments/ a test may break."""
    copy = tmp_path / "repo"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", "build", ".git", "__pycache__", "*.egg-info", ".pytest_cache", ".ruff_cache"
        ),
    )
    return copy


def run_cli(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in TERMINAL_OVERRIDES}
    env["PYTHONPATH"] = os.pathsep.join([str(repo / "core"), str(repo)])  # the copy wins, its core too
    return subprocess.run(
        [sys.executable, "-m", "mlplat", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_input_error(result: subprocess.CompletedProcess[str], expected: list[str]) -> None:
    assert result.returncode == INPUT_ERROR, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == expected
    assert "Traceback" not in result.stdout + result.stderr


def test_subprocess_unknown_environment(repo: Path) -> None:
    result = run_cli(repo, "plan", "qa")
    assert_input_error(
        result, ["environments/qa.yaml: (top level): 'qa': no such environment; allowed: dev, prod, staging"]
    )


def test_subprocess_bad_org(repo: Path) -> None:
    break_file(
        repo / "environments",
        "org.yaml",
        every(
            put("organizational_units", "prod", "parent", value="workload"),
            put("cloudtrail", "log_archive_account", value="logs"),
        ),
    )
    result = run_cli(repo, "plan", "prod", "--out", str(repo / "report"))
    assert_input_error(
        result,
        [
            f"{ORG}: organizational_units.prod.parent: 'workload': unknown OU; allowed: {OUS}",
            f"{ORG}: cloudtrail.log_archive_account: 'logs': unknown account; allowed: {ORG_ACCOUNTS}",
        ],
    )
    assert not (repo / "report").exists()


def test_subprocess_bad_yaml_in_environment(repo: Path) -> None:
    break_file(repo / "environments", "staging.yaml", edit("  nat: single\n", "  nat: single: per_az\n"))
    result = run_cli(repo, "plan", "staging", "--json")
    assert_input_error(
        result,
        [
            f"{STAGING}: line 14, column 14: '  nat: single: per_az': not valid YAML: mapping values are not allowed here"
        ],
    )
