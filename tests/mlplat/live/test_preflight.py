"""`mlplat preflight` against moto served over HTTP on loopback (tests/aws_server.py).

The checks run exactly as against AWS: boto3 clients signed with credentials from `sts:AssumeRole`
(moto files each call under the account of the assumed role), botocore's retries and paginators,
`AWS_ENDPOINT_URL` pointing every client at the server. Instance offerings are moto's copy of EC2's
(dl2q.24xlarge: us-west-2d and eu-central-1c only); vCPU quotas are set per test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from mlplat.live import preflight
from mlplat.live.aws_session import CALLER_CALLS, AwsContext
from mlplat.live.planned import Place, Planned
from mlplat.synth.inventory import load_stacks
from platform_spec import load_spec
from platform_spec.models import KarpenterCapacitySpec, KarpenterPoolSpec, NodeGroupSpec, VpcSpec
from platform_spec.paths import project_root
from tests.support.aws_server import served

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


@pytest.fixture(scope="module")
def inventory(plans) -> Path:
    return plans.inventory("prod")


@pytest.fixture(scope="module")
def planned(spec, inventory):
    return Planned(spec, load_stacks(inventory))


def context(**options) -> AwsContext:
    """The caller's context, from the server's one boto3 session (service models load once)."""
    return AwsContext(
        home_region="eu-central-1", workers=4, retry_mode="standard", session=SERVER[0].session, **options
    )


def run(spec, checks, buckets=None, **options) -> preflight.Report:
    return preflight.run(spec, context(**options), IDS, role_name=ROLE, buckets=buckets or {}, checks=checks)


def lines(report: preflight.Report, check: str) -> list[str]:
    return [f.line() for f in report.findings if f.check == check]


def one_cluster(spec, region: str, node_groups: dict, karpenter_pools: dict | None = None):
    """The spec with one training cluster, in `region`, with exactly these pools (no validation: a
    spec the loader might refuse, as a live account may disagree with the reviewed table)."""
    env = spec.env
    cluster = env.compute.clusters.get(region) or env.compute.clusters["us-west-2"]
    cluster = cluster.model_copy(
        update={
            "node_groups": node_groups,
            "karpenter": cluster.karpenter.model_copy(update={"node_pools": karpenter_pools or {}}),
        }
    )
    training = env.accounts["training"].model_copy(update={"regions": [region]})
    vpcs = dict(env.network.vpcs)
    if not env.training_vpcs(region):
        zones = [f"{region}{z}" for z in "abc"]
        vpcs["training-probe"] = VpcSpec(
            account="training", region=region, cidr="10.99.0.0/16", availability_zones=zones
        )
    changed = env.model_copy(
        update={
            "compute": env.compute.model_copy(update={"clusters": {region: cluster}}),
            "accounts": {**env.accounts, "training": training},
            "network": env.network.model_copy(update={"vpcs": vpcs}),
        }
    )
    return type(spec)(org=spec.org, env=changed)


def ai100(zones: list[str]) -> NodeGroupSpec:
    return NodeGroupSpec(
        kind="qualcomm-ai100", instance_types=["dl2q.24xlarge"], availability_zones=zones,
        ami_id="ami-0123456789abcdef0", max_size=2,
    )  # fmt: skip


# --- offerings ------------------------------------------------------------------------------------


def test_dl2q_in_us_east_1_is_refused_by_the_account_offerings(spec):
    """The loader refuses dl2q outside eu-central-1 and us-west-2 from the reviewed table; preflight
    finds it again from the account's own offerings (moto's copy of EC2's)."""
    moved = one_cluster(spec, "us-east-1", {"ai100": ai100(["us-east-1a", "us-east-1b"])})
    report = run(moved, ["offering"])
    assert lines(report, "offering") == [
        "BLOCKING: offering: prod-training us-east-1: compute.clusters.us-east-1.node_groups.ai100: "
        "dl2q.24xlarge is not offered in us-east-1a, us-east-1b; in us-east-1 this account is offered it in: no zone"
    ]
    assert report.exit_code == 1


