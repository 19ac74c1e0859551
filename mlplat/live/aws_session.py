"""AWS access for `mlplat preflight` and `mlplat audit`: sessions, assumed roles, retries, paging, errors.

One boto3 session (the caller's: a profile or the default credential chain) builds every client,
under a lock, because sessions are not thread-safe; clients are, so the checks share them across
the worker threads. Each account is reached through a role the spec names (the environment's
deploy role, or `--role-name`), assumed once with STS; its temporary credentials are passed to
the clients of that account, so the service models are loaded once for the whole run.

Every client retries with botocore's own retry handler (`adaptive` mode by default: exponential
backoff with jitter on throttling and transient errors, plus a client-side token bucket that
slows down when AWS throttles), so a run of many parallel checks stays within AWS's rate limits.
An error that survives the retries becomes one `AwsProblem` line, never a traceback.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    CredentialRetrievalError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
    TokenRetrievalError,
)
from botocore.exceptions import (
    ConnectionError as EndpointError,
)

RETRY_MODES = ("adaptive", "standard")
DEFAULT_MAX_ATTEMPTS = 10
"""Attempts per call, the first included: enough to ride out bursts of throttling in a large account."""
DEFAULT_WORKERS = 8
"""Concurrent checks; each is a handful of calls, well under the per-account API rate limits."""

THROTTLING = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
    }
)
ACCESS_DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "Forbidden",
        "403",
    }
)
REGION_DISABLED = frozenset({"RegionDisabledException", "OptInRequired", "InvalidRegion"})
"""What AWS answers in a region the account has not enabled (STS, EC2 and others)."""
CREDENTIALS_REJECTED = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "AuthFailure",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
    }
)
"""Credentials refused: expired or wrong, or (the same answer) used in an opt-in region that is not enabled."""

# IAM actions whose name is not `<service prefix>:<operation name>`.
_IAM_ACTIONS = {
    "s3:HeadBucket": "s3:ListBucket",
    "s3:ListBuckets": "s3:ListAllMyBuckets",
    "s3:GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "s3:GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "s3:ListBucketIntelligentTieringConfigurations": "s3:GetIntelligentTieringConfiguration",
    "s3:GetObjectLockConfiguration": "s3:GetBucketObjectLockConfiguration",
    "budgets:DescribeBudgets": "budgets:ViewBudget",
    "budgets:DescribeNotificationsForBudget": "budgets:ViewBudget",
    "service-quotas:GetServiceQuota": "servicequotas:GetServiceQuota",
    "service-quotas:GetAWSDefaultServiceQuota": "servicequotas:GetAWSDefaultServiceQuota",
}


def iam_action(service: str, operation: str) -> str:
    """The IAM action that authorizes a call, e.g. ("s3", "HeadBucket") -> s3:ListBucket."""
    name = f"{service}:{operation}"
    return _IAM_ACTIONS.get(name, name)


CALLER_CALLS = ("sts:GetCallerIdentity", "sts:AssumeRole", "organizations:ListAccounts")
"""What the caller itself calls: who it is, the role in each account, and (without --account-id) the
organization's accounts. Everything else is called as the role assumed in the account."""


def read_only_policy(calls: Iterable[str], sid: str) -> dict[str, Any]:
    """The IAM policy that allows exactly these `service:Operation` calls, on every resource."""
    actions = sorted({iam_action(*call.split(":", 1)) for call in calls})
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": "*"}],
    }


class AwsProblem(Exception):
    """An AWS call that failed for good; `kind` says why, `line` says it in one line.

    Kinds: credentials, access-denied, throttled, region-disabled, unreachable, not-found, error, and
    input (what the command was given cannot work, e.g. an account id that cannot be resolved)."""

    def __init__(self, kind: str, line: str, code: str = "") -> None:
        super().__init__(line)
        self.kind, self.line, self.code = kind, line, code


