"""`mlplat preflight ENV`: what would make the first `pulumi up` fail, asked of the live accounts.

A preview cannot see these: the deploy role cannot be assumed; a region is not enabled for an
account; an instance type is not offered in a pool's zone (zone names map to different physical
zones in every account, so only the account can say); the account's vCPU quota for an instance
family is below what the pools may launch; a bucket name is already taken by someone else.

Checks, in order; each finding is one line (docs/preflight-and-audit.md):
- role: the role of each account (the environment's deploy role, or --role-name) can be assumed;
- region: every region the spec gives an account is enabled for it (ec2:DescribeRegions, AllRegions);
- offering: every instance type of every node group is offered in each of its zones, every type of a
  Karpenter NodePool in at least one of the cluster's zones (ec2:DescribeInstanceTypeOfferings);
- quota: per region and quota class, on-demand and spot, the running-instance vCPU quota covers the
  pools at their largest (node groups: max nodes x vCPUs of their largest type; Karpenter: the
  NodePools' cpu limits), with the shortfall named (ec2:DescribeInstanceTypes, Service Quotas);
- bucket: every bucket name of the plan is free or already the owning account's (s3:HeadBucket).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlplat.live.aws_session import AwsContext, AwsProblem, explain, failed_call, pages
from mlplat.live.planned import Place
from platform_spec import PlatformSpec
from platform_spec.tables import node_pools

CHECKS = ("role", "region", "offering", "quota", "bucket")
CALLS = (
    "ec2:DescribeRegions", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes",
    "service-quotas:GetServiceQuota", "service-quotas:GetAWSDefaultServiceQuota", "s3:HeadBucket",
)  # fmt: skip
"""Every AWS call preflight makes in an account (the IAM policy of its role: docs/preflight-and-audit.md)."""
LEVELS = ("blocking", "warning", "skipped", "ok")


@dataclass(frozen=True, slots=True)
class QuotaClass:
    """One EC2 running-instance vCPU quota pair, as Service Quotas names it."""

    name: str
    on_demand: tuple[str, str]
    """(quota code, quota name) of running On-Demand instances."""
    spot: tuple[str, str]
    """(quota code, quota name) of Spot Instance requests."""


# EC2 vCPU quotas per instance class, service code `ec2`. Names: Amazon EC2 User Guide, "On-Demand
# Instance quotas" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-on-demand-instances.html)
# and "Spot Instance quotas" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-spot-limits.html).
# Codes: L-1216C47A from the AWS CLI reference example of `service-quotas get-aws-default-service-quota`
# (https://docs.aws.amazon.com/cli/latest/userguide/cli_service-quotas_code_examples.html); the others
# as listed by Service Quotas (console URLs .../services/ec2/quotas/<code>) and agreeing across several
# public quota tools. A run checks each code's name as Service Quotas returns it and warns on a mismatch.
QUOTA_CLASSES: dict[str, QuotaClass] = {
    "standard": QuotaClass(
        "Standard (A, C, D, H, I, M, R, T, Z)",
        ("L-1216C47A", "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"),
        ("L-34B43A08", "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests"),
    ),
    "g": QuotaClass(
        "G and VT",
        ("L-DB2E81BA", "Running On-Demand G and VT instances"),
        ("L-3819A6DF", "All G and VT Spot Instance Requests"),
    ),
    "p": QuotaClass(
        "P", ("L-417A185B", "Running On-Demand P instances"), ("L-7212CCBC", "All P Spot Instance Requests")
    ),
    "dl": QuotaClass(
        "DL",
        ("L-6E869C2A", "Running On-Demand DL instances"),
        ("L-85EED4F7", "All DL Spot Instance Requests"),
    ),
}
_CLASS_PREFIX = re.compile(r"(dl|inf|trn|hpc|mac|vt|u-|[a-z])")


def quota_class(instance_type: str) -> str | None:
    """The quota class of an instance type (`g6e.12xlarge` -> g); None for a class not in QUOTA_CLASSES."""
    match = _CLASS_PREFIX.match(instance_type)
    prefix = match.group(1) if match else ""
    if prefix in ("dl", "p"):
        return prefix
    if prefix in ("g", "vt"):
        return "g"
    if len(prefix) == 1 and prefix in "acdhimrtz":
        return "standard"
    return None


@dataclass(frozen=True, slots=True)
class Pool:
    """What preflight needs of one node group or Karpenter NodePool pair of the spec."""

    path: str
    """Spec path, e.g. compute.clusters.us-west-2.node_groups.ai100."""
    region: str
    zones: tuple[str, ...]
    instance_types: tuple[str, ...]
    on_demand_nodes: int = 0
    """Node groups: most on-demand nodes (all groups of the pool together)."""
    spot_nodes: int = 0
    capacity_block: bool = False
    """Runs in a purchased Capacity Block: its instance count is the block's, no vCPU quota is summed."""
    karpenter: bool = False
    """A Karpenter NodePool pair: any of the zones will do, and its vCPUs are its cpu limits."""
    on_demand_vcpus: int = 0
    """Karpenter: the on-demand NodePool's cpu limit."""
    spot_vcpus: int = 0


