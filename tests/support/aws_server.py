"""moto as a real HTTP server on loopback, for the tests of `mlplat preflight` and `mlplat audit`.

`ThreadedMotoServer` serves moto's backends over HTTP from a thread of the test process: the code
under test talks to it through boto3 exactly as to AWS (signing, serialization, retries, paging), via
`AWS_ENDPOINT_URL`, and the tests reach the same backends to seed and inspect accounts. Accounts are
separated the way moto documents (docs/multi_account.rst of getmoto/moto): credentials returned by
`sts:AssumeRole` act in the account of the role's ARN, and the role does not need to exist.

moto 5.2.5 lacks some behaviour these tests need; `MotoServer` adds it for as long as the server runs,
each as AWS documents it, and nothing else:
- EC2 vCPU quotas in Service Quotas (moto knows only VPC quotas): values per (account, region, code),
  AWS's defaults for a new account otherwise (5 vCPUs of Standard instances, 0 of the others);
- an AssumeRole that IAM refuses (moto grants every AssumeRole): `deny_role(arn)`;
- ListBuckets pages (moto cuts at MaxBuckets but never returns a ContinuationToken);
- Intelligent-Tiering configurations (moto routes their PUT to CreateBucket and answers GET and LIST
  with nothing);
- throttling: `throttle(operation, times)` makes the next calls answer RequestLimitExceeded or
  ThrottlingException, as AWS does under load.
"""

from __future__ import annotations

import logging
import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.s3.exceptions import S3ClientError
from moto.s3.responses import S3Response
from moto.server import ThreadedMotoServer
from moto.servicequotas.models import ServiceQuotasBackend
from moto.sts.models import STSBackend

QUOTA_NAMES = {
    "L-1216C47A": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
    "L-34B43A08": "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests",
    "L-DB2E81BA": "Running On-Demand G and VT instances",
    "L-3819A6DF": "All G and VT Spot Instance Requests",
    "L-417A185B": "Running On-Demand P instances",
    "L-7212CCBC": "All P Spot Instance Requests",
    "L-6E869C2A": "Running On-Demand DL instances",
    "L-85EED4F7": "All DL Spot Instance Requests",
}
NEW_ACCOUNT_QUOTAS = {"L-1216C47A": 5.0, "L-34B43A08": 5.0}
"""What a new AWS account gets; every GPU and DL quota starts at 0 vCPUs."""


class _Refused(ServiceException):
    pass


@contextmanager
def served() -> Iterator[MotoServer]:
    """A started server, with the added behaviour, and this process's AWS settings pointing at it:
    fake credentials, `AWS_ENDPOINT_URL`, no config files or instance metadata. `server.session` is a
    boto3 session for the tests to share (service models load once)."""
    import os

    import boto3

    fake = MotoServer()
    fake.start()
    try:
        with pytest.MonkeyPatch.context() as env, fake.patched():
            for name in [n for n in os.environ if n.startswith("AWS_")]:
                env.delenv(name)
            env.setenv("AWS_ENDPOINT_URL", fake.url)
            env.setenv("AWS_ACCESS_KEY_ID", "testing")
            env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
            env.setenv("AWS_CONFIG_FILE", "/nonexistent")
            env.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            env.setenv("AWS_EC2_METADATA_DISABLED", "true")
            env.setenv("MOTO_S3_ALLOW_CROSSACCOUNT_ACCESS", "false")  # another account's bucket: 403
            env.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # no AMI is needed: faster EC2 backends
            fake.session = boto3.Session()
            yield fake
    finally:
        fake.stop()


