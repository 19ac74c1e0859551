"""checkov as the second gate: the conversion to a Terraform plan, the type mapping, the
baseline, and real checkov runs (its own virtualenv, `make checkov`) over dev and prod."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from mlplat.gate.checkov import (
    BASELINE,
    CHECKED_KINDS,
    CheckovError,
    _judge,
    checkov_command,
    load_baseline,
    scan,
)
from mlplat.gate.terraform_plan import (
    DATA,
    convert,
    kubernetes_manifest,
    load_type_mapping,
    sdk_resource_classes,
    write_manifests,
)
from mlplat.synth.inventory import load_stacks
from platform_spec.paths import project_root

ROOT = project_root()
ENVIRONMENTS = ["dev", "staging", "prod"]
PROVIDER = "urn:pulumi:s::p::pulumi:providers:aws::p::0"


def res(type_, name, inputs, *, id_="", outputs=None, deps=None, stack="s", parent="c"):
    """One resource as `pulumi stack export` writes it."""
    urn = f"urn:pulumi:{stack}::p::mlplatform:test:{parent}${type_}::{name}"
    doc = {"urn": urn, "custom": True, "id": id_ or f"{name}-id", "type": type_, "inputs": inputs}
    doc["outputs"] = {**inputs, **(outputs or {})}
    doc["provider"] = PROVIDER
    if deps:
        doc["propertyDependencies"] = deps
    return doc


def urn(type_, name, stack="s", parent="c"):
    return f"urn:pulumi:{stack}::p::mlplatform:test:{parent}${type_}::{name}"


KEY = "aws:kms/key:Key"
BUCKET = "aws:s3/bucket:Bucket"
KEY_ARN = "arn:aws:kms:eu-central-1:123456789012:key/k-1"


def bucket_stack():
    bucket_dep = {"bucket": [urn(BUCKET, "raw")]}
    return [
        res(
            KEY,
            "lake",
            {
                "deletionWindowInDays": 30.0,
                "enableKeyRotation": True,
                "policy": {"Version": "2012-10-17", "Statement": []},
            },
            id_="k-1",
            outputs={"arn": KEY_ARN, "keyId": "k-1"},
        ),
        res(BUCKET, "raw", {"bucket": "acme-raw"}, id_="acme-raw", outputs={"arn": "arn:aws:s3:::acme-raw"}),
        res(
            BUCKET,
            "logs",
            {"bucket": "acme-logs"},
            id_="acme-logs",
            outputs={"arn": "arn:aws:s3:::acme-logs"},
        ),
        res(
            "aws:s3/bucketVersioning:BucketVersioning",
            "raw",
            {"bucket": "acme-raw", "versioningConfiguration": {"status": "Enabled"}},
            deps=bucket_dep,
        ),
        res(
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "raw",
            {
                "bucket": "acme-raw",
                "blockPublicAcls": True,
                "blockPublicPolicy": True,
                "ignorePublicAcls": True,
                "restrictPublicBuckets": True,
            },
            deps=bucket_dep,
        ),
        res(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "raw",
            {
                "bucket": "acme-raw",
                "rules": [
                    {
                        "bucketKeyEnabled": True,
                        "applyServerSideEncryptionByDefault": {
                            "sseAlgorithm": "aws:kms",
                            "kmsMasterKeyId": KEY_ARN,
                        },
                    }
                ],
            },
            deps={**bucket_dep, "rules": [urn(KEY, "lake")]},
        ),
        res(
            "aws:s3/bucketLogging:BucketLogging",
            "raw",
            {"bucket": "acme-raw", "targetBucket": "acme-logs", "targetPrefix": "raw/"},
            deps={**bucket_dep, "targetBucket": [urn(BUCKET, "logs")]},
        ),
        res(
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "raw",
            {
                "bucket": "acme-raw",
                "rules": [
                    {
                        "id": "tier",
                        "status": "Enabled",
                        "filter": {},
                        "transitions": [{"days": 30.0, "storageClass": "GLACIER_IR"}],
                        "abortIncompleteMultipartUpload": {"daysAfterInitiation": 7},
                    }
                ],
            },
            deps=bucket_dep,
        ),
    ]


def values(plan_, address):
    return plan_.by_address[address].values


def test_a_bucket_and_its_configuration_become_terraform_resources_with_references():
    converted = convert({"s": bucket_stack()})
    assert converted.unmapped == Counter()
    assert converted.document()["planned_values"]["root_module"]["resources"][:2] == [
        {"address": "aws_kms_key.lake", "mode": "managed", "type": "aws_kms_key", "name": "lake",
         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
         "values": {"deletion_window_in_days": 30, "enable_key_rotation": True,
                    "policy": '{"Version": "2012-10-17", "Statement": []}'}},
        {"address": "aws_s3_bucket.raw", "mode": "managed", "type": "aws_s3_bucket", "name": "raw",
         "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
         "values": {"bucket": "acme-raw"}},
    ]  # fmt: skip
    assert values(converted, "aws_s3_bucket_versioning.raw") == {
        "bucket": "aws_s3_bucket.raw.id",
        "versioning_configuration": [{"status": "Enabled"}],
    }
    assert values(converted, "aws_s3_bucket_public_access_block.raw") == {
        "bucket": "aws_s3_bucket.raw.id", "block_public_acls": True, "block_public_policy": True,
        "ignore_public_acls": True, "restrict_public_buckets": True,
    }  # fmt: skip
    assert values(converted, "aws_s3_bucket_server_side_encryption_configuration.raw") == {
        "bucket": "aws_s3_bucket.raw.id",
        "rule": [{"bucket_key_enabled": True, "apply_server_side_encryption_by_default": [
            {"sse_algorithm": "aws:kms", "kms_master_key_id": "aws_kms_key.lake.arn"}]}],
    }  # fmt: skip
    # The logging target stays a literal: a reference would let the *logs* bucket pass CKV_AWS_18.
    assert values(converted, "aws_s3_bucket_logging.raw") == {
        "bucket": "aws_s3_bucket.raw.id", "target_bucket": "acme-logs", "target_prefix": "raw/",
    }  # fmt: skip


def test_nested_blocks_are_lists_with_terraform_singular_names_and_integral_numbers_as_ints():
    converted = convert({"s": bucket_stack()})
    assert values(converted, "aws_s3_bucket_lifecycle_configuration.raw") == {
        "bucket": "aws_s3_bucket.raw.id",
        "rule": [{"id": "tier", "status": "Enabled", "filter": [{}],
                  "transition": [{"days": 30, "storage_class": "GLACIER_IR"}],
                  "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}]}],
    }  # fmt: skip


def test_blocks_terraform_keeps_plural_follow_the_bridge_metadata():
    template = res("aws:ec2/launchTemplate:LaunchTemplate", "ai100",
                   {"blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": {"encrypted": "true"}}],
                    "metadataOptions": {"httpTokens": "required"},
                    "tagSpecifications": [{"resourceType": "instance", "tags": {"team": "x"}}]})  # fmt: skip
    assert values(convert({"s": [template]}), "aws_launch_template.ai100") == {
        "block_device_mappings": [{"device_name": "/dev/xvda", "ebs": [{"encrypted": "true"}]}],
        "metadata_options": [{"http_tokens": "required"}],
        "tag_specifications": [{"resource_type": "instance", "tags": {"team": "x"}}],
    }


def test_secret_values_are_left_out_as_unknowns():
    secret = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "ciphertext": "[secret]",
    }
    topic = res("aws:sns/topic:Topic", "alerts", {"name": "alerts", "policy": secret})
    assert values(convert({"s": [topic]}), "aws_sns_topic.alerts") == {"name": "alerts"}


def test_cross_stack_values_become_references_only_where_unique():
    key = res(KEY, "lake", {"enableKeyRotation": True}, id_="k-1", outputs={"arn": KEY_ARN}, stack="a")
    reference = {"urn": "urn:pulumi:b::p::pulumi:pulumi:StackReference::a", "custom": True,
                 "type": "pulumi:pulumi:StackReference", "inputs": {"name": "a"}}  # fmt: skip
    queue = res("aws:sqs/queue:Queue", "jobs", {"name": "jobs", "kmsMasterKeyId": KEY_ARN}, stack="b",
                deps={"kmsMasterKeyId": [reference["urn"]]})  # fmt: skip
    converted = convert({"a": [key], "b": [reference, queue]})
    assert values(converted, "aws_sqs_queue.jobs") == {
        "name": "jobs",
        "kms_master_key_id": "aws_kms_key.lake.arn",
    }
    assert converted.skipped == Counter()  # the StackReference is not a resource of any provider


def test_names_that_collide_within_a_type_get_a_short_urn_hash():
    a = res(KEY, "k", {}, parent="one")
    b = res(KEY, "k", {}, parent="two")
    short = {r["urn"]: hashlib.sha256(r["urn"].encode()).hexdigest()[:8] for r in (a, b)}
    assert sorted(convert({"s": [a, b]}).by_address) == sorted(f"aws_kms_key.k_{h}" for h in short.values())


def test_unknown_types_are_reported_not_guessed():
    converted = convert({"s": [res("aws:s3/directoryBucket:DirectoryBucket", "d", {}),
                               res("aws:s3/noSuchThing:NoSuchThing", "x", {})]})  # fmt: skip
    assert converted.resources == []
    assert converted.unmapped == Counter(
        {"aws:s3/directoryBucket:DirectoryBucket": 1, "aws:s3/noSuchThing:NoSuchThing": 1}
    )
    with pytest.raises(CheckovError) as error:
        scan({"s": [res("aws:s3/noSuchThing:NoSuchThing", "x", {})]}, Path("/nonexistent"))
    assert error.value.lines == [
        "aws:s3/noSuchThing:NoSuchThing: no Terraform type is known for this Pulumi type (1 resources); "
        "add it to mlplat/gate/data/pulumi_aws_terraform.json from the pulumi-aws bridge metadata"
    ]


def test_kubernetes_resources_become_manifests(tmp_path):
    deployment = {"urn": "urn:pulumi:s::p::kubernetes:apps/v1:Deployment::web", "custom": True,
                  "type": "kubernetes:apps/v1:Deployment",
                  "inputs": {"apiVersion": "apps/v1", "kind": "Deployment",
                             "metadata": {"name": "web", "namespace": "team-a"},
                             "spec": {"replicas": 2.0}}}  # fmt: skip
    namespace = {"urn": "urn:pulumi:s::p::kubernetes:core/v1:Namespace::team-a", "custom": True,
                 "type": "kubernetes:core/v1:Namespace", "inputs": {},
                 "outputs": {"metadata": {"name": "team-a-1f2e"}}}  # fmt: skip
    release = {"urn": "urn:pulumi:s::p::kubernetes:helm.sh/v3:Release::karpenter", "custom": True,
               "type": "kubernetes:helm.sh/v3:Release", "inputs": {"chart": "karpenter"}}  # fmt: skip
    manifest = kubernetes_manifest(deployment)
    assert manifest.id == "Deployment.team-a.web"
    assert manifest.body == {"apiVersion": "apps/v1", "kind": "Deployment",
                             "metadata": {"name": "web", "namespace": "team-a"}, "spec": {"replicas": 2}}  # fmt: skip
    assert kubernetes_manifest(namespace).body == {"metadata": {"name": "team-a-1f2e"}, "apiVersion": "v1",
                                                   "kind": "Namespace"}  # fmt: skip
    assert kubernetes_manifest(release) is None
    converted = convert({"s": [deployment, namespace, release]})
    assert [m.id for m in converted.manifests] == ["Deployment.team-a.web", "Namespace.default.team-a-1f2e"]
    assert converted.skipped == Counter({"kubernetes:helm.sh/v3:Release": 1})
    paths = write_manifests(converted.manifests, tmp_path)
    assert [p.name for p in paths] == [
        "0000-Deployment.team-a.web.yaml",
        "0001-Namespace.default.team-a-1f2e.yaml",
    ]
    assert yaml.safe_load(paths[0].read_text()) == manifest.body


# --- the type mapping --------------------------------------------------------------------------


def test_every_token_of_the_metadata_excerpt_is_in_the_pinned_sdk_except_those_v7_removed():
    mapping = load_type_mapping()
    assert sorted(t for t in mapping.explicit if t not in sdk_resource_classes()) == [
        "aws:ec2/transitGatewayPeeringAttachmentAccepter:TransitGatewayPeeringAttachmentAccepter",
        "aws:rds/securityGroup:SecurityGroup",
    ]


def test_v7_tokens_map_to_the_terraform_types_of_the_tokens_they_alias():
    mapping = load_type_mapping()
    assert {t: (mapping.terraform_type(t), mapping.source(t)) for t in [
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketVersioning:BucketVersioning",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:eks/accessEntry:AccessEntry",
        "aws:cloudtrail/trail:Trail",
        "aws:ec2/capacityBlockReservation:CapacityBlockReservation",
    ]} == {
        "aws:s3/bucket:Bucket": ("aws_s3_bucket", "metadata"),
        "aws:s3/bucketVersioning:BucketVersioning": (
            "aws_s3_bucket_versioning", "alias of aws:s3/bucketVersioningV2:BucketVersioningV2"),
        "aws:s3/bucketLogging:BucketLogging": (
            "aws_s3_bucket_logging", "alias of aws:s3/bucketLoggingV2:BucketLoggingV2"),
        "aws:eks/accessEntry:AccessEntry": ("aws_eks_access_entry", "module rule"),
        "aws:cloudtrail/trail:Trail": ("aws_cloudtrail", "metadata"),
        # ec2 has exceptions to the naming rule, so a token newer than the excerpt is not guessed
        "aws:ec2/capacityBlockReservation:CapacityBlockReservation": (None, "unmapped"),
    }  # fmt: skip


def test_the_metadata_excerpt_names_its_source():
    source = json.loads(DATA.read_text())["source"]
    assert source["repository"] == "pulumi/pulumi-aws"
    assert source["path"] == "provider/cmd/pulumi-resource-aws/bridge-metadata.json"
    assert len(source["commit"]) == 40


@pytest.fixture(scope="module")
def inventories(plans):
    """Every environment as `mlplat plan ENV` writes it (planned once per session)."""
    return {env: load_stacks(plans.inventory(env)) for env in ENVIRONMENTS}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_resource_type_of_every_environment_has_a_terraform_type(inventories, environment):
    stacks = inventories[environment]
    converted = convert(stacks)
    assert converted.unmapped == Counter()
    # A Helm release is a chart install, not an object: what it renders is not in the inventory
    # (docs/adr/0008-cluster-software.md). Nothing else may be skipped.
    assert set(converted.skipped) <= {"kubernetes:helm.sh/v3:Release"}
    aws = [r for rs in stacks.values() for r in rs if r["custom"] and r["type"].startswith("aws:")]
    assert len(converted.resources) == len(aws)


# --- the baseline ------------------------------------------------------------------------------


def report(failed, resource_count):
    return [{"check_type": "terraform_plan", "summary": {"resource_count": resource_count, "parsing_errors": 0},
             "results": {"passed_checks": [], "failed_checks": [
                 {"check_id": c, "check_name": n, "resource": a, "guideline": None} for c, n, a in failed]}}]  # fmt: skip


def write_baseline(tmp_path, entries):
    path = tmp_path / "baseline.yaml"
    path.write_text(yaml.safe_dump({"accepted": entries}))
    return path


def test_the_baseline_accepts_by_check_address_pattern_and_tags_and_reports_stale_entries(tmp_path):
    converted = convert({"s": bucket_stack()})
    replica = {
        "check": "CKV_AWS_144",
        "resource": "aws_s3_bucket.*",
        "tags": {"replica": "true"},
        "reason": "r",
    }
    entries = load_baseline(write_baseline(tmp_path, [
        {"check": "CKV_AWS_18", "resource": "aws_s3_bucket.log*", "reason": "log bucket"}, replica]))  # fmt: skip
    result = _judge(converted, report([("CKV_AWS_18", "logging", "aws_s3_bucket.logs"),
                                       ("CKV_AWS_18", "logging", "aws_s3_bucket.raw"),
                                       ("CKV_AWS_144", "replication", "aws_s3_bucket.raw")], 8),
                    entries, tmp_path / "plan.json")  # fmt: skip
    assert [(f.check_id, f.address, f.urn) for f in result.unbaselined] == [
        ("CKV_AWS_144", "aws_s3_bucket.raw", urn(BUCKET, "raw")),
        ("CKV_AWS_18", "aws_s3_bucket.raw", urn(BUCKET, "raw")),
    ]
    assert [e.describe() for e in result.stale_baseline] == ["CKV_AWS_144 aws_s3_bucket.* replica=true"]
    assert (result.resource_count, result.converted_count, result.ok) == (8, 8, False)


def test_a_resource_count_other_than_the_converted_count_fails_the_scan(tmp_path):
    converted = convert({"s": bucket_stack()})
    with pytest.raises(CheckovError) as error:
        _judge(converted, report([], 7), [], tmp_path / "plan.json")
    assert error.value.lines == [
        "checkov scanned 7 resources of the plan, but 8 were converted; checkov skips what it cannot "
        "parse, so the scan cannot be trusted"
    ]


def test_a_baseline_entry_without_a_reason_is_refused(tmp_path):
    path = write_baseline(tmp_path, [{"check": "CKV_AWS_18", "resource": "aws_s3_bucket.x"},
                                     {"check": "CKV_AWS_1", "resource": "x", "reason": "y", "when": "z"}])  # fmt: skip
    with pytest.raises(CheckovError) as error:
        load_baseline(path)
    assert error.value.lines == [
        f"{path}: accepted[0].reason: None: a non-empty string is required",
        f"{path}: accepted[1]: unknown keys ['when']; allowed: check, resource, reason, tags",
    ]


def test_every_baseline_entry_has_a_reason():
    entries = load_baseline(BASELINE)
    assert all(len(e.reason) > 40 for e in entries)


# --- real checkov runs -------------------------------------------------------------------------

MUTANT = "mutant"


def lake_bucket_name(stacks):
    """The logical name of the first lake bucket (by URN) of the stacks."""
    lake = sorted(r["urn"] for rs in stacks.values() for r in rs
                  if r["type"] == BUCKET and "data-product" in (r["inputs"].get("tags") or {}))  # fmt: skip
    return lake[0].rsplit("::", 1)[1]


def unsafe_copy_of_a_bucket(stacks, name):
    """A copy of one lake bucket with all its configuration except the public access block."""
    copies = []
    for rs in stacks.values():
        for r in rs:
            if (
                r["urn"].endswith(f"::{name}")
                and r["type"] != "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
            ):
                copies.append(json.loads(json.dumps(r).replace(f"::{name}", f"::{name}-{MUTANT}")))
    assert {c["type"] for c in copies} >= {BUCKET, "aws:s3/bucketPolicy:BucketPolicy"}
    return copies


PRIVILEGED = {
    "urn": "urn:pulumi:mutant::p::kubernetes:apps/v1:DaemonSet::node-agent", "custom": True,
    "type": "kubernetes:apps/v1:DaemonSet",
    "inputs": {"metadata": {"name": "node-agent", "namespace": "kube-system"},
               "spec": {"selector": {"matchLabels": {"app": "node-agent"}}, "template": {
                   "metadata": {"labels": {"app": "node-agent"}},
                   "spec": {"hostNetwork": True, "containers": [{"name": "agent", "image": "busybox:latest",
                                                                  "securityContext": {"privileged": True}}]}}}},
}  # fmt: skip


@pytest.fixture(scope="module")
def dev_scan(inventories, tmp_path_factory):
    """One checkov run: dev, plus an unsafe bucket copy and a privileged DaemonSet in a stack of their own."""
    stacks = dict(inventories["dev"])
    stacks[MUTANT] = [*unsafe_copy_of_a_bucket(stacks, lake_bucket_name(stacks)), PRIVILEGED]
    return stacks, scan(stacks, tmp_path_factory.mktemp("checkov-dev"))


def test_checkov_scans_every_converted_resource_of_dev(dev_scan):
    stacks, result = dev_scan
    aws = [r for rs in stacks.values() for r in rs if r["custom"] and r["type"].startswith("aws:")]
    assert result.resource_count == result.converted_count == len(aws)
    manifests = [r for rs in stacks.values() for r in rs if kubernetes_manifest(r) is not None]
    assert result.manifest_count == len(manifests) > 1
    assert len(result.passed) > 100


def test_kubernetes_findings_are_traced_to_their_own_cluster_when_two_objects_share_an_id(prod_scan):
    """Both prod clusters have a `team-perception` namespace and service account: same checkov id."""
    by_urn = {}
    for finding in prod_scan.passed + prod_scan.failed:
        if finding.framework == "kubernetes" and finding.address == "ServiceAccount.team-perception.jobs":
            by_urn.setdefault(finding.urn, set()).add(finding.check_id)
    assert len(by_urn) == 2 and all("::" in urn for urn in by_urn)
    assert len({frozenset(checks) for checks in by_urn.values()}) == 1


def test_the_kinds_checkov_checks_are_those_of_its_registry():
    """CHECKED_KINDS decides which manifests must appear in checkov's report; it follows checkov."""
    listing = subprocess.run(
        [str(checkov_command().parent / "python"), "-c",
         "import checkov.kubernetes.checks.resource.k8s; "
         "from checkov.kubernetes.checks.resource.registry import registry; print(*sorted(registry.checks))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert frozenset(listing.stdout.split()) == CHECKED_KINDS


def test_dev_has_no_failed_check_outside_the_baseline(dev_scan):
    _, result = dev_scan
    assert [(f.check_id, f.address) for f in result.unbaselined if f"{MUTANT}" not in f.urn and f.urn] == []


def test_a_bucket_without_public_access_block_is_caught(dev_scan):
    stacks, result = dev_scan
    name = lake_bucket_name({k: v for k, v in stacks.items() if k != MUTANT})
    caught = {(f.check_id, f.address) for f in result.unbaselined if f.address.endswith(f"-{MUTANT}")}
    assert caught == {("CKV2_AWS_6", f"aws_s3_bucket.{name}-{MUTANT}")}
    passed = {(f.check_id, f.address) for f in result.passed}
    assert ("CKV2_AWS_6", f"aws_s3_bucket.{name}") in passed


def test_a_privileged_host_network_daemonset_is_caught(dev_scan):
    _, result = dev_scan
    caught = {f.check_id for f in result.unbaselined if f.address == "DaemonSet.kube-system.node-agent"}
    assert {"CKV_K8S_16", "CKV_K8S_19", "CKV_K8S_14"} <= caught


@pytest.fixture(scope="module")
def prod_scan(inventories, tmp_path_factory):
    return scan(inventories["prod"], tmp_path_factory.mktemp("checkov-prod"))


def test_prod_is_scanned_whole_with_no_failed_check_outside_the_baseline(inventories, prod_scan):
    aws = [
        r for rs in inventories["prod"].values() for r in rs if r["custom"] and r["type"].startswith("aws:")
    ]
    assert prod_scan.resource_count == prod_scan.converted_count == len(aws)
    assert prod_scan.unbaselined == []


def test_every_baseline_entry_matches_a_finding_in_dev_or_prod(dev_scan, prod_scan):
    stale_in_dev = {e.describe() for e in dev_scan[1].stale_baseline}
    assert stale_in_dev & {e.describe() for e in prod_scan.stale_baseline} == set()


def test_the_command_exits_1_on_unaccepted_failures_and_2_on_bad_input(tmp_path):
    inventory = tmp_path / "export.json"
    inventory.write_text(json.dumps({"version": 3, "deployment": {"resources": bucket_stack()}}))
    empty = write_baseline(tmp_path, [])
    result = subprocess.run([sys.executable, "-m", "mlplat.gate.checkov", "--inventory", str(inventory),
                             "--baseline", str(empty)], cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "CKV_AWS_18" in result.stdout and "aws_s3_bucket.logs" in result.stdout
    bad = subprocess.run([sys.executable, "-m", "mlplat.gate.checkov", "--inventory", str(tmp_path / "none.json")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (bad.returncode, bad.stdout, bad.stderr) == (2, "", f"{tmp_path / 'none.json'}: no such file\n")