def pools(spec: PlatformSpec) -> list[Pool]:
    """Every node group and Karpenter pool of the environment's clusters."""
    env = spec.env
    found = []
    for region, cluster in env.compute.clusters.items():
        vpcs = env.training_vpcs(region)
        cluster_zones = tuple(env.network.vpcs[vpcs[0]].availability_zones) if vpcs else ()
        for key, group in cluster.node_groups.items():
            split = node_pools.groups(
                group.purchase(),
                min_size=group.min_size,
                max_size=group.max_size,
                desired_size=group.desired(),
                on_demand_max_size=group.on_demand_max_size,
            )
            found.append(
                Pool(
                    path=f"compute.clusters.{region}.node_groups.{key}",
                    region=region,
                    zones=tuple(group.availability_zones or cluster_zones),
                    instance_types=tuple(group.instance_types),
                    on_demand_nodes=sum(g.max_size for g in split if g.capacity == "on-demand"),
                    spot_nodes=sum(g.max_size for g in split if g.capacity == "spot"),
                    capacity_block=group.purchase() == "capacity-block",
                )
            )
        karpenter = getattr(cluster, "karpenter", None)
        for key, pool in (getattr(karpenter, "node_pools", None) or {}).items():
            found.append(
                Pool(
                    path=f"compute.clusters.{region}.karpenter.node_pools.{key}",
                    region=region,
                    zones=cluster_zones,
                    instance_types=tuple(pool.instance_types),
                    karpenter=True,
                    spot_vcpus=pool.spot.cpu,
                    on_demand_vcpus=pool.on_demand.cpu if pool.on_demand is not None else 0,
                )
            )
    return found


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    level: str
    """blocking, warning, skipped or ok."""
    account: str
    region: str
    subject: str
    message: str

    def line(self) -> str:
        return f"{self.level.upper()}: {self.check}: {self.account} {self.region}: {self.subject}: {self.message}"

    def as_json(self) -> dict[str, str]:
        return {
            "check": self.check,
            "level": self.level,
            "account": self.account,
            "region": self.region,
            "subject": self.subject,
            "message": self.message,
        }


@dataclass
class Report:
    environment: str
    findings: list[Finding]
    calls: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "blocking"]

    @property
    def exit_code(self) -> int:
        return 1 if self.blocking else 0

    def counts(self) -> dict[str, dict[str, int]]:
        table = {check: dict.fromkeys(LEVELS, 0) for check in CHECKS}
        for finding in self.findings:
            table[finding.check][finding.level] += 1
        return table

    def as_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "verdict": "blocked" if self.blocking else "passed",
            "counts": self.counts(),
            "findings": [f.as_json() for f in self.findings],
            "aws_calls": sum(self.calls.values()),
            "seconds": round(self.seconds, 3),
        }


def _sorted(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (CHECKS.index(f.check), f.account, f.region, f.subject, f.message))


