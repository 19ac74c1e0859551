"""`mlplat audit` against moto served over HTTP on loopback (tests/aws_server.py).

Each test deploys the prod plan into the fake accounts (`Seeder`: buckets and their configurations as
`mlplat.live.s3_api` derives the requests, KMS keys under the plan's aliases, clusters, node groups,
repositories, budgets), changes what the test is about, and asserts the audit's exact findings.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlplat.live import audit, preflight, s3_api
from mlplat.live.aws_session import CALLER_CALLS, AwsContext, read_only_policy
from mlplat.live.planned import Planned, logical_name
from mlplat.synth.inventory import load_stacks
from platform_spec import load_spec
from platform_spec.paths import project_root
from tests.support.aws_server import Seeder, served

ROOT = project_root()
IDS = {"prod-data": "210000000001", "prod-training": "210000000002", "prod-registry": "210000000003",
       "log-archive": "210000000004"}  # fmt: skip
ROLE = "mlplatform-deploy-prod"
pytestmark = pytest.mark.filterwarnings("ignore:Exception\\(_Refused\\):UserWarning")
SERVER: list = []
"""The module's server, for the helpers below that are not fixtures."""


@pytest.fixture(scope="module")
def server():
    with served() as fake:
        SERVER[:] = [fake]
        yield fake
        SERVER.clear()


@pytest.fixture(autouse=True)
def fresh(server):
    yield
    server.reset()


@pytest.fixture(scope="module")
def spec():
    return load_spec("prod")


def planned_stacks(inventory: Path) -> dict[str, list[dict]]:
    """The prod plan's stacks; it carries the budgets the audit's budget check compares."""
    stacks = load_stacks(inventory)
    assert any(r["type"] == audit.BUDGET for resources in stacks.values() for r in resources)
    return stacks


@pytest.fixture(scope="module")
def inventory(plans) -> Path:
    return plans.inventory("prod")


@pytest.fixture(scope="module")
def planned(spec, inventory):
    return Planned(spec, planned_stacks(inventory))


def context(**options) -> AwsContext:
    return AwsContext(
        home_region="eu-central-1", workers=4, retry_mode="standard", session=SERVER[0].session, **options
    )


def run(planned, **options) -> audit.Report:
    page_size = options.pop("page_size", audit.LIST_BUCKETS_PAGE)
    return audit.run(planned, context(**options), IDS, role_name=ROLE, page_size=page_size)


def deploy(planned, *, without=(), capacity=None) -> tuple[Seeder, dict[str, str]]:
    seed = Seeder(SERVER[0], planned, IDS)
    seed.kms()
    seed.lake(without=without)
    groups = seed.compute(capacity=capacity)
    seed.registry()
    seed.budgets(planned.resources(audit.BUDGET))
    return seed, groups


def problems(report: audit.Report) -> list[str]:
    return [f.line() for f in report.problems]


def spot_group(planned) -> dict:
    return next(
        g for g in planned.resources(audit.NODE_GROUP, "compute") if g["inputs"]["capacityType"] == "SPOT"
    )


# --- compliant and drifted accounts ---------------------------------------------------------------


def test_an_account_deployed_as_planned_is_compliant(planned):
    deploy(planned)
    ctx = context()
    report = audit.run(planned, ctx, IDS, role_name=ROLE)
    assert problems(report) == []
    assert set(ctx.calls) - set(CALLER_CALLS) == set(audit.CALLS)  # what the documented policy allows
    assert report.exit_code == 0 and report.notes == []
    clusters = list(planned.resources(audit.CLUSTER, "compute"))
    audited = [*clusters, *planned.resources(audit.REPOSITORY, "registry"), *planned.resources(audit.BUDGET)]
    accounts = {planned.place(r).account for r in audited} | {
        p.account for p in planned.buckets("data").values()
    }
    assert report.resources() == {
        "access": len(accounts),  # one deploy role a account
        "s3": len(planned.buckets("data")),
        "eks": len(clusters) + len(list(planned.resources(audit.NODE_GROUP, "compute"))),
        "ecr": len(list(planned.resources(audit.REPOSITORY, "registry"))) + 1,  # + the registry's scanning
        "budgets": len(list(planned.resources(audit.BUDGET))),
    }
    locked = s3_api.bucket(next(planned.resources(s3_api.OBJECT_LOCK, "data")))
    tiering = [f"intelligent-tiering {r['inputs']['name']}" for r in planned.resources(s3_api.INTELLIGENT_TIERING, "data")
               if s3_api.bucket(r) == locked] or ["intelligent-tiering"]  # fmt: skip
    assert sorted(f.check for f in report.findings if f.resource == locked) == sorted(
        ["exists", "encryption", "public-access-block", "versioning", "lifecycle", "object-lock", *tiering]
    )