class MotoServer:
    """One moto server and the behaviour added to it; `reset()` empties every backend between tests."""

    def __init__(self) -> None:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.quotas: dict[tuple[str, str, str], float] = {}
        self.denied: set[str] = set()
        self.throttles: dict[str, int] = {}
        self._lock = threading.Lock()
        self.url = ""
        self.session: Any = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> None:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"

    def stop(self) -> None:
        self._server.stop()

    def reset(self) -> None:
        """moto's reset API (every backend, every account), and the added state."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        self.quotas.clear()
        self.denied.clear()
        self.throttles.clear()

    # --- what the tests set ----------------------------------------------------------------

    def set_quota(self, account_id: str, region: str, code: str, value: float) -> None:
        self.quotas[account_id, region, code] = value

    def deny_role(self, role_arn: str) -> None:
        self.denied.add(role_arn)

    def throttle(self, operation: str, times: int) -> None:
        """The next `times` calls of `operation` (e.g. ec2:DescribeInstanceTypeOfferings) are throttled."""
        self.throttles[operation] = times

    def _throttled(self, operation: str) -> bool:
        with self._lock:
            left = self.throttles.get(operation, 0)
            if left:
                self.throttles[operation] = left - 1
            return left > 0

    # --- the added behaviour ---------------------------------------------------------------

    @contextmanager
    def patched(self) -> Iterator[None]:
        server = self
        with pytest.MonkeyPatch.context() as patch:

            def get_service_quota(backend: ServiceQuotasBackend, service_code: str, quota_code: str) -> dict:
                if service_code != "ec2" or quota_code not in QUOTA_NAMES:
                    return original_quota(backend, service_code, quota_code)
                value = server.quotas.get(
                    (backend.account_id, backend.region_name, quota_code),
                    NEW_ACCOUNT_QUOTAS.get(quota_code, 0.0),
                )
                return {
                    "ServiceCode": "ec2",
                    "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
                    "QuotaCode": quota_code,
                    "QuotaName": QUOTA_NAMES[quota_code],
                    "Value": value,
                    "Unit": "None",
                    "Adjustable": True,
                    "GlobalQuota": False,
                }

            def assume_role(backend: STSBackend, **kwargs: Any) -> Any:
                role_arn = kwargs["role_arn"]
                if role_arn in server.denied:
                    raise _Refused(
                        "AccessDenied",
                        f"User: arn:aws:iam::{backend.account_id}:user/ci is not authorized to perform: "
                        f"sts:AssumeRole on resource: {role_arn}",
                    )
                return original_assume(backend, **kwargs)

            def throttled(operation: str, code: str, original: Any) -> Any:
                def call(*args: Any, **kwargs: Any) -> Any:
                    if server._throttled(operation):
                        raise _Refused(code, "Rate exceeded")
                    return original(*args, **kwargs)

                return call

            original_quota = ServiceQuotasBackend.get_service_quota
            original_assume = STSBackend.assume_role
            patch.setattr(ServiceQuotasBackend, "get_service_quota", get_service_quota)
            patch.setattr(STSBackend, "assume_role", assume_role)
            from moto.ec2.models import EC2Backend
            from moto.eks.models import EKSBackend

            patch.setattr(
                EC2Backend,
                "describe_instance_type_offerings",
                throttled(
                    "ec2:DescribeInstanceTypeOfferings",
                    "RequestLimitExceeded",
                    EC2Backend.describe_instance_type_offerings,
                ),
            )
            patch.setattr(
                EKSBackend,
                "describe_nodegroup",
                throttled("eks:DescribeNodegroup", "ThrottlingException", EKSBackend.describe_nodegroup),
            )
            patch.setattr(
                EC2Backend,
                "describe_launch_template_versions",
                throttled(
                    "ec2:DescribeLaunchTemplateVersions",
                    "RequestLimitExceeded",
                    EC2Backend.describe_launch_template_versions,
                ),
            )
            patch.setattr(S3Response, "all_buckets", _all_buckets)
            for method in ("_bucket_response_get", "_bucket_response_put", "_bucket_response_delete"):
                patch.setattr(S3Response, method, _with_intelligent_tiering(getattr(S3Response, method)))
            yield


def _all_buckets(self: S3Response) -> Any:
    """ListBuckets with MaxBuckets and ContinuationToken, as S3 pages it (names in order)."""
    self.data["Action"] = "ListBuckets"
    self._authenticate_and_authorize_s3_action()
    prefix = self._get_param("prefix") or ""
    region = self._get_param("bucket-region")
    limit = int(self._get_param("max-buckets") or 10000)
    after = self._get_param("continuation-token") or ""
    buckets = sorted(
        (
            b
            for b in self.backend.buckets.values()
            if b.name.startswith(prefix) and (not region or b.region_name == region)
        ),
        key=lambda b: b.name,
    )
    remaining = [b for b in buckets if b.name > after]
    page = remaining[:limit]
    result: dict[str, Any] = {
        "Owner": {"ID": "bcaf1ffd86f41161ca5fb16fd081034f", "DisplayName": "webfile"},
        "Buckets": [
            {"Name": b.name, "CreationDate": b.creation_date_ISO8601, "BucketRegion": b.region_name}
            for b in page
        ],
    }
    if prefix:
        result["Prefix"] = prefix
    if len(remaining) > limit:
        result["ContinuationToken"] = page[-1].name
    return self.serialized(ActionResult(result))


def _xml(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return int(element.text) if (element.text or "").isdigit() else (element.text or "")
    found: dict[str, Any] = {}
    for child in children:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "Tiering":
            found.setdefault("Tierings", []).append(_xml(child))
        elif tag == "Tag" and element.tag.rsplit("}", 1)[-1] == "And":
            found.setdefault("Tags", []).append(_xml(child))
        else:
            found[tag] = _xml(child)
    return found


def _with_intelligent_tiering(original: Any) -> Any:
    def handler(self: S3Response, *args: Any) -> Any:
        querystring = args[-1]
        bucket_name = args[-2]
        if "intelligent-tiering" not in querystring:
            return original(self, *args)
        bucket = self.backend.get_bucket(bucket_name)
        configs: dict[str, Any] = bucket.__dict__.setdefault("_intelligent_tiering", {})
        method = self.method
        config_id = (querystring.get("id") or [None])[0]
        if method == "PUT":
            body = self.body.decode() if isinstance(self.body, bytes) else self.body
            config = _xml(ET.fromstring(body))
            configs[config["Id"]] = config
            return 200, {}, ""
        if method == "DELETE":
            configs.pop(config_id, None)
            return 204, {}, ""
        if config_id is None:
            self.data["Action"] = "ListBucketIntelligentTieringConfigurations"
            listed = [configs[k] for k in sorted(configs)]
            return self.serialized(
                ActionResult({"IsTruncated": False, "IntelligentTieringConfigurationList": listed})
            )
        if config_id not in configs:
            raise S3ClientError("NoSuchConfiguration", "The specified configuration does not exist.")
        self.data["Action"] = "GetBucketIntelligentTieringConfiguration"
        return self.serialized(ActionResult({"IntelligentTieringConfiguration": configs[config_id]}))

    return handler


class Seeder:
    """An environment's accounts in the fake, as a deploy of its plan leaves them (with chosen drift).

    Resources the plan names by values of the mock run are given the fake's: KMS keys are created with
    the plan's aliases and every planned key ARN is replaced by the new key's; node groups get Pulumi's
    autoname (the logical name, `-` and 7 hex digits).
    """

    def __init__(self, server: MotoServer, planned: Any, account_ids: dict[str, str]) -> None:
        import boto3

        self.server, self.planned, self.ids = server, planned, account_ids
        self.session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
        self._credentials: dict[str, dict[str, str]] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self.keys: dict[str, str] = {}
        """Planned key id or ARN -> the fake key's ARN."""

    def client(self, service: str, account: str, region: str) -> Any:
        if account not in self._credentials:
            sts = self.session.client("sts", region_name="us-east-1", endpoint_url=self.server.url)
            found = sts.assume_role(
                RoleArn=f"arn:aws:iam::{self.ids[account]}:role/seed", RoleSessionName="seed"
            )
            c = found["Credentials"]
            self._credentials[account] = {
                "aws_access_key_id": c["AccessKeyId"],
                "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"],
            }
        key = (service, account, region)
        if key not in self._clients:
            self._clients[key] = self.session.client(
                service, region_name=region, endpoint_url=self.server.url, **self._credentials[account]
            )
        return self._clients[key]

    def key(self, planned: str) -> str:
        return self.keys.get(planned) or self.keys[planned.rsplit("key/", 1)[-1]]

    def kms(self) -> None:
        for alias in self.planned.resources("aws:kms/alias:Alias"):
            place = self.planned.place(alias)
            kms = self.client("kms", place.account, place.region)
            arn = kms.create_key(Description=alias["inputs"]["name"])["KeyMetadata"]["Arn"]
            kms.create_alias(AliasName=alias["inputs"]["name"], TargetKeyId=arn)
            self.keys[alias["inputs"]["targetKeyId"]] = arn

    def lake(self, *, without: Iterable[tuple[str, str]] = ()) -> None:
        """Every bucket of the data layer with its configurations, except the (bucket, S3 type) given."""
        import copy

        from mlplat.live import s3_api

        skip = set(without)
        order = (s3_api.PUBLIC_ACCESS_BLOCK, s3_api.VERSIONING, s3_api.ENCRYPTION, s3_api.LIFECYCLE,
                 s3_api.INTELLIGENT_TIERING, s3_api.OBJECT_LOCK)  # fmt: skip
        buckets = {r["id"]: r for r in self.planned.resources("aws:s3/bucket:Bucket", "data")}
        for name, bucket in buckets.items():
            place = self.planned.place(bucket)
            params: dict[str, Any] = {"Bucket": name}
            if place.region != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": place.region}
            if bucket["inputs"].get("objectLockEnabled"):
                params["ObjectLockEnabledForBucket"] = True
            self.client("s3", place.account, place.region).create_bucket(**params)
        for type_ in order:
            for resource in self.planned.resources(type_, "data"):
                name = s3_api.bucket(resource)
                if (name, type_) in skip:
                    continue
                call = s3_api.put_call(resource)
                params = copy.deepcopy(call.params)
                for rule in params.get("ServerSideEncryptionConfiguration", {}).get("Rules", []):
                    default = rule["ApplyServerSideEncryptionByDefault"]
                    if "KMSMasterKeyID" in default:
                        default["KMSMasterKeyID"] = self.key(default["KMSMasterKeyID"])
                place = self.planned.place(buckets[name])
                getattr(self.client("s3", place.account, place.region), call.operation)(**params)

    def compute(self, *, capacity: dict[str, str] | None = None) -> dict[str, str]:
        """Clusters and node groups as planned; `capacity` overrides a node group's capacity type by
        logical name. Returns logical name -> the node group's live name."""
        import hashlib

        names = {}
        for cluster in self.planned.resources("aws:eks/cluster:Cluster", "compute"):
            place = self.planned.place(cluster)
            eks = self.client("eks", place.account, place.region)
            name = cluster["inputs"]["name"]
            role = f"arn:aws:iam::{self.ids[place.account]}:role/eks"
            eks.create_cluster(name=name, roleArn=role, resourcesVpcConfig={"subnetIds": ["subnet-0a"]})
            for group in self.planned.resources("aws:eks/nodeGroup:NodeGroup", "compute"):
                inputs = group["inputs"]
                if inputs["clusterName"] != name:
                    continue
                logical = group["urn"].rsplit("::", 1)[-1]
                live = f"{logical}-{hashlib.sha256(logical.encode()).hexdigest()[:7]}"
                names[logical] = live
                extra: dict[str, Any] = (
                    {"instanceTypes": inputs["instanceTypes"]} if "instanceTypes" in inputs else {}
                )
                if not extra:  # a Capacity Block group: its one type is in its launch template
                    (template,) = [
                        t
                        for t in self.planned.resources("aws:ec2/launchTemplate:LaunchTemplate", "compute")
                        if t["id"] == inputs["launchTemplate"]["id"]
                    ]
                    ec2 = self.client("ec2", place.account, place.region)
                    created = ec2.create_launch_template(
                        LaunchTemplateName=f"{logical}-template",
                        LaunchTemplateData={"InstanceType": template["inputs"]["instanceType"]},
                    )["LaunchTemplate"]
                    extra["launchTemplate"] = {"id": created["LaunchTemplateId"], "version": "1"}
                eks.create_nodegroup(
                    clusterName=name,
                    nodegroupName=live,
                    nodeRole=role,
                    subnets=["subnet-0a"],
                    capacityType=(capacity or {}).get(logical, inputs["capacityType"]),
                    taints=inputs["taints"],
                    scalingConfig=inputs["scalingConfig"],
                    labels=inputs["labels"],
                    **extra,
                )
        return names

    def registry(self) -> None:
        for repository in self.planned.resources("aws:ecr/repository:Repository", "registry"):
            place = self.planned.place(repository)
            inputs = repository["inputs"]
            (encryption,) = inputs["encryptionConfigurations"]
            self.client("ecr", place.account, place.region).create_repository(
                repositoryName=inputs["name"],
                imageTagMutability=inputs["imageTagMutability"],
                imageScanningConfiguration=inputs["imageScanningConfiguration"],
                encryptionConfiguration={"encryptionType": "KMS", "kmsKey": self.key(encryption["kmsKey"])},
            )
        for config in self.planned.resources(
            "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration", "registry"
        ):
            place = self.planned.place(config)
            self.client("ecr", place.account, place.region).put_registry_scanning_configuration(
                scanType=config["inputs"]["scanType"], rules=config["inputs"]["rules"]
            )

    def budgets(self, budgets: Iterable[dict[str, Any]]) -> None:
        for budget in budgets:
            place = self.planned.place(budget)
            inputs = budget["inputs"]
            alerts = [
                {
                    "Notification": {
                        "NotificationType": n["notificationType"],
                        "ComparisonOperator": n["comparisonOperator"],
                        "Threshold": float(n["threshold"]),
                        "ThresholdType": n.get("thresholdType", "PERCENTAGE"),
                    },
                    "Subscribers": [
                        {"SubscriptionType": "EMAIL", "Address": a}
                        for a in n.get("subscriberEmailAddresses", [])
                    ],
                }
                for n in inputs.get("notifications") or []
            ]
            self.client("budgets", place.account, "us-east-1").create_budget(
                AccountId=self.ids[place.account],
                Budget={
                    "BudgetName": inputs["name"],
                    "BudgetLimit": {"Amount": str(inputs["limitAmount"]), "Unit": inputs["limitUnit"]},
                    "TimeUnit": inputs["timeUnit"],
                    "BudgetType": inputs["budgetType"],
                    "CostFilters": {f["name"]: f["values"] for f in inputs.get("costFilters") or []},
                },
                NotificationsWithSubscribers=alerts,
            )