class _Run:
    """One preflight: the context, the accounts, and what earlier checks found out."""

    def __init__(self, spec: PlatformSpec, ctx: AwsContext, account_ids: Mapping[str, str], role_name: str):
        self.spec, self.ctx, self.role_name = spec, ctx, role_name
        self.ids = dict(account_ids)
        self.regions: dict[str, list[str]] = {}
        for assignment in spec.env.accounts.values():
            regions = self.regions.setdefault(assignment.account, [])
            regions.extend(r for r in assignment.regions if r not in regions)
        self.reachable: set[str] = set()
        self.disabled: set[tuple[str, str]] = set()

    def where(self, account: str, region: str) -> str:
        return f"{account} ({self.ids[account]}) {region}"

    # --- role -----------------------------------------------------------------------------

    def role(self, account: str) -> list[Finding]:
        try:
            arn = self.ctx.assume(self.ids[account], self.role_name)
        except AwsProblem as problem:
            return [Finding("role", "blocking", account, "global", self.role_name, problem.line)]
        self.reachable.add(account)
        return [Finding("role", "ok", account, "global", self.role_name, f"assumed {arn}")]

    # --- region ---------------------------------------------------------------------------

    def region(self, account: str) -> list[Finding]:
        home = self.spec.org.home_region
        ec2 = self.ctx.client("ec2", home, self.ids[account])
        try:
            status = {
                r["RegionName"]: r.get("OptInStatus", "opt-in-not-required")
                for r in ec2.describe_regions(AllRegions=True)["Regions"]
            }
        except (BotoCoreError, ClientError) as error:
            line = explain(error, call="ec2:DescribeRegions", where=self.where(account, home)).line
            return [Finding("region", "blocking", account, r, r, line) for r in self.regions[account]]
        found = []
        for region in self.regions[account]:
            state = status.get(region, "unknown to EC2")
            if state in ("opt-in-not-required", "opted-in"):
                found.append(Finding("region", "ok", account, region, region, f"enabled ({state})"))
            else:
                self.disabled.add((account, region))
                found.append(
                    Finding(
                        "region",
                        "blocking",
                        account,
                        region,
                        region,
                        f"not enabled for the account ({state}); enable it under Account settings > AWS "
                        f"Regions, or `aws account enable-region --account-id {self.ids[account]} "
                        f"--region-name {region}`",
                    )
                )
        return found

    # --- offering -------------------------------------------------------------------------

    def offerings(self, account: str, region: str, region_pools: list[Pool]) -> list[Finding]:
        types = sorted({t for pool in region_pools for t in pool.instance_types})
        ec2 = self.ctx.client("ec2", region, self.ids[account])
        offered: dict[str, set[str]] = {t: set() for t in types}
        try:
            for page in pages(
                ec2,
                "describe_instance_type_offerings",
                LocationType="availability-zone",
                Filters=[{"Name": "instance-type", "Values": types}],
            ):
                for offering in page["InstanceTypeOfferings"]:
                    offered.setdefault(offering["InstanceType"], set()).add(offering["Location"])
        except (BotoCoreError, ClientError) as error:
            line = explain(
                error, call="ec2:DescribeInstanceTypeOfferings", where=self.where(account, region)
            ).line
            return [Finding("offering", "blocking", account, region, p.path, line) for p in region_pools]
        return [self._offering(account, pool, offered) for pool in region_pools]

    @staticmethod
    def _offering(account: str, pool: Pool, offered: Mapping[str, set[str]]) -> Finding:
        problems = []
        for instance_type in pool.instance_types:
            zones = offered.get(instance_type, set())
            missing = [z for z in pool.zones if z not in zones]
            elsewhere = ", ".join(sorted(zones)) or "no zone"
            if pool.karpenter and len(missing) == len(pool.zones):
                problems.append(
                    f"{instance_type} is offered in none of the cluster's zones ({', '.join(pool.zones)}); "
                    f"in {pool.region} this account is offered it in: {elsewhere}"
                )
            elif not pool.karpenter and missing:
                problems.append(
                    f"{instance_type} is not offered in {', '.join(missing)}; in {pool.region} this account "
                    f"is offered it in: {elsewhere}"
                )
        if problems:
            return Finding("offering", "blocking", account, pool.region, pool.path, "; ".join(problems))
        what = "in at least one of" if pool.karpenter else "in each of"
        return Finding(
            "offering",
            "ok",
            account,
            pool.region,
            pool.path,
            f"{', '.join(pool.instance_types)} offered {what} {', '.join(pool.zones)}",
        )

    # --- quota ----------------------------------------------------------------------------

    def quotas(self, account: str, region: str, region_pools: list[Pool]) -> list[Finding]:
        where = self.where(account, region)
        ec2 = self.ctx.client("ec2", region, self.ids[account])
        types = sorted({t for pool in region_pools if not pool.capacity_block for t in pool.instance_types})
        vcpus: dict[str, int] = {}
        try:
            for page in pages(ec2, "describe_instance_types", InstanceTypes=types):
                for described in page["InstanceTypes"]:
                    vcpus[described["InstanceType"]] = described["VCpuInfo"]["DefaultVCpus"]
        except (BotoCoreError, ClientError) as error:
            line = explain(error, call="ec2:DescribeInstanceTypes", where=where).line
            return [Finding("quota", "blocking", account, region, "vCPUs per instance type", line)]
        needs: dict[tuple[str, str], list[tuple[str, int, str]]] = {}
        found: list[Finding] = []
        for pool in region_pools:
            if pool.capacity_block:
                found.append(
                    Finding(
                        "quota",
                        "ok",
                        account,
                        region,
                        pool.path,
                        "a Capacity Block pool: its instances run in the purchased block; no vCPU quota summed",
                    )
                )
                continue
            classes = {quota_class(t) for t in pool.instance_types}
            if None in classes:
                unknown = [t for t in pool.instance_types if quota_class(t) is None]
                found.append(
                    Finding(
                        "quota",
                        "warning",
                        account,
                        region,
                        pool.path,
                        f"no known vCPU quota for {', '.join(unknown)}; check it by hand",
                    )
                )
            largest = max(pool.instance_types, key=lambda t: vcpus.get(t, 0))
            for purchase, nodes, limit in (
                ("on-demand", pool.on_demand_nodes, pool.on_demand_vcpus),
                ("spot", pool.spot_nodes, pool.spot_vcpus),
            ):
                key = pool.path.rsplit(".", 1)[-1]
                if pool.karpenter:
                    need, how = limit, f"karpenter {key}: {purchase} NodePool cpu limit {limit}"
                else:
                    need = nodes * vcpus.get(largest, 0)
                    how = f"{key}: {nodes} x {largest} ({vcpus.get(largest, 0)} vCPUs) = {need}"
                for klass in sorted(c for c in classes if c is not None):
                    if need:
                        needs.setdefault((klass, purchase), []).append((key, need, how))
        for (klass, purchase), wanted in sorted(needs.items()):
            found.extend(self._quota(account, region, klass, purchase, wanted))
        return found

    def _quota(
        self, account: str, region: str, klass: str, purchase: str, wanted: list[tuple[str, int, str]]
    ) -> list[Finding]:
        code, expected_name = getattr(QUOTA_CLASSES[klass], purchase.replace("-", "_"))
        where = self.where(account, region)
        quotas = self.ctx.client("service-quotas", region, self.ids[account])
        call = "service-quotas:GetServiceQuota"
        try:
            try:
                quota = quotas.get_service_quota(ServiceCode="ec2", QuotaCode=code)["Quota"]
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "NoSuchResourceException":
                    raise
                # Never changed in this account: the default applies.
                call = "service-quotas:GetAWSDefaultServiceQuota"
                quota = quotas.get_aws_default_service_quota(ServiceCode="ec2", QuotaCode=code)["Quota"]
        except (BotoCoreError, ClientError) as error:
            line = explain(error, call=call, where=where).line
            return [Finding("quota", "blocking", account, region, f"{code} {expected_name}", line)]
        found = []
        name = quota.get("QuotaName", expected_name)
        if name != expected_name:
            found.append(
                Finding(
                    "quota",
                    "warning",
                    account,
                    region,
                    code,
                    f"Service Quotas names this code {name!r}, not {expected_name!r}; check QUOTA_CLASSES",
                )
            )
        value = int(quota["Value"])
        need = sum(n for _, n, _ in wanted)
        pools_text = "; ".join(how for _, _, how in wanted)
        subject = f"{code} {expected_name}"
        if value >= need:
            found.append(
                Finding(
                    "quota", "ok", account, region, subject, f"{value} vCPUs cover the {need} the pools need"
                )
            )
        else:
            found.append(
                Finding(
                    "quota",
                    "blocking",
                    account,
                    region,
                    subject,
                    f"{value} vCPUs; the pools need {need} ({pools_text}): short by {need - value} vCPUs; "
                    f"request an increase: `aws service-quotas request-service-quota-increase --service-code "
                    f"ec2 --quota-code {code} --desired-value {need} --region {region}`",
                )
            )
        return found

    # --- bucket ---------------------------------------------------------------------------

    def bucket(self, name: str, place: Place) -> list[Finding]:
        account_id = self.ids[place.account]
        s3 = self.ctx.client("s3", place.region, account_id)

        def found(level: str, message: str) -> list[Finding]:
            return [Finding("bucket", level, place.account, place.region, name, message)]

        def region_of(response: dict) -> str | None:
            return response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("x-amz-bucket-region")

        try:
            head = s3.head_bucket(Bucket=name, ExpectedBucketOwner=account_id)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchBucket", "NotFound"):
                return found("ok", "free")
            if code in ("403", "AccessDenied"):
                return found(
                    "blocking",
                    "taken: the name exists and is not this account's (HeadBucket 403); bucket names are "
                    "global, so change the organization's name prefix or the product key",
                )
            if code == "301":
                actual = region_of(error.response)
                return found(
                    "blocking", f"exists in {actual or 'another region'}; the plan puts it in {place.region}"
                )
            return found(
                "blocking",
                explain(error, call="s3:HeadBucket", where=self.where(place.account, place.region)).line,
            )
        except BotoCoreError as error:
            return found(
                "blocking",
                explain(error, call="s3:HeadBucket", where=self.where(place.account, place.region)).line,
            )
        actual = head.get("BucketRegion") or region_of(head)
        if actual and actual != place.region:
            return found(
                "blocking", f"already this account's, but in {actual}; the plan puts it in {place.region}"
            )
        return found("ok", "already this account's (pulumi up needs it in the stack: `pulumi import` it)")