def test_dl2q_is_offered_in_one_zone_per_region(spec):
    """A zone the spec accepts (it is one of the VPC's) but EC2 does not offer dl2q in."""
    wrong_zone = one_cluster(spec, "us-west-2", {"ai100": ai100(["us-west-2a", "us-west-2d"])})
    assert lines(run(wrong_zone, ["offering"]), "offering") == [
        "BLOCKING: offering: prod-training us-west-2: compute.clusters.us-west-2.node_groups.ai100: "
        "dl2q.24xlarge is not offered in us-west-2a; in us-west-2 this account is offered it in: us-west-2d"
    ]
    right_zone = one_cluster(spec, "eu-central-1", {"ai100": ai100(["eu-central-1c"])})
    assert lines(run(right_zone, ["offering"]), "offering") == [
        "OK: offering: prod-training eu-central-1: compute.clusters.eu-central-1.node_groups.ai100: "
        "dl2q.24xlarge offered in each of eu-central-1c"
    ]


def test_a_karpenter_pool_needs_each_type_in_one_of_the_cluster_zones(spec):
    pool = KarpenterPoolSpec(
        kind="nvidia-batch", instance_types=["g6e.12xlarge", "dl2q.24xlarge"],
        spot=KarpenterCapacitySpec(weight=50, nvidia_gpus=8, cpu=96),
    )  # fmt: skip
    report = run(one_cluster(spec, "us-east-1", {}, {"gpu": pool}), ["offering"])
    assert lines(report, "offering") == [
        "BLOCKING: offering: prod-training us-east-1: compute.clusters.us-east-1.karpenter.node_pools.gpu: "
        "dl2q.24xlarge is offered in none of the cluster's zones (us-east-1a, us-east-1b, us-east-1c); "
        "in us-east-1 this account is offered it in: no zone"
    ]
    (usw2,) = run(one_cluster(spec, "us-west-2", {}, {"gpu": pool}), ["offering"]).findings[-1:]
    assert usw2.line() == (
        "OK: offering: prod-training us-west-2: compute.clusters.us-west-2.karpenter.node_pools.gpu: "
        "g6e.12xlarge, dl2q.24xlarge offered in at least one of us-west-2a, us-west-2b, us-west-2d"
    )


# --- quotas ---------------------------------------------------------------------------------------


def test_each_vcpu_quota_covers_the_pools_or_the_shortfall_is_named(server, spec):
    pools = {
        "system": NodeGroupSpec(kind="system", instance_types=["m7i.xlarge"], min_size=2, max_size=4),
        "batch": NodeGroupSpec(kind="nvidia-batch", instance_types=["g6e.12xlarge"], capacity="spot-first",
                               max_size=8, on_demand_max_size=2),
        "train": NodeGroupSpec(kind="nvidia-training", instance_types=["p4d.24xlarge"],
                               availability_zones=["us-west-2b"], max_size=2),
        "block": NodeGroupSpec(kind="nvidia-training", instance_types=["p5.48xlarge"], capacity="capacity-block",
                               capacity_reservation_id="cr-0123456789abcdef0", availability_zones=["us-west-2a"],
                               max_size=2),
    }  # fmt: skip
    karpenter = KarpenterPoolSpec(
        kind="nvidia-batch", instance_types=["g6.12xlarge"],
        spot=KarpenterCapacitySpec(weight=50, nvidia_gpus=8, cpu=96),
        on_demand=KarpenterCapacitySpec(weight=10, nvidia_gpus=4, cpu=48),
    )  # fmt: skip
    training = IDS["prod-training"]
    for code, value in {"L-1216C47A": 16, "L-3819A6DF": 400, "L-DB2E81BA": 144, "L-417A185B": 100}.items():
        server.set_quota(training, "us-west-2", code, value)
    report = run(one_cluster(spec, "us-west-2", pools, {"gpu": karpenter}), ["quota"])
    where = "BLOCKING: quota: prod-training us-west-2:"
    assert lines(report, "quota") == [
        "OK: quota: prod-training us-west-2: L-1216C47A Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) "
        "instances: 16 vCPUs cover the 16 the pools need",
        f"{where} L-3819A6DF All G and VT Spot Instance Requests: 400 vCPUs; the pools need 480 "
        "(batch: 8 x g6e.12xlarge (48 vCPUs) = 384; karpenter gpu: spot NodePool cpu limit 96): short by 80 vCPUs; "
        "request an increase: `aws service-quotas request-service-quota-increase --service-code ec2 --quota-code "
        "L-3819A6DF --desired-value 480 --region us-west-2`",
        f"{where} L-417A185B Running On-Demand P instances: 100 vCPUs; the pools need 192 "
        "(train: 2 x p4d.24xlarge (96 vCPUs) = 192): short by 92 vCPUs; request an increase: `aws service-quotas "
        "request-service-quota-increase --service-code ec2 --quota-code L-417A185B --desired-value 192 "
        "--region us-west-2`",
        "OK: quota: prod-training us-west-2: L-DB2E81BA Running On-Demand G and VT instances: 144 vCPUs cover the "
        "144 the pools need",
        "OK: quota: prod-training us-west-2: compute.clusters.us-west-2.node_groups.block: a Capacity Block pool: "
        "its instances run in the purchased block; no vCPU quota summed",
    ]
    assert report.exit_code == 1