def test_a_bucket_without_lifecycle_a_node_group_on_demand_and_a_deleted_budget(planned):
    victim = s3_api.bucket(next(planned.resources(s3_api.LIFECYCLE, "data")))
    rules = next(r for r in planned.resources(s3_api.LIFECYCLE, "data") if s3_api.bucket(r) == victim)
    group = spot_group(planned)
    seed, groups = deploy(
        planned, without={(victim, s3_api.LIFECYCLE)}, capacity={logical_name(group): "ON_DEMAND"}
    )
    (deleted, *_) = planned.resources(audit.BUDGET)
    account = planned.place(deleted).account
    seed.client("budgets", account, "us-east-1").delete_budget(
        AccountId=IDS[account], BudgetName=deleted["inputs"]["name"]
    )
    report = run(planned)
    bucket_at = planned.buckets("data")[victim]
    group_at = planned.place(group)
    assert problems(report) == [
        f"DRIFT: s3: {victim} (prod-data {bucket_at.region}): lifecycle: missing; the spec has "
        f"{len(s3_api.expected(rules)['Rules'])} lifecycle rules",
        f"DRIFT: eks: {group['inputs']['clusterName']}/{groups[logical_name(group)]} (prod-training "
        f"{group_at.region}): capacity-type: expected 'SPOT', found 'ON_DEMAND'",
        f"MISSING: budgets: {deleted['inputs']['name']} ({account} global): exists: the spec has this budget; "
        "not found",
    ]
    assert report.exit_code == 1