@dataclass(frozen=True)
class _Task:
    """One check of one account and region, run by a worker thread: whatever AWS answers, it ends in
    findings (each check reads its own errors; this is the net under them)."""

    check: str
    account: str
    region: str
    subject: str
    call: Callable[[], list[Finding]]

    def run(self, state: _Run) -> list[Finding]:
        state.ctx.forget_last_call()
        where = state.where(self.account, self.region)
        try:
            return self.call()
        except AwsProblem as problem:
            line = problem.line
        except (BotoCoreError, ClientError) as error:
            call = failed_call(error, last=state.ctx.last_call(), default=f"{self.check}:(read)")
            line = explain(error, call=call, where=where).line
        except Exception as error:  # an answer the check did not expect: this check fails, the run goes on
            call = state.ctx.last_call()
            line = (
                f"{where}: the {self.check} check stopped"
                + (f" after {call}" if call else "")
                + f": {type(error).__name__}: {error}; check it by hand, the other checks ran"
            )
        return [Finding(self.check, "blocking", self.account, self.region, self.subject, line)]


def run(
    spec: PlatformSpec,
    ctx: AwsContext,
    account_ids: Mapping[str, str],
    *,
    role_name: str,
    buckets: Mapping[str, Place],
    checks: Iterable[str] = CHECKS,
) -> Report:
    """Every check of every account and region, `ctx.workers` at a time; findings sorted."""
    started = time.perf_counter()
    wanted = set(checks)
    state = _Run(spec, ctx, account_ids, role_name)
    findings: list[Finding] = []
    accounts = list(state.regions)
    with ThreadPoolExecutor(max_workers=ctx.workers, thread_name_prefix="preflight") as pool:

        def gather(tasks: list[_Task]) -> None:
            for result in pool.map(lambda task: task.run(state), tasks):
                findings.extend(result)

        gather([_Task("role", a, "global", role_name, lambda a=a: state.role(a)) for a in accounts])
        home = spec.org.home_region
        gather(
            [
                _Task("region", a, home, "regions", lambda a=a: state.region(a))
                for a in accounts
                if a in state.reachable
            ]
        )
        tasks: list[_Task] = []
        skipped: list[Finding] = []

        def runnable(account: str, region: str, check: str, subject: str) -> bool:
            if account not in state.reachable:
                reason = f"not checked: the role of {account} could not be assumed"
            elif (account, region) in state.disabled:
                reason = f"not checked: {region} is not enabled for {account}"
            else:
                return True
            skipped.append(Finding(check, "skipped", account, region, subject, reason))
            return False

        training = spec.env.accounts["training"].account
        by_region: dict[str, list[Pool]] = {}
        for p in pools(spec):
            by_region.setdefault(p.region, []).append(p)
        for region, region_pools in by_region.items():
            for check, method in (("offering", state.offerings), ("quota", state.quotas)):
                subject = f"compute.clusters.{region}"
                if check in wanted and runnable(training, region, check, subject):
                    call = lambda m=method, r=region, rp=region_pools: m(training, r, rp)  # noqa: E731
                    tasks.append(_Task(check, training, region, subject, call))
        if "bucket" in wanted:
            for name, place in sorted(buckets.items()):
                if runnable(place.account, place.region, "bucket", name):
                    call = lambda n=name, p=place: state.bucket(n, p)  # noqa: E731
                    tasks.append(_Task("bucket", place.account, place.region, name, call))
        gather(tasks)
        findings.extend(skipped)
    kept = [f for f in findings if f.check in wanted or f.check in ("role", "region")]
    return Report(spec.env.name, _sorted(kept), Counter(ctx.calls), time.perf_counter() - started)