def test_a_new_account_has_no_gpu_quota(spec, planned):
    """AWS's defaults (5 standard vCPUs, 0 for P, G and DL): a first deploy of the real prod spec fails."""
    ctx = context()
    report = preflight.run(spec, ctx, IDS, role_name=ROLE, buckets=planned.buckets())
    assert {f.check for f in report.blocking} == {"quota"}
    assert set(ctx.calls) - set(CALLER_CALLS) <= set(preflight.CALLS)  # what the documented policy allows
    assert "service-quotas:GetServiceQuota" in ctx.calls and "s3:HeadBucket" in ctx.calls
    blocked = {(f.region, f.subject.split()[0]) for f in report.blocking}
    regions = set(spec.env.compute.clusters)
    assert blocked == {
        (r, code)
        for r in regions
        for code in ("L-417A185B", "L-6E869C2A", "L-DB2E81BA", "L-3819A6DF", "L-1216C47A")
    }


@pytest.mark.parametrize(
    ("instance_type", "klass"),
    [("m7i.xlarge", "standard"), ("g6e.12xlarge", "g"), ("vt1.3xlarge", "g"), ("p5.48xlarge", "p"),
     ("dl2q.24xlarge", "dl"), ("dl1.24xlarge", "dl"), ("inf2.xlarge", None), ("trn1.2xlarge", None),
     ("hpc7g.4xlarge", None), ("mac2.metal", None), ("x2idn.16xlarge", None)],
)  # fmt: skip
def test_quota_classes(instance_type, klass):
    assert preflight.quota_class(instance_type) == klass


# --- regions, roles, buckets ----------------------------------------------------------------------


def test_a_region_not_enabled_blocks_and_skips_its_checks(spec):
    """moto reports eu-central-2 as not-opted-in, like an opt-in region of a new account."""
    registry = spec.env.accounts["registry"]
    env = spec.env.model_copy(
        update={"accounts": {**spec.env.accounts,
                             "registry": registry.model_copy(update={"regions": [*registry.regions, "eu-central-2"]})}}
    )  # fmt: skip
    probe = {"acme-prod-probe-eu-central-2": Place("prod-registry", "eu-central-2")}
    report = run(type(spec)(org=spec.org, env=env), ["bucket"], probe)
    assert [f.line() for f in report.findings if f.level != "ok"] == [
        "BLOCKING: region: prod-registry eu-central-2: eu-central-2: not enabled for the account (not-opted-in); "
        "enable it under Account settings > AWS Regions, or `aws account enable-region --account-id 210000000003 "
        "--region-name eu-central-2`",
        "SKIPPED: bucket: prod-registry eu-central-2: acme-prod-probe-eu-central-2: not checked: eu-central-2 is "
        "not enabled for prod-registry",
    ]