def test_changed_settings_unmanaged_and_missing_resources(planned):
    seed, _ = deploy(planned)
    data = planned.buckets("data")
    encrypted = sorted(
        (r for r in planned.resources(s3_api.ENCRYPTION, "data")
         if "KMSMasterKeyID" in json.dumps(s3_api.put_call(r).params)), key=s3_api.bucket
    )  # fmt: skip
    (first, second) = (s3_api.bucket(encrypted[0]), s3_api.bucket(encrypted[1]))
    at = data[first]
    s3 = seed.client("s3", at.account, at.region)
    s3.put_public_access_block(
        Bucket=first,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True,
                                        "BlockPublicPolicy": True, "RestrictPublicBuckets": False},
    )  # fmt: skip
    s3.put_bucket_versioning(Bucket=first, VersioningConfiguration={"Status": "Suspended"})
    second_at = data[second]
    planned_key = encrypted[1]["inputs"]["rules"][0]["applyServerSideEncryptionByDefault"]["kmsMasterKeyId"]
    expected_alias = planned.key_aliases()[planned_key.rsplit("key/", 1)[-1]]
    kms_alias = "alias/acme/prod/platform"
    assert expected_alias != kms_alias
    kms = seed.client("kms", second_at.account, second_at.region)
    platform_key = kms.describe_key(KeyId=kms_alias)["KeyMetadata"]["Arn"]
    seed.client("s3", second_at.account, second_at.region).put_bucket_encryption(
        Bucket=second,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": platform_key}, "BucketKeyEnabled": True}]},
    )  # fmt: skip
    s3.create_bucket(
        Bucket="acme-prod-copy-by-hand", CreateBucketConfiguration={"LocationConstraint": at.region}
    )
    repository = next(planned.resources(audit.REPOSITORY, "registry"))
    registry_at = planned.place(repository)
    ecr = seed.client("ecr", registry_at.account, registry_at.region)
    ecr.put_image_tag_mutability(repositoryName=repository["inputs"]["name"], imageTagMutability="MUTABLE")
    (gone, *_) = [r for r in planned.resources(audit.REPOSITORY, "registry") if r is not repository]
    ecr.delete_repository(repositoryName=gone["inputs"]["name"])
    cluster = next(planned.resources(audit.CLUSTER, "compute"))
    cluster_at = planned.place(cluster)
    eks = seed.client("eks", cluster_at.account, cluster_at.region)
    eks.create_nodegroup(clusterName=cluster["inputs"]["name"], nodegroupName="debug-by-hand", nodeRole=f"arn:aws:iam::{IDS['prod-training']}:role/eks",
                         subnets=["subnet-0a"], instanceTypes=["m7i.xlarge"])  # fmt: skip
    budget = next(planned.resources(audit.BUDGET))
    (alert, *_) = budget["inputs"]["notifications"]
    budget_at = planned.place(budget)
    seed.client("budgets", budget_at.account, "us-east-1").delete_notification(
        AccountId=IDS[budget_at.account], BudgetName=budget["inputs"]["name"],
        Notification={"NotificationType": alert["notificationType"], "ComparisonOperator": alert["comparisonOperator"],
                      "Threshold": float(alert["threshold"]), "ThresholdType": alert.get("thresholdType", "PERCENTAGE")},
    )  # fmt: skip
    report = run(planned)
    repo_name = repository["inputs"]["name"]
    assert problems(report) == [
        f"DRIFT: s3: {first} (prod-data {at.region}): public-access-block: PublicAccessBlockConfiguration."
        "RestrictPublicBuckets: expected True, found False",
        f"DRIFT: s3: {first} (prod-data {at.region}): versioning: Status: expected 'Enabled', found 'Suspended'",
        f"DRIFT: s3: {second} (prod-data {second_at.region}): encryption: ServerSideEncryptionConfiguration."
        f"Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID: expected {expected_alias!r}, found {kms_alias!r}",
        "UNMANAGED: s3: acme-prod-copy-by-hand (prod-data global): unmanaged: has the environment's name prefix "
        "acme-prod- but is not in the spec",
        f"UNMANAGED: eks: {cluster['inputs']['name']}/debug-by-hand (prod-training {cluster_at.region}): unmanaged: "
        "a node group the spec does not have",
        f"MISSING: ecr: {gone['inputs']['name']} (prod-registry {registry_at.region}): exists: the spec has it; not found",
        f"DRIFT: ecr: {repo_name} (prod-registry {registry_at.region}): tag-mutability: expected 'IMMUTABLE', "
        "found 'MUTABLE'",
        f"DRIFT: budgets: {budget['inputs']['name']} ({budget_at.account} global): alerts: missing "
        f"[{alert['notificationType']!r}, {alert['comparisonOperator']!r}, {float(alert['threshold'])!r}, "
        f"{alert.get('thresholdType', 'PERCENTAGE')!r}]",
    ]


# --- many buckets, access, throttling -------------------------------------------------------------


@pytest.fixture
def five_hundred_buckets(planned):
    """The prod accounts as planned, plus hand-made buckets under the environment's prefix in the data
    account, up to 500 buckets listed by the audit (created in the fixture, so that `--durations`
    reports the audit alone as the test's call)."""
    seed, _ = deploy(planned)
    home = planned.buckets("data")
    place = next(iter(home.values()))
    s3 = seed.client("s3", place.account, place.region)
    extra = [f"acme-prod-scratch-{i:03d}" for i in range(500 - len(home))]
    for name in extra:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": place.region})
    return extra


def test_the_audit_pages_through_500_buckets(planned, five_hundred_buckets):
    ctx = context()
    report = audit.run(planned, ctx, IDS, role_name=ROLE, page_size=100)
    assert [f.resource for f in report.problems] == sorted(five_hundred_buckets)
    assert {f.status for f in report.problems} == {"unmanaged"}
    assert ctx.calls["s3:ListBuckets"] == 5  # 500 buckets, 100 a page


def test_a_role_that_cannot_be_assumed_is_one_error_and_its_checks_do_not_run(server, planned):
    role = f"arn:aws:iam::{IDS['prod-registry']}:role/{ROLE}"
    server.deny_role(role)
    report = run(planned)  # nothing deployed: every other account's checks find their resources missing
    places = {planned.place(r) for r in planned.resources(audit.REGISTRY_SCANNING, "registry")}
    places |= {planned.place(r) for r in planned.resources(audit.REPOSITORY, "registry")}
    budgets = {planned.place(r).account for r in planned.resources(audit.BUDGET)} & {"prod-registry"}
    groups = len(places) + len(budgets)  # one check group per region of the account, one for its budgets
    assert [line for line in problems(report) if line.startswith("ERROR")] == [
        f"ERROR: access: {role} (prod-registry global): role: {role}: sts:AssumeRole: access denied; the role needs "
        f"sts:AssumeRole (User: arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on "
        f"resource: {role}); {groups} check groups of this account not run"
    ]
    assert [f for f in report.findings if f.account == "prod-registry" and f.service != "access"] == []
    assert report.counts()["access"]["ok"] == len({f.account for f in report.findings}) - 1


