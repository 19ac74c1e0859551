"""`mlplat audit ENV`: the live accounts against the plan of the spec, per resource.

What the spec says a resource must look like comes from the environment's plan, the same
inventory `mlplat plan` writes: each S3 configuration resource of the data layer becomes the exact
response its S3 `get` call must return (`mlplat.live.s3_api.expected`), node groups, repositories,
registry scanning and budgets are compared field by field with their planned inputs. Values that
only exist after a deploy are compared through what the spec names: a KMS key by its alias
(`alias/<org>/<env>/<class>`), a node group by its logical name (Pulumi appends 7 hex digits).

Checked (docs/preflight-and-audit.md has the calls and the read-only IAM policy):
- s3: every bucket of the data layer exists in its account; its default encryption (SSE-KMS with the
  class key and a bucket key, or SSE-S3 for S3 delivery targets), public access block, versioning,
  lifecycle rules, Intelligent-Tiering configurations and Object Lock are as planned; no bucket with
  the environment's name prefix exists that the plan does not have (unmanaged);
- eks: each cluster exists; each planned node group exists with its instance types, capacity type,
  taints and min/max size (the desired size belongs to the autoscaler); no other node group;
- ecr: each planned repository exists with its tag mutability, scan on push and encryption; the
  registry scanning configuration of each region is as planned;
- budgets: every budget of the plan exists with its type, limit, period and cost filters, and alerts
  at the planned thresholds (their subscribers are not compared).

A check group that meets an error AWS gives (access denied, throttling that outlasted the retries, a
region that is not enabled) reports it as an `error` finding, one line, and the others go on.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from mlplat.live import s3_api
from mlplat.live.aws_session import AwsContext, AwsProblem, explain, failed_call, pages
from mlplat.live.planned import Place, Planned, autonamed, logical_name

SERVICES = ("access", "s3", "eks", "ecr", "budgets")
STATUSES = ("ok", "drift", "missing", "unmanaged", "error")

S3_CHECKS = {
    s3_api.ENCRYPTION: "encryption",
    s3_api.PUBLIC_ACCESS_BLOCK: "public-access-block",
    s3_api.VERSIONING: "versioning",
    s3_api.LIFECYCLE: "lifecycle",
    s3_api.INTELLIGENT_TIERING: "intelligent-tiering",
    s3_api.OBJECT_LOCK: "object-lock",
}
"""The S3 configurations the audit reads back, by resource type."""
S3_NOT_FOUND = {
    s3_api.ENCRYPTION: "ServerSideEncryptionConfigurationNotFoundError",
    s3_api.PUBLIC_ACCESS_BLOCK: "NoSuchPublicAccessBlockConfiguration",
    s3_api.LIFECYCLE: "NoSuchLifecycleConfiguration",
    s3_api.OBJECT_LOCK: "ObjectLockConfigurationNotFoundError",
}
"""The error code of a `get` call when the bucket has no such configuration."""

CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
REPOSITORY = "aws:ecr/repository:Repository"
REGISTRY_SCANNING = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
BUDGET = "aws:budgets/budget:Budget"
BUDGETS_REGION = "us-east-1"
"""AWS Budgets has one endpoint, in us-east-1."""
LIST_BUCKETS_PAGE = 1000
CALLS = (
    "s3:ListBuckets", "s3:HeadBucket", "s3:GetBucketEncryption", "s3:GetPublicAccessBlock",
    "s3:GetBucketVersioning", "s3:GetBucketLifecycleConfiguration", "s3:ListBucketIntelligentTieringConfigurations",
    "s3:GetObjectLockConfiguration", "kms:ListAliases", "eks:DescribeCluster", "eks:ListNodegroups",
    "eks:DescribeNodegroup", "ec2:DescribeLaunchTemplateVersions", "ecr:DescribeRepositories",
    "ecr:GetRegistryScanningConfiguration", "budgets:DescribeBudgets", "budgets:DescribeNotificationsForBudget",
)  # fmt: skip
"""Every AWS call the audit makes in an account (the IAM policy of its role: docs/preflight-and-audit.md)."""


@dataclass(frozen=True, slots=True)
class Finding:
    service: str
    resource: str
    account: str
    region: str
    check: str
    status: str
    """ok, drift (differs from the spec), missing, unmanaged (not in the spec) or error (not readable)."""
    message: str
    expected: Any = None
    actual: Any = None

    def line(self) -> str:
        return (
            f"{self.status.upper()}: {self.service}: {self.resource} ({self.account} {self.region}): "
            f"{self.check}: {self.message}"
        )

    def as_json(self) -> dict[str, Any]:
        found = {
            "service": self.service,
            "resource": self.resource,
            "account": self.account,
            "region": self.region,
            "check": self.check,
            "status": self.status,
            "message": self.message,
        }
        if self.status == "drift":
            found["expected"], found["actual"] = self.expected, self.actual
        return found


@dataclass
class Report:
    environment: str
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status != "ok"]

    @property
    def exit_code(self) -> int:
        return 1 if self.problems else 0

    def counts(self) -> dict[str, dict[str, int]]:
        table = {service: dict.fromkeys(STATUSES, 0) for service in SERVICES}
        for finding in self.findings:
            table[finding.service][finding.status] += 1
        return table

    def resources(self) -> dict[str, int]:
        return {s: len({f.resource for f in self.findings if f.service == s}) for s in SERVICES}

    def as_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "verdict": "drift" if self.problems else "compliant",
            "counts": self.counts(),
            "resources": self.resources(),
            "notes": self.notes,
            "findings": [f.as_json() for f in self.findings],
            "aws_calls": sum(self.calls.values()),
            "seconds": round(self.seconds, 3),
        }


# --- comparing ------------------------------------------------------------------------------


KEY_FIELDS = ("ID", "Id", "StorageClass", "AccessTier", "Key")
"""Fields that identify an element of a list in S3's answers (lifecycle rules by ID, their transitions
by storage class, tiering configurations' tierings by access tier, tags by key): such lists are
compared element by element whatever their order, as `mlplat.review.diff.flatten` keys them."""


def _list_key(expected: list[Any], actual: list[Any]) -> str | None:
    """The field that identifies every element of both lists (distinct within each), if one does."""
    items = [*expected, *actual]
    if not expected or not actual or not all(isinstance(item, Mapping) for item in items):
        return None
    for key in KEY_FIELDS:
        sides = [[item.get(key) for item in side] for side in (expected, actual)]
        if all(
            all(isinstance(v, str | int) and v != "" for v in values) and len(set(values)) == len(values)
            for values in sides
        ):
            return key
    return None


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where `actual` differs from `expected`, one `path: expected X, found Y` per difference. Lists of
    objects with an identifying field (`KEY_FIELDS`) are compared by it (`Rules[ID=archive]`), so a
    reordered list is no drift; other lists of the same length by position."""
    if isinstance(expected, list) and isinstance(actual, list) and (key := _list_key(expected, actual)):
        want = {item[key]: item for item in expected}
        have = {item[key]: item for item in actual}
        found = []
        for value in list(want) + [v for v in have if v not in want]:
            at = f"{path}[{key}={value}]"
            if value not in have:
                found.append(f"{at}: expected {_show(want[value])}, found none")
            elif value not in want:
                found.append(f"{at}: not in the spec, found {_show(have[value])}")
            else:
                found += differences(want[value], have[value], at)
        return found
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        found = []
        for key in list(expected) + [k for k in actual if k not in expected]:
            at = f"{path}.{key}" if path else str(key)
            if key not in actual:
                found.append(f"{at}: expected {_show(expected[key])}, found none")
            elif key not in expected:
                found.append(f"{at}: not in the spec, found {_show(actual[key])}")
            else:
                found += differences(expected[key], actual[key], at)
        return found
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in differences(e, a, f"{path}[{i}]")
        ]
    at = f"{path}: " if path else ""
    if isinstance(expected, list) and isinstance(actual, list):
        missing = [item for item in expected if item not in actual]
        extra = [item for item in actual if item not in expected]
        if missing or extra:
            return [f"{at}missing {_show(item)}" for item in missing] + [
                f"{at}not in the spec {_show(item)}" for item in extra
            ]
    if expected != actual:
        return [f"{at}expected {_show(expected)}, found {_show(actual)}"]
    return []


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def _summary(found: list[str], limit: int = 3) -> str:
    more = f" (+{len(found) - limit} more)" if len(found) > limit else ""
    return "; ".join(found[:limit]) + more


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