def test_a_deploy_role_that_cannot_be_assumed_blocks_and_skips_the_account(server, spec):
    server.deny_role(f"arn:aws:iam::{IDS['prod-training']}:role/{ROLE}")
    report = run(spec, ["offering", "quota"])
    assert lines(report, "role") == [
        "OK: role: log-archive global: mlplatform-deploy-prod: assumed arn:aws:iam::210000000004:role/mlplatform-deploy-prod",
        "OK: role: prod-data global: mlplatform-deploy-prod: assumed arn:aws:iam::210000000001:role/mlplatform-deploy-prod",
        "OK: role: prod-registry global: mlplatform-deploy-prod: assumed arn:aws:iam::210000000003:role/mlplatform-deploy-prod",
        "BLOCKING: role: prod-training global: mlplatform-deploy-prod: arn:aws:iam::210000000002:role/"
        "mlplatform-deploy-prod: sts:AssumeRole: access denied; the role needs sts:AssumeRole (User: "
        "arn:aws:iam::123456789012:user/ci is not authorized to perform: sts:AssumeRole on resource: "
        "arn:aws:iam::210000000002:role/mlplatform-deploy-prod)",
    ]
    regions = sorted(spec.env.compute.clusters)
    assert [f.line() for f in report.findings if f.check in ("offering", "quota")] == [
        f"SKIPPED: {check}: prod-training {r}: compute.clusters.{r}: not checked: the role of prod-training "
        "could not be assumed"
        for check in ("offering", "quota")
        for r in regions
    ]
    assert report.exit_code == 1


def test_bucket_names_are_free_ours_or_taken(server, planned, spec):
    data = planned.buckets("data")
    home = spec.env.accounts["data"].regions[0]
    (ours, taken, moved, *_) = sorted(name for name, place in data.items() if place.region == home)
    free = set(data) - {ours, taken, moved}
    seed = boto3.Session()

    def s3(account_id: str, region: str):
        credentials = seed.client("sts", region_name="us-east-1").assume_role(
            RoleArn=f"arn:aws:iam::{account_id}:role/seed", RoleSessionName="seed"
        )["Credentials"]
        return seed.client("s3", region_name=region, aws_access_key_id=credentials["AccessKeyId"],
                           aws_secret_access_key=credentials["SecretAccessKey"],
                           aws_session_token=credentials["SessionToken"])  # fmt: skip

    region = data[ours].region
    s3(IDS["prod-data"], region).create_bucket(
        Bucket=ours, CreateBucketConfiguration={"LocationConstraint": region}
    )
    s3("999999999999", region).create_bucket(
        Bucket=taken, CreateBucketConfiguration={"LocationConstraint": region}
    )
    s3(IDS["prod-data"], "us-west-2").create_bucket(
        Bucket=moved, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
    )
    report = run(spec, ["bucket"], data)
    at = f"prod-data {region}"
    assert [
        f.line() for f in report.findings if f.check == "bucket" and f.subject in (ours, taken, moved)
    ] == [
        f"OK: bucket: {at}: {ours}: already this account's (pulumi up needs it in the stack: `pulumi import` it)",
        f"BLOCKING: bucket: {at}: {taken}: taken: the name exists and is not this account's (HeadBucket 403); "
        "bucket names are global, so change the organization's name prefix or the product key",
        f"BLOCKING: bucket: {at}: {moved}: already this account's, but in us-west-2; the plan puts it in {region}",
    ]
    assert {f.message for f in report.findings if f.subject in free} == {"free"}
    assert len([f for f in report.findings if f.check == "bucket"]) == len(data)


def test_throttling_is_retried_with_backoff(server, spec):
    server.throttle("ec2:DescribeInstanceTypeOfferings", 2)
    ctx = context()
    report = preflight.run(spec, ctx, IDS, role_name=ROLE, buckets={}, checks=["offering"])
    assert {f.level for f in report.findings if f.check == "offering"} == {"ok"}
    assert ctx.calls["ec2:DescribeInstanceTypeOfferings"] == len(
        spec.env.compute.clusters
    )  # one call a region
    assert server.throttles["ec2:DescribeInstanceTypeOfferings"] == 0  # both throttled answers were retried