def test_throttling_is_retried_and_what_outlasts_the_retries_is_one_error(server, planned):
    Seeder(server, planned, IDS).compute()
    groups = len(list(planned.resources(audit.NODE_GROUP, "compute")))
    server.throttle("eks:DescribeNodegroup", 3)
    ctx = context()
    report = audit.run(planned, ctx, IDS, role_name=ROLE)
    assert [f.line() for f in report.findings if f.service == "eks" and f.status != "ok"] == []
    assert ctx.calls["eks:DescribeNodegroup"] == groups  # the 3 throttled answers were retried, not re-called
    assert server.throttles["eks:DescribeNodegroup"] == 0
    server.throttle("eks:DescribeNodegroup", 1000)
    report = run(planned, max_attempts=2)
    throttled = [f for f in report.findings if f.service == "eks" and f.status != "ok"]
    assert len(throttled) == groups
    assert {(f.status, f.check) for f in throttled} == {("error", "exists")}
    assert {f.message.split(": ", 2)[-1] for f in throttled} == {
        "throttled by AWS (ThrottlingException) after 2 attempts with backoff; rerun later, with fewer --workers "
        "or more --max-attempts"
    }


def test_a_failed_launch_template_read_is_named_as_ec2s_call(server, planned):
    """A Capacity Block node group has its instance type in its launch template, read from EC2."""
    Seeder(server, planned, IDS).compute()
    server.throttle("ec2:DescribeLaunchTemplateVersions", 1000)
    report = run(planned, max_attempts=2)
    templated = [
        g for g in planned.resources(audit.NODE_GROUP, "compute") if not g["inputs"].get("instanceTypes")
    ]
    assert templated, (
        "no node group reads its instance type from a launch template any more: pick another call"
    )
    failed = [f for f in report.findings if f.service == "eks" and f.status != "ok"]
    assert len(failed) == len(templated)
    assert {(f.status, f.check) for f in failed} == {("error", "exists")}
    assert {f.message.split(": ", 1)[1] for f in failed} == {
        "ec2:DescribeLaunchTemplateVersions: throttled by AWS (RequestLimitExceeded) after 2 attempts with "
        "backoff; rerun later, with fewer --workers or more --max-attempts"
    }


def test_an_answer_a_check_did_not_expect_is_one_error_and_the_run_goes_on(planned, monkeypatch):
    deploy(planned)

    def odd(config):
        raise KeyError("filterType")  # as if ECR answered a scanning rule without its filter type

    monkeypatch.setattr(audit, "_scanning", odd)
    report = run(planned)
    places = sorted(
        {planned.place(r) for r in [*planned.resources(audit.REPOSITORY, "registry"),
                                    *planned.resources(audit.REGISTRY_SCANNING, "registry")]}
    )  # fmt: skip
    assert problems(report) == [
        f"ERROR: ecr: registry ({p.account} {p.region}): read: {p.account} ({IDS[p.account]}) {p.region}: the ecr "
        "checks of registry stopped after ecr:GetRegistryScanningConfiguration: KeyError: 'filterType'; the "
        "other checks ran"
        for p in places
    ]
    assert report.counts()["s3"]["ok"] > 0 and report.counts()["eks"]["ok"] > 0


def test_reordered_lifecycle_rules_are_no_drift_and_a_changed_rule_is_named_by_its_id():
    rule = lambda rule_id, status="Enabled": {"ID": rule_id, "Status": status, "Filter": {}}  # noqa: E731
    expected = {"Rules": [rule("archive"), rule("abort-multipart"), rule("expire-noncurrent")]}
    reordered = {"Rules": [rule("expire-noncurrent"), rule("archive"), rule("abort-multipart")]}
    assert audit.differences(expected, reordered) == []
    changed = {"Rules": [rule("abort-multipart", "Disabled"), rule("archive"), rule("by-hand")]}
    assert audit.differences(expected, changed) == [
        "Rules[ID=abort-multipart].Status: expected 'Enabled', found 'Disabled'",
        "Rules[ID=expire-noncurrent]: expected {'ID': 'expire-noncurrent', 'Status': 'Enabled', 'Filter': {}}, "
        "found none",
        "Rules[ID=by-hand]: not in the spec, found {'ID': 'by-hand', 'Status': 'Enabled', 'Filter': {}}",
    ]
    transitions = [{"Days": 30, "StorageClass": "GLACIER_IR"}, {"Days": 180, "StorageClass": "DEEP_ARCHIVE"}]
    assert audit.differences(transitions, transitions[::-1]) == []
    assert audit.differences([1, 2], [2, 1]) == ["[0]: expected 1, found 2", "[1]: expected 2, found 1"]