def explain(error: Exception, *, call: str, where: str) -> AwsProblem:
    """One line for an exception of botocore: what failed (`call`), where (account and region), why,
    and what to do. `call` is `service:Operation`."""
    if isinstance(error, AwsProblem):
        return error
    if isinstance(error, ProfileNotFound):
        return AwsProblem(
            "credentials", f"{where}: {error}; list profiles with `aws configure list-profiles`"
        )
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return AwsProblem(
            "credentials",
            f"{where}: {call}: no AWS credentials found; set AWS_PROFILE (or --profile), "
            "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`",
        )
    if isinstance(error, CredentialRetrievalError | TokenRetrievalError):
        return AwsProblem("credentials", f"{where}: {call}: cannot load credentials: {error}")
    if isinstance(error, NoRegionError):
        return AwsProblem("error", f"{where}: {call}: no region given")
    if isinstance(error, EndpointError | ReadTimeoutError):
        return AwsProblem("unreachable", f"{where}: {call}: cannot reach the AWS endpoint: {error}")
    if isinstance(error, ClientError):
        return _explain_client_error(error, call=call, where=where)
    if isinstance(error, BotoCoreError):
        return AwsProblem("error", f"{where}: {call}: {error}")
    raise error


def _explain_client_error(error: ClientError, *, call: str, where: str) -> AwsProblem:
    info = error.response.get("Error", {})
    code = str(info.get("Code", ""))
    message = str(info.get("Message", "")).strip() or code
    attempts = error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)
    service = call.split(":", 1)[0]
    operation = call.split(":", 1)[-1]
    if code in THROTTLING:
        return AwsProblem(
            "throttled",
            f"{where}: {call}: throttled by AWS ({code}) after {attempts + 1} attempts with backoff; "
            "rerun later, with fewer --workers or more --max-attempts",
            code,
        )
    if code in ACCESS_DENIED:
        return AwsProblem(
            "access-denied",
            f"{where}: {call}: access denied; the role needs {iam_action(service, operation)}"
            + ("" if message in (code, "Forbidden") else f" ({message})"),
            code,
        )
    if code in REGION_DISABLED:
        return AwsProblem(
            "region-disabled",
            f"{where}: {call}: the region is not enabled for the account ({code}); enable it under Account "
            "settings > AWS Regions, or `aws account enable-region`",
            code,
        )
    if code in CREDENTIALS_REJECTED:
        return AwsProblem(
            "credentials",
            f"{where}: {call}: the credentials were refused ({code}: {message}); they are expired or "
            "invalid, or the region is an opt-in region the account has not enabled",
            code,
        )
    if code in ("404", "NoSuchBucket", "NotFound", "ResourceNotFoundException", "NoSuchEntity"):
        return AwsProblem("not-found", f"{where}: {call}: not found ({message})", code)
    return AwsProblem("error", f"{where}: {call}: {code}: {message}", code)


def failed_call(error: Exception, *, last: str | None, default: str) -> str:
    """The `service:Operation` whose call raised `error`, for its one line: the last call this thread
    made (`AwsContext.last_call`) when botocore's `error.operation_name` agrees with it (or the error
    names no operation: a connection error); else `error.operation_name` under `default`'s service;
    else `default`."""
    operation = getattr(error, "operation_name", None)
    if last and (not operation or last.endswith(f":{operation}")):
        return last
    if operation:
        return f"{default.split(':', 1)[0]}:{operation}"
    return default


def client_config(
    *, retry_mode: str = "adaptive", max_attempts: int = DEFAULT_MAX_ATTEMPTS, pool: int = 16
) -> Config:
    """The botocore configuration of every client: retries with backoff, bounded timeouts and a
    connection pool as large as the worker pool (one connection per concurrent check)."""
    return Config(
        # `total_max_attempts` counts the first attempt too; botocore's `max_attempts` would count retries.
        retries={"mode": retry_mode, "total_max_attempts": max_attempts},
        connect_timeout=10,
        read_timeout=60,
        max_pool_connections=pool,
        user_agent_extra="mlplat",
    )