def test_throttling_that_outlasts_the_retries_is_one_line_per_check(server, spec):
    server.throttle("ec2:DescribeInstanceTypeOfferings", 100)
    report = run(
        one_cluster(spec, "us-west-2", {"ai100": ai100(["us-west-2d"])}), ["offering"], max_attempts=2
    )
    assert lines(report, "offering") == [
        "BLOCKING: offering: prod-training us-west-2: compute.clusters.us-west-2.node_groups.ai100: prod-training "
        "(210000000002) us-west-2: ec2:DescribeInstanceTypeOfferings: throttled by AWS (RequestLimitExceeded) after "
        "2 attempts with backoff; rerun later, with fewer --workers or more --max-attempts"
    ]


def test_a_failed_default_quota_read_is_named_as_that_call(spec, monkeypatch):
    """A quota never changed in the account has no GetServiceQuota answer; its default is read instead,
    and when that read fails, the line names GetAWSDefaultServiceQuota and its own IAM action."""
    from botocore.stub import Stubber

    client = boto3.client("service-quotas", region_name="us-west-2", aws_access_key_id="x",
                          aws_secret_access_key="y")  # fmt: skip
    ctx = AwsContext(
        home_region="eu-central-1", session=boto3.Session(aws_access_key_id="x", aws_secret_access_key="y")
    )
    monkeypatch.setattr(ctx, "client", lambda service, region, account_id=None: client)
    state = preflight._Run(spec, ctx, IDS, ROLE)
    with Stubber(client) as stub:
        stub.add_client_error("get_service_quota", "NoSuchResourceException", "The request failed")
        stub.add_client_error(
            "get_aws_default_service_quota",
            "AccessDeniedException",
            "User is not authorized",
            http_status_code=400,
        )
        found = state._quota(
            "prod-training", "us-west-2", "p", "on-demand", [("train", 96, "train: 1 x p4d")]
        )
    assert [f.line() for f in found] == [
        "BLOCKING: quota: prod-training us-west-2: L-417A185B Running On-Demand P instances: prod-training "
        "(210000000002) us-west-2: service-quotas:GetAWSDefaultServiceQuota: access denied; the role needs "
        "servicequotas:GetAWSDefaultServiceQuota (User is not authorized)"
    ]


def test_an_answer_a_check_did_not_expect_is_one_blocking_line_and_the_run_goes_on(server, spec, monkeypatch):
    def odd(instance_type):
        raise ValueError(f"no quota class for {instance_type!r}")

    monkeypatch.setattr(preflight, "quota_class", odd)
    report = run(one_cluster(spec, "us-west-2", {"ai100": ai100(["us-west-2d"])}), ["offering", "quota"])
    assert lines(report, "quota") == [
        "BLOCKING: quota: prod-training us-west-2: compute.clusters.us-west-2: prod-training (210000000002) "
        "us-west-2: the quota check stopped after ec2:DescribeInstanceTypes: ValueError: no quota class for "
        "'dl2q.24xlarge'; check it by hand, the other checks ran"
    ]
    assert {f.level for f in report.findings if f.check == "offering"} == {"ok"}


# --- the command line -----------------------------------------------------------------------------


def mlplat(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "mlplat", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=env if env is not None else dict(os.environ),
    )  # fmt: skip


def test_the_command_finds_accounts_through_organizations_and_reports_json(server, spec, inventory):
    org = boto3.client("organizations", region_name="us-east-1")
    org.create_organization(FeatureSet="ALL")
    for key in dict.fromkeys(a.account for a in spec.env.accounts.values()):
        org.create_account(Email=spec.org.accounts[key].email, AccountName=key)
    result = mlplat("preflight", "prod", "--inventory", str(inventory), "--json", "--workers", "4")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["verdict"] == "blocked"
    assert {f["check"] for f in report["findings"] if f["level"] == "blocking"} == {"quota"}  # new accounts
    assert report["counts"]["role"] == {"blocking": 0, "warning": 0, "skipped": 0, "ok": 4}
    assert report["counts"]["bucket"]["ok"] == len(Planned(spec, load_stacks(inventory)).buckets())
    assert "Traceback" not in result.stderr