def test_a_bucket_whose_lifecycle_rules_come_back_in_another_order_is_compliant(planned):
    victim = s3_api.bucket(next(planned.resources(s3_api.LIFECYCLE, "data")))
    rules = next(r for r in planned.resources(s3_api.LIFECYCLE, "data") if s3_api.bucket(r) == victim)
    expected = s3_api.expected(rules)["Rules"]
    assert len(expected) > 1, "the bucket has one lifecycle rule: pick one with several"
    seed, _ = deploy(planned, without={(victim, s3_api.LIFECYCLE)})
    at = planned.buckets("data")[victim]
    call = s3_api.put_call(rules)
    params = copy.deepcopy(call.params)
    params["LifecycleConfiguration"]["Rules"].reverse()
    getattr(seed.client("s3", at.account, at.region), call.operation)(**params)
    report = run(planned)
    assert problems(report) == []


# --- the command line -----------------------------------------------------------------------------


def test_the_command_reports_drift_as_json_or_lines_and_exits_1(planned, inventory, tmp_path):
    victim = s3_api.bucket(next(planned.resources(s3_api.LIFECYCLE, "data")))
    deploy(planned, without={(victim, s3_api.LIFECYCLE)})
    document = json.loads(inventory.read_text())
    for name, resources in planned_stacks(inventory).items():
        document["stacks"][name]["deployment"]["resources"] = resources
    (tmp_path / "inventory.json").write_text(json.dumps(document))
    ids = [f"--account-id={k}={v}" for k, v in IDS.items()]
    command = [
        sys.executable,
        "-m",
        "mlplat",
        "audit",
        "prod",
        "--inventory",
        str(tmp_path / "inventory.json"),
        *ids,
    ]
    result = subprocess.run([*command, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "drift"
    (drift,) = [f for f in report["findings"] if f["status"] != "ok"]
    assert (drift["resource"], drift["check"], drift["actual"]) == (victim, "lifecycle", None)
    rules = next(r for r in planned.resources(s3_api.LIFECYCLE, "data") if s3_api.bucket(r) == victim)
    assert drift["expected"]["Rules"] == s3_api.expected(rules)["Rules"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    out = result.stdout.splitlines()
    assert out[0].startswith(f"DRIFT: s3: {victim} (prod-data ")
    assert "mlplat audit prod: checks per service" in result.stdout
    assert out[-1].startswith("audit prod DRIFT: 1 finding(s) not compliant; ")
    assert "Traceback" not in result.stderr


def test_a_bad_inventory_is_one_line_and_exit_2(tmp_path, plans):
    (tmp_path / "array.json").write_text("[]")
    cases = [
        (tmp_path / "array.json",
         f"{tmp_path}/array.json: (top level): list: a JSON object, an mlplat inventory or a `pulumi stack export` file"),
        (plans.inventory("dev"),
         f"mlplat audit: --inventory: {plans.inventory('dev')}: the inventory is of dev, not of prod"),
    ]  # fmt: skip
    for path, line in cases:
        result = subprocess.run(
            [sys.executable, "-m", "mlplat", "audit", "prod", "--inventory", str(path)],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert (result.returncode, result.stderr) == (2, line + "\n")


def test_the_documented_policies_are_the_code_s():
    text = (ROOT / "docs" / "preflight-and-audit.md").read_text()
    policies = [
        json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, re.S) if '"Statement"' in block
    ]
    assert policies == [
        read_only_policy(CALLER_CALLS, "MlplatCaller"),
        read_only_policy(audit.CALLS, "MlplatAudit"),
        read_only_policy(preflight.CALLS, "MlplatPreflight"),
    ]