class _Audit:
    def __init__(self, planned: Planned, ctx: AwsContext, account_ids: Mapping[str, str]):
        self.planned, self.ctx, self.ids = planned, ctx, dict(account_ids)
        self.plan_aliases = planned.key_aliases()
        self._aliases: dict[tuple[str, str, str], str] = {}
        self._lock = threading.Lock()

    def where(self, place: Place) -> str:
        return f"{place.account} ({self.ids[place.account]}) {place.region}"

    def client(self, service: str, place: Place) -> Any:
        return self.ctx.client(service, place.region, self.ids[place.account])

    def failed(self, error: Exception, default: str) -> str:
        """The call that raised `error` on this thread (aws_session.failed_call)."""
        return failed_call(error, last=self.ctx.last_call(), default=default)

    def error(
        self, service: str, resource: str, place: Place, check: str, error: Exception, call: str
    ) -> Finding:
        line = explain(error, call=call, where=self.where(place)).line
        return Finding(service, resource, place.account, place.region, check, "error", line)

    # --- KMS keys by alias ----------------------------------------------------------------

    def planned_key(self, key: str | None) -> str | None:
        """The alias of a key the plan names (its ARN or id), or the key as given."""
        if key is None:
            return None
        return self.plan_aliases.get(key) or self.plan_aliases.get(key.rsplit("key/", 1)[-1]) or key

    def live_key(self, key: str | None, place: Place) -> str | None:
        """The alias of a live key (an ARN, key id or alias), preferring the environment's aliases."""
        if key is None or key.startswith("alias/"):
            return key
        if ":alias/" in key:
            return "alias/" + key.split(":alias/", 1)[1]
        cache = (place.account, place.region, key)
        with self._lock:
            if cache in self._aliases:
                return self._aliases[cache]
        kms = self.client("kms", place)
        try:
            names = [
                a["AliasName"] for page in pages(kms, "list_aliases", KeyId=key) for a in page["Aliases"]
            ]
        except (BotoCoreError, ClientError) as error:
            raise explain(error, call="kms:ListAliases", where=self.where(place)) from None
        ours = f"alias/{self.planned.spec.org.name}/{self.planned.spec.env.name}/"
        alias = next((n for n in names if n.startswith(ours)), names[0] if names else key)
        with self._lock:
            self._aliases[cache] = alias
        return alias

    # --- s3 -------------------------------------------------------------------------------

    def s3_normalized(self, type_: str, view: dict[str, Any], place: Place, live: bool) -> dict[str, Any]:
        key = self.live_key if live else lambda k, _place: self.planned_key(k)
        if type_ == s3_api.ENCRYPTION:
            for rule in view.get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
                default = rule.get("ApplyServerSideEncryptionByDefault", {})
                if "KMSMasterKeyID" in default:
                    default["KMSMasterKeyID"] = key(default["KMSMasterKeyID"], place)
        elif type_ == s3_api.OBJECT_LOCK:
            retention = view.get("ObjectLockConfiguration", {}).get("Rule", {}).get("DefaultRetention", {})
            for unit in ("Days", "Years"):
                if retention.get(unit) == 0:  # a zero next to the unit in use (S3 never stores 0)
                    retention.pop(unit)
        elif type_ == s3_api.VERSIONING and view.get("MFADelete") == "Disabled":
            view.pop("MFADelete")
        return view

    def bucket(self, name: str, place: Place, configurations: list[dict[str, Any]]) -> list[Finding]:
        s3 = self.client("s3", place)
        owner = self.ids[place.account]
        at = {"service": "s3", "resource": name, "account": place.account, "region": place.region}
        try:
            s3.head_bucket(Bucket=name, ExpectedBucketOwner=owner)
        except ClientError as error:
            if _code(error) in ("404", "NoSuchBucket"):
                return [Finding(**at, check="exists", status="missing", message="the spec has it; not found")]
            return [self.error("s3", name, place, "exists", error, "s3:HeadBucket")]
        except BotoCoreError as error:
            return [self.error("s3", name, place, "exists", error, "s3:HeadBucket")]
        found = [Finding(**at, check="exists", status="ok", message="exists, owned by the account")]
        by_type: dict[str, list[dict[str, Any]]] = {}
        for resource in configurations:
            by_type.setdefault(resource["type"], []).append(resource)
        for type_, check in S3_CHECKS.items():
            planned = by_type.get(type_, [])
            try:
                if type_ == s3_api.INTELLIGENT_TIERING:
                    found += self._tiering(s3, name, owner, place, planned, at)
                else:
                    found.append(self._configuration(s3, name, owner, place, type_, check, planned, at))
            except AwsProblem as problem:  # reading a key's alias
                found.append(Finding(**at, check=check, status="error", message=problem.line))
            except (BotoCoreError, ClientError) as error:
                operation = (
                    "ListBucketIntelligentTieringConfigurations"
                    if type_ == s3_api.INTELLIGENT_TIERING
                    else _get_operation(type_)
                )
                found.append(
                    self.error("s3", name, place, check, error, self.failed(error, f"s3:{operation}"))
                )
        return found

    def _configuration(
        self,
        s3: Any,
        name: str,
        owner: str,
        place: Place,
        type_: str,
        check: str,
        planned: list[dict[str, Any]],
        at: dict[str, str],
    ) -> Finding:
        api = s3_api.APIS[type_]
        try:
            live = s3_api.comparable(getattr(s3, api.get)(Bucket=name, ExpectedBucketOwner=owner))
        except ClientError as error:
            if _code(error) != S3_NOT_FOUND.get(type_):
                raise
            live = None
        if not planned:  # the spec has none (of the lake's, only Object Lock is optional)
            present = bool(live) and (
                type_ != s3_api.OBJECT_LOCK
                or live.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
            )
            if not present:
                return Finding(**at, check=check, status="ok", message="none, as the spec says")
            return Finding(
                **at,
                check=check,
                status="drift",
                message="present; the spec has none",
                expected=None,
                actual=live,
            )
        (resource,) = planned
        expected = self.s3_normalized(type_, s3_api.expected(resource), place, live=False)
        if live is None:
            return Finding(
                **at,
                check=check,
                status="drift",
                message=f"missing; the spec has {_describe(type_, expected)}",
                expected=expected,
                actual=None,
            )
        live = self.s3_normalized(type_, live, place, live=True)
        found = differences(expected, live)
        if found:
            return Finding(
                **at, check=check, status="drift", message=_summary(found), expected=expected, actual=live
            )
        return Finding(**at, check=check, status="ok", message="as the spec says")

    def _tiering(
        self, s3: Any, name: str, owner: str, place: Place, planned: list[dict[str, Any]], at: dict[str, str]
    ) -> list[Finding]:
        live: dict[str, Any] = {}
        token = None
        while True:  # no botocore paginator for this one: follow its continuation token
            page = s3.list_bucket_intelligent_tiering_configurations(
                Bucket=name, ExpectedBucketOwner=owner, **({"ContinuationToken": token} if token else {})
            )
            for config in page.get("IntelligentTieringConfigurationList", []):
                live[config["Id"]] = s3_api.comparable({"IntelligentTieringConfiguration": config})
            token = page.get("NextContinuationToken")
            if not page.get("IsTruncated") or not token:
                break
        expected = {r["inputs"]["name"]: s3_api.expected(r) for r in planned}
        found = []
        for config_id, config in expected.items():
            check = f"intelligent-tiering {config_id}"
            if config_id not in live:
                found.append(
                    Finding(
                        **at,
                        check=check,
                        status="drift",
                        message="missing; the spec has it",
                        expected=config,
                        actual=None,
                    )
                )
            elif differences(config, live[config_id]):
                found.append(
                    Finding(
                        **at,
                        check=check,
                        status="drift",
                        message=_summary(differences(config, live[config_id])),
                        expected=config,
                        actual=live[config_id],
                    )
                )
            else:
                found.append(Finding(**at, check=check, status="ok", message="as the spec says"))
        for config_id in sorted(set(live) - set(expected)):
            found.append(
                Finding(
                    **at,
                    check=f"intelligent-tiering {config_id}",
                    status="drift",
                    message="not in the spec",
                    expected=None,
                    actual=live[config_id],
                )
            )
        if not expected and not live:
            found.append(
                Finding(**at, check="intelligent-tiering", status="ok", message="none, as the spec says")
            )
        return found

    def unmanaged_buckets(self, place: Place, prefix: str, page_size: int) -> list[Finding]:
        planned = set(self.planned.buckets())
        s3 = self.client("s3", place)
        try:
            names = [
                b["Name"]
                for page in pages(s3, "list_buckets", page_size=page_size, Prefix=prefix)
                for b in page["Buckets"]
            ]
        except (BotoCoreError, ClientError) as error:
            return [self.error("s3", f"{prefix}*", place, "unmanaged", error, "s3:ListBuckets")]
        return [
            Finding(
                "s3",
                name,
                place.account,
                "global",
                "unmanaged",
                "unmanaged",
                f"has the environment's name prefix {prefix} but is not in the spec",
            )
            for name in sorted(set(names) - planned)
        ]

    # --- eks ------------------------------------------------------------------------------

    def cluster(self, cluster: dict[str, Any], groups: list[dict[str, Any]]) -> list[Finding]:
        place = self.planned.place(cluster)
        name = cluster["inputs"]["name"]
        eks = self.client("eks", place)
        at = {"service": "eks", "account": place.account, "region": place.region}
        try:
            eks.describe_cluster(name=name)
            names = [
                n for page in pages(eks, "list_nodegroups", clusterName=name) for n in page["nodegroups"]
            ]
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return [
                    Finding(
                        **at,
                        resource=name,
                        check="exists",
                        status="missing",
                        message=f"the spec has it, with {len(groups)} node groups; not found",
                    )
                ]
            return [self.error("eks", name, place, "exists", error, "eks:DescribeCluster")]
        except BotoCoreError as error:
            return [self.error("eks", name, place, "exists", error, "eks:DescribeCluster")]
        found = [Finding(**at, resource=name, check="exists", status="ok", message="exists")]
        matched: set[str] = set()
        for group in groups:
            logical = logical_name(group)
            live_names = sorted(
                n for n in names if autonamed(logical, n) or n == group["inputs"].get("nodeGroupName")
            )
            matched.update(live_names)
            if not live_names:
                found.append(
                    Finding(
                        **at,
                        resource=f"{name}/{logical}-*",
                        check="exists",
                        status="missing",
                        message="the spec has this node group; not found",
                    )
                )
            for live_name in live_names:
                try:
                    live = eks.describe_nodegroup(clusterName=name, nodegroupName=live_name)["nodegroup"]
                    found += self._node_group(
                        group["inputs"], live, place, {**at, "resource": f"{name}/{live_name}"}
                    )
                except (BotoCoreError, ClientError) as error:  # DescribeNodegroup, or EC2's launch template
                    call = self.failed(error, "eks:DescribeNodegroup")
                    found.append(self.error("eks", f"{name}/{live_name}", place, "exists", error, call))
        for extra in sorted(set(names) - matched):
            found.append(
                Finding(
                    **at,
                    resource=f"{name}/{extra}",
                    check="unmanaged",
                    status="unmanaged",
                    message="a node group the spec does not have",
                )
            )
        return found

    def _instance_types(
        self, planned: Mapping[str, Any], live: Mapping[str, Any], place: Place
    ) -> tuple[list, list]:
        """Planned and live instance types; a group without any (a Capacity Block's) has its one
        type in its launch template, read from the plan and from EC2."""
        if planned.get("instanceTypes"):
            return list(planned["instanceTypes"]), list(live.get("instanceTypes") or [])
        planned_template = (planned.get("launchTemplate") or {}).get("id")
        expected = [
            t["inputs"]["instanceType"]
            for t in self.planned.resources(LAUNCH_TEMPLATE, "compute")
            if t.get("id") == planned_template and t["inputs"].get("instanceType")
        ]
        template = live.get("launchTemplate") or {}
        if not template.get("id"):
            return expected, list(live.get("instanceTypes") or [])
        ec2 = self.client("ec2", place)
        versions = ec2.describe_launch_template_versions(
            LaunchTemplateId=template["id"], Versions=[str(template.get("version", "$Default"))]
        )["LaunchTemplateVersions"]
        actual = [
            v["LaunchTemplateData"]["InstanceType"]
            for v in versions
            if v["LaunchTemplateData"].get("InstanceType")
        ]
        return expected, actual

    def _node_group(
        self, planned: Mapping[str, Any], live: Mapping[str, Any], place: Place, at: dict[str, str]
    ) -> list[Finding]:
        def taints(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
            return sorted(
                ({"key": t["key"], "value": t.get("value"), "effect": t["effect"]} for t in items),
                key=lambda t: (t["key"], t["effect"]),
            )

        scaling, live_scaling = planned.get("scalingConfig", {}), live.get("scalingConfig", {})
        checks = {
            "instance-types": self._instance_types(planned, live, place),
            "capacity-type": (planned.get("capacityType", "ON_DEMAND"), live.get("capacityType")),
            "taints": (taints(planned.get("taints", [])), taints(live.get("taints") or [])),
            "scaling": (
                {"minSize": scaling.get("minSize"), "maxSize": scaling.get("maxSize")},
                {"minSize": live_scaling.get("minSize"), "maxSize": live_scaling.get("maxSize")},
            ),
        }
        found = []
        for check, (expected, actual) in checks.items():
            if expected == actual:
                found.append(Finding(**at, check=check, status="ok", message="as the spec says"))
            else:
                message = (
                    _summary(differences(expected, actual))
                    if isinstance(expected, dict)
                    else (f"expected {_show(expected)}, found {_show(actual)}")
                )
                found.append(
                    Finding(
                        **at, check=check, status="drift", message=message, expected=expected, actual=actual
                    )
                )
        return found

    # --- ecr ------------------------------------------------------------------------------

    def registry(
        self, place: Place, repositories: list[dict[str, Any]], scanning: list[dict[str, Any]]
    ) -> list[Finding]:
        ecr = self.client("ecr", place)
        found: list[Finding] = []
        at = {"service": "ecr", "account": place.account, "region": place.region}
        if repositories:
            try:
                live = {
                    r["repositoryName"]: r
                    for page in pages(ecr, "describe_repositories")
                    for r in page["repositories"]
                }
            except (BotoCoreError, ClientError) as error:
                return [self.error("ecr", "repositories", place, "exists", error, "ecr:DescribeRepositories")]
            for planned in repositories:
                found += self._repository(planned["inputs"], live.get(planned["inputs"]["name"]), place, at)
        for planned in scanning:
            try:
                config = ecr.get_registry_scanning_configuration()["scanningConfiguration"]
            except (BotoCoreError, ClientError) as error:
                found.append(
                    self.error(
                        "ecr", "registry", place, "scanning", error, "ecr:GetRegistryScanningConfiguration"
                    )
                )
                continue
            expected = _scanning(planned["inputs"])
            actual = _scanning(config)
            found.append(
                Finding(**at, resource="registry", check="scanning", status="ok", message="as the spec says")
                if expected == actual
                else Finding(
                    **at,
                    resource="registry",
                    check="scanning",
                    status="drift",
                    message=_summary(differences(expected, actual)),
                    expected=expected,
                    actual=actual,
                )
            )
        return found

    def _repository(
        self, planned: Mapping[str, Any], live: Mapping[str, Any] | None, place: Place, at: dict[str, str]
    ) -> list[Finding]:
        name = planned["name"]
        if live is None:
            return [
                Finding(
                    **at,
                    resource=name,
                    check="exists",
                    status="missing",
                    message="the spec has it; not found",
                )
            ]
        encryption = (planned.get("encryptionConfigurations") or [{}])[0]
        live_encryption = live.get("encryptionConfiguration") or {}
        checks = {
            "tag-mutability": (planned.get("imageTagMutability", "MUTABLE"), live.get("imageTagMutability")),
            "scan-on-push": (
                bool((planned.get("imageScanningConfiguration") or {}).get("scanOnPush", False)),
                bool((live.get("imageScanningConfiguration") or {}).get("scanOnPush", False)),
            ),
            "encryption": (
                {
                    "type": encryption.get("encryptionType", "AES256"),
                    "key": self.planned_key(encryption.get("kmsKey")),
                },
                {
                    "type": live_encryption.get("encryptionType"),
                    "key": self.live_key(live_encryption.get("kmsKey"), place),
                },
            ),
        }
        found = [Finding(**at, resource=name, check="exists", status="ok", message="exists")]
        for check, (expected, actual) in checks.items():
            if expected == actual:
                found.append(
                    Finding(**at, resource=name, check=check, status="ok", message="as the spec says")
                )
            else:
                found.append(
                    Finding(
                        **at,
                        resource=name,
                        check=check,
                        status="drift",
                        message=f"expected {_show(expected)}, found {_show(actual)}",
                        expected=expected,
                        actual=actual,
                    )
                )
        return found

    # --- budgets --------------------------------------------------------------------------

    def budgets(self, account: str, planned: list[dict[str, Any]]) -> list[Finding]:
        place = Place(account, "global")
        client = self.ctx.client("budgets", BUDGETS_REGION, self.ids[account])
        try:
            live = {
                b["BudgetName"]: b
                for page in pages(client, "describe_budgets", AccountId=self.ids[account])
                for b in page.get("Budgets", [])
            }
        except ClientError as error:
            if _code(error) != "NotFoundException":  # what Budgets answers for an account without any
                return [self.error("budgets", "budgets", place, "exists", error, "budgets:DescribeBudgets")]
            live = {}
        except BotoCoreError as error:
            return [self.error("budgets", "budgets", place, "exists", error, "budgets:DescribeBudgets")]
        at = {"service": "budgets", "account": account, "region": "global"}
        found = []
        for budget in planned:
            inputs, logical = budget["inputs"], logical_name(budget)
            name = inputs.get("name", logical)
            matches = (
                [n for n in live if n == name or autonamed(logical, n)]
                if autonamed(logical, name)
                else ([name] if name in live else [])
            )
            if not matches:
                found.append(
                    Finding(
                        **at,
                        resource=name,
                        check="exists",
                        status="missing",
                        message="the spec has this budget; not found",
                    )
                )
                continue
            live_name = matches[0]
            try:
                alerts = [
                    n
                    for page in pages(
                        client,
                        "describe_notifications_for_budget",
                        AccountId=self.ids[account],
                        BudgetName=live_name,
                    )
                    for n in page.get("Notifications", [])
                ]
            except (BotoCoreError, ClientError) as error:
                found.append(
                    self.error(
                        "budgets", live_name, place, "alerts", error, "budgets:DescribeNotificationsForBudget"
                    )
                )
                continue
            for check, (expected, actual) in _budget_checks(inputs, live[live_name], alerts).items():
                if expected == actual:
                    found.append(
                        Finding(
                            **at, resource=live_name, check=check, status="ok", message="as the spec says"
                        )
                    )
                else:
                    found.append(
                        Finding(
                            **at,
                            resource=live_name,
                            check=check,
                            status="drift",
                            message=_summary(differences(expected, actual)),
                            expected=expected,
                            actual=actual,
                        )
                    )
        return found


def _budget_checks(
    inputs: Mapping[str, Any], live: Mapping[str, Any], alerts: list[Mapping[str, Any]]
) -> dict[str, tuple[Any, Any]]:
    """(expected, actual) per budget check: its limit and period, what it counts, when it alerts
    (the alerts' subscribers are not compared)."""
    limit = live.get("BudgetLimit") or {}
    return {
        "limit": (
            {"type": inputs.get("budgetType"), "amount": _amount(inputs.get("limitAmount")),
             "unit": inputs.get("limitUnit"), "period": inputs.get("timeUnit")},
            {"type": live.get("BudgetType"), "amount": _amount(limit.get("Amount")),
             "unit": limit.get("Unit"), "period": live.get("TimeUnit")},
        ),
        "cost-filters": (
            {f["name"]: sorted(f["values"]) for f in inputs.get("costFilters") or []},
            {name: sorted(values) for name, values in (live.get("CostFilters") or {}).items()},
        ),
        "alerts": (
            sorted(
                [n.get("notificationType"), n.get("comparisonOperator"), _amount(n.get("threshold")),
                 n.get("thresholdType", "PERCENTAGE")]
                for n in inputs.get("notifications") or []
            ),
            sorted(
                [n.get("NotificationType"), n.get("ComparisonOperator"), _amount(n.get("Threshold")),
                 n.get("ThresholdType", "PERCENTAGE")]
                for n in alerts
            ),
        ),
    }  # fmt: skip


@dataclass(frozen=True)
class _Task:
    """One check group, run by a worker thread: whatever AWS answers, it ends in findings."""

    service: str
    resource: str
    place: Place
    check: Callable[[], list[Finding]]

    def run(self, audit: _Audit) -> list[Finding]:
        audit.ctx.forget_last_call()
        where = audit.where(self.place)
        try:
            return self.check()
        except AwsProblem as problem:
            line = problem.line
        except (BotoCoreError, ClientError) as error:
            line = explain(error, call=audit.failed(error, f"{self.service}:(read)"), where=where).line
        except Exception as error:  # an answer the check did not expect: this group fails, the run goes on
            call = audit.ctx.last_call()
            line = (
                f"{where}: the {self.service} checks of {self.resource} stopped"
                + (f" after {call}" if call else "")
                + f": {type(error).__name__}: {error}; the other checks ran"
            )
        return [
            Finding(self.service, self.resource, self.place.account, self.place.region, "read", "error", line)
        ]


def _get_operation(type_: str) -> str:
    return "".join(part.capitalize() for part in s3_api.APIS[type_].get.split("_"))


def _amount(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _describe(type_: str, expected: Mapping[str, Any]) -> str:
    if type_ == s3_api.LIFECYCLE:
        return f"{len(expected['Rules'])} lifecycle rules"
    return str(_show(expected))


def _scanning(config: Mapping[str, Any]) -> dict[str, Any]:
    """A registry scanning configuration (pulumi inputs or the ECR response) in one comparable shape."""
    rules = []
    for rule in config.get("rules") or []:
        filters = sorted((f["filter"], f["filterType"]) for f in rule.get("repositoryFilters") or [])
        rules.append({"scanFrequency": rule.get("scanFrequency"), "filters": [list(f) for f in filters]})
    return {
        "scanType": config.get("scanType"),
        "rules": sorted(rules, key=lambda r: (r["scanFrequency"], r["filters"])),
    }


def run(
    planned: Planned,
    ctx: AwsContext,
    account_ids: Mapping[str, str],
    *,
    role_name: str,
    page_size: int = LIST_BUCKETS_PAGE,
) -> Report:
    """Audit every planned resource, `ctx.workers` checks at a time; findings sorted by service and resource."""
    started = time.perf_counter()
    env = planned.spec.env
    audit = _Audit(planned, ctx, account_ids)
    findings: list[Finding] = []
    notes: list[str] = []

    data_buckets = planned.buckets("data")
    configurations: dict[str, list[dict[str, Any]]] = {name: [] for name in data_buckets}
    for type_ in S3_CHECKS:
        for resource in planned.resources(type_, "data"):
            configurations.setdefault(s3_api.bucket(resource), []).append(resource)
    clusters = list(planned.resources(CLUSTER, "compute"))
    groups = list(planned.resources(NODE_GROUP, "compute"))
    repositories = list(planned.resources(REPOSITORY, "registry"))
    scanning = list(planned.resources(REGISTRY_SCANNING, "registry"))
    budgets = list(planned.resources(BUDGET))
    if not budgets:
        notes.append(
            "budgets: the plan has no aws:budgets/budget:Budget resource (the spec declares no budgets); none checked"
        )

    accounts = {place.account for place in data_buckets.values()}
    accounts |= {planned.place(r).account for r in [*clusters, *repositories, *scanning, *budgets]}
    data_account = env.accounts["data"].account
    accounts.add(data_account)
    unreachable: dict[str, str] = {}
    for account in sorted(accounts):
        try:
            role_arn = ctx.assume(account_ids[account], role_name)
        except AwsProblem as problem:
            unreachable[account] = problem.line
        else:
            findings.append(Finding("access", role_arn, account, "global", "role", "ok", "assumed"))

    tasks: list[_Task] = []
    for name, place in sorted(data_buckets.items()):
        tasks.append(
            _Task("s3", name, place, lambda n=name, p=place: audit.bucket(n, p, configurations.get(n, [])))
        )
    data_home = Place(data_account, env.accounts["data"].regions[0])
    prefix = f"{planned.prefix}-"
    tasks.append(
        _Task("s3", f"{prefix}*", data_home, lambda: audit.unmanaged_buckets(data_home, prefix, page_size))
    )
    for cluster in clusters:
        name = cluster["inputs"]["name"]
        mine = [g for g in groups if g["inputs"]["clusterName"] == name]
        tasks.append(
            _Task("eks", name, planned.place(cluster), lambda c=cluster, g=mine: audit.cluster(c, g))
        )
    registries: dict[Place, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}
    for r in repositories:
        registries.setdefault(planned.place(r), ([], []))[0].append(r)
    for r in scanning:
        registries.setdefault(planned.place(r), ([], []))[1].append(r)
    for place, (repos, scans) in sorted(registries.items()):
        tasks.append(
            _Task("ecr", "registry", place, lambda p=place, r=repos, s=scans: audit.registry(p, r, s))
        )
    by_account: dict[str, list[dict[str, Any]]] = {}
    for budget in budgets:
        by_account.setdefault(planned.place(budget).account, []).append(budget)
    for account, planned_budgets in sorted(by_account.items()):
        place = Place(account, "global")
        tasks.append(
            _Task("budgets", "budgets", place, lambda a=account, b=planned_budgets: audit.budgets(a, b))
        )

    runnable = [task for task in tasks if task.place.account not in unreachable]
    with ThreadPoolExecutor(max_workers=ctx.workers, thread_name_prefix="audit") as pool:
        for result in pool.map(lambda task: task.run(audit), runnable):
            findings.extend(result)
    for account, line in sorted(unreachable.items()):
        skipped = sum(1 for task in tasks if task.place.account == account)
        role_arn = f"arn:aws:iam::{account_ids[account]}:role/{role_name}"
        findings.append(
            Finding(
                "access",
                role_arn,
                account,
                "global",
                "role",
                "error",
                f"{line}; {skipped} check groups of this account not run",
            )
        )
    findings.sort(key=lambda f: (SERVICES.index(f.service), f.resource, f.region, f.check, f.status))
    return Report(env.name, findings, notes, Counter(ctx.calls), time.perf_counter() - started)