def test_the_command_prints_one_line_per_finding_and_a_summary(server, inventory):
    result = mlplat(
        "preflight", "prod", "--inventory", str(inventory), *[f"--account-id={k}={v}" for k, v in IDS.items()]
    )
    assert result.returncode == 1, result.stderr
    out = result.stdout.splitlines()
    blocking = [line for line in out if line.startswith("BLOCKING: ")]
    assert blocking and all(line.startswith("BLOCKING: quota: prod-training ") for line in blocking)
    assert out[-1].startswith(f"preflight prod BLOCKED: {len(blocking)} blocking finding(s); ")


def test_no_credentials_is_one_line_and_exit_2(inventory):
    env = {k: v for k, v in os.environ.items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    result = mlplat("preflight", "prod", "--inventory", str(inventory), env=env)
    assert result.returncode == 2
    assert result.stderr == (
        "mlplat preflight: caller: sts:GetCallerIdentity: no AWS credentials found; set AWS_PROFILE (or --profile), "
        "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`\n"
    )


def test_bad_input_is_one_line_per_problem_and_exit_2(spec, inventory):
    result = mlplat("preflight", "prod", "--inventory", str(inventory), "--account-id", "prod-data=12",
                    "--account-id", "nope=123456789012")  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "mlplat preflight: --account-id: 'prod-data=12': ID must be 12 digits (KEY=123456789012)",
        "mlplat preflight: --account-id: 'nope=123456789012': KEY must be an account of environments/org.yaml: "
        + ", ".join(spec.org.accounts),
    ]
    result = mlplat("preflight", "prod", "--inventory", str(inventory), "--profile", "nope")
    assert result.returncode == 2
    assert result.stderr == (
        "mlplat preflight: caller: The config profile (nope) could not be found; list profiles with "
        "`aws configure list-profiles`\n"
    )


# --- one line per problem -------------------------------------------------------------------------

WHERE = "prod-training (210000000002) il-central-1"


@pytest.mark.parametrize(
    ("code", "kind", "line"),
    [
        ("OptInRequired", "region-disabled",
         f"{WHERE}: ec2:DescribeInstanceTypes: the region is not enabled for the account (OptInRequired); enable "
         "it under Account settings > AWS Regions, or `aws account enable-region`"),
        ("InvalidClientTokenId", "credentials",
         f"{WHERE}: ec2:DescribeInstanceTypes: the credentials were refused (InvalidClientTokenId: The security "
         "token included in the request is invalid.); they are expired or invalid, or the region is an opt-in "
         "region the account has not enabled"),
        ("UnauthorizedOperation", "access-denied",
         f"{WHERE}: ec2:DescribeInstanceTypes: access denied; the role needs ec2:DescribeInstanceTypes "
         "(The security token included in the request is invalid.)"),
        ("RequestLimitExceeded", "throttled",
         f"{WHERE}: ec2:DescribeInstanceTypes: throttled by AWS (RequestLimitExceeded) after 10 attempts with "
         "backoff; rerun later, with fewer --workers or more --max-attempts"),
    ],
)  # fmt: skip
def test_an_aws_error_is_one_line_that_says_what_to_do(code, kind, line):
    from botocore.exceptions import ClientError

    from mlplat.live.aws_session import explain

    error = ClientError(
        {"Error": {"Code": code, "Message": "The security token included in the request is invalid."},
         "ResponseMetadata": {"RetryAttempts": 9}},
        "DescribeInstanceTypes",
    )  # fmt: skip
    problem = explain(error, call="ec2:DescribeInstanceTypes", where=WHERE)
    assert (problem.kind, problem.line) == (kind, line)


def test_iam_actions_of_the_s3_calls_are_s3_s_own_names():
    from mlplat.live.aws_session import iam_action

    assert [iam_action("s3", op) for op in ("HeadBucket", "ListBuckets", "GetBucketLifecycleConfiguration")] == [
        "s3:ListBucket", "s3:ListAllMyBuckets", "s3:GetLifecycleConfiguration",
    ]  # fmt: skip