class AwsContext:
    """The caller's session, the roles assumed in each account, and every client, built under a lock."""

    def __init__(
        self,
        *,
        profile: str | None = None,
        home_region: str = "us-east-1",
        retry_mode: str = "adaptive",
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        workers: int = DEFAULT_WORKERS,
        session_name: str = "mlplat",
        session: boto3.Session | None = None,
    ) -> None:
        """`session`: the caller's session to build clients from, when one exists already (its loaded
        service models are reused); by default a new one for `profile`."""
        try:
            self._session = session or boto3.Session(profile_name=profile)
        except ProfileNotFound as error:
            raise explain(error, call="sts:GetCallerIdentity", where="caller") from None
        self.home_region = home_region
        self.workers = workers
        self.session_name = session_name
        self._config = client_config(retry_mode=retry_mode, max_attempts=max_attempts, pool=max(workers, 10))
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str, str | None], Any] = {}
        self._credentials: dict[str, dict[str, str]] = {}
        self.calls: Counter[str] = Counter()
        """`service:Operation` -> API calls made (pages and retries aside: one per call the code makes)."""
        self._thread = threading.local()

    def _count(self, model: Any, **_: Any) -> None:
        call = f"{model.service_model.service_name}:{model.name}"
        self._thread.call = call
        with self._lock:
            self.calls[call] += 1

    def last_call(self) -> str | None:
        """The last `service:Operation` this thread called since `forget_last_call` (None: none)."""
        return getattr(self._thread, "call", None)

    def forget_last_call(self) -> None:
        """Start a new check on this thread: no call of an earlier check is taken for one of its own."""
        self._thread.call = None

    def client(self, service: str, region: str, account_id: str | None = None) -> Any:
        """A client in `region`, signed as the role assumed in `account_id` (the caller when None)."""
        key = (service, region, account_id)
        with self._lock:
            if key not in self._clients:
                credentials = self._credentials[account_id] if account_id is not None else {}
                client = self._session.client(service, region_name=region, config=self._config, **credentials)
                client.meta.events.register("before-call", self._count)
                self._clients[key] = client
            return self._clients[key]

    def caller_identity(self) -> dict[str, str]:
        """Who the caller is (sts:GetCallerIdentity); raises an `AwsProblem` without usable credentials."""
        try:
            found = self.client("sts", self.home_region).get_caller_identity()
        except (BotoCoreError, ClientError) as error:
            raise explain(error, call="sts:GetCallerIdentity", where="caller") from None
        return {"account": found["Account"], "arn": found["Arn"]}

    def assume(self, account_id: str, role_name: str) -> str:
        """Assume `role_name` in `account_id` for the clients of that account; returns the role ARN."""
        role_arn = f"arn:aws:iam::{account_id}:role/{role_name}"
        sts = self.client("sts", self.home_region)
        try:
            credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName=self.session_name)["Credentials"]
        except (BotoCoreError, ClientError) as error:
            raise explain(error, call="sts:AssumeRole", where=role_arn) from None
        with self._lock:
            self._credentials[account_id] = {
                "aws_access_key_id": credentials["AccessKeyId"],
                "aws_secret_access_key": credentials["SecretAccessKey"],
                "aws_session_token": credentials["SessionToken"],
            }
        return role_arn

    def can_reach(self, account_id: str) -> bool:
        with self._lock:
            return account_id in self._credentials


def pages(
    client: Any, operation: str, *, page_size: int | None = None, **params: Any
) -> Iterator[dict[str, Any]]:
    """Every page of a list call, through botocore's paginator (which follows each API's own token)."""
    config = {"PageSize": page_size} if page_size else {}
    yield from client.get_paginator(operation).paginate(**params, PaginationConfig=config)


def resolve_account_ids(
    ctx: AwsContext, emails: Mapping[str, str], given: Mapping[str, str]
) -> dict[str, str]:
    """Account key -> id for every key of `emails`: from `given` (--account-id KEY=ID), the rest from
    AWS Organizations (organizations:ListAccounts, by the e-mail address in environments/org.yaml; the
    caller must be in the management account or a delegated administrator)."""
    found = {key: given[key] for key in emails if key in given}
    missing = [key for key in emails if key not in found]
    if not missing:
        return found
    client = ctx.client("organizations", "us-east-1")
    try:
        by_email = {
            account["Email"].lower(): account["Id"]
            for page in pages(client, "list_accounts")
            for account in page["Accounts"]
        }
    except (BotoCoreError, ClientError) as error:
        problem = explain(error, call="organizations:ListAccounts", where="caller")
        raise AwsProblem(
            "input",
            f"cannot resolve the account ids of {', '.join(missing)}: {problem.line}; "
            f"or pass --account-id KEY=ID for each",
        ) from None
    unknown = []
    for key in missing:
        account_id = by_email.get(emails[key].lower())
        if account_id is None:
            unknown.append(f"{key} ({emails[key]})")
        else:
            found[key] = account_id
    if unknown:
        raise AwsProblem(
            "input",
            f"no account of the organization has the e-mail address of {', '.join(unknown)} "
            "(environments/org.yaml); deploy the `org` stack first, or pass --account-id KEY=ID",
        )
    return found
