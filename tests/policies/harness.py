"""A small stand-in for the analyzer: builds pulumi_policy's own argument objects around plain dicts.

Properties are wrapped in pulumi_policy's unknown-checking proxy, as the analyzer wraps them, so a
rule that reads an unknown value raises `UnknownValueError` here as it would during a preview.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

UNKNOWN = UNKNOWN_STRING_VALUE
BASELINE_TAGS = {
    "project": "mlplatform",
    "environment": "prod",
    "layer": "data",
    "owner": "ml-platform@acme.example",
    "cost-center": "CC-4100-ML-PLATFORM",
    "managed-by": "pulumi",
}


def provider(region: str = "eu-central-1", tags: dict | None = None, **extra: Any) -> PolicyProviderResource:
    """An AWS provider as the engine sends it: its inputs, nested values as JSON strings."""
    props = {
        "region": region,
        "defaultTags": json.dumps({"tags": BASELINE_TAGS if tags is None else tags}),
        "allowedAccountIds": json.dumps(["123456789012"]),
        **extra,
    }
    urn = f"urn:pulumi:prod-data::mlplatform::pulumi:providers:aws::data-{region}"
    return PolicyProviderResource(
        "pulumi:providers:aws", unknown_checking_proxy(props), urn, f"data-{region}"
    )


def options(protect: bool = False) -> PolicyResourceOptions:
    return PolicyResourceOptions(protect, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def resource_args(
    resource_type: str,
    props: dict,
    *,
    config: dict | None = None,
    provider_resource: PolicyProviderResource | None = None,
    protect: bool = False,
    name: str = "example",
) -> ResourceValidationArgs:
    urn = f"urn:pulumi:prod::mlplatform::{resource_type}::{name}"
    return ResourceValidationArgs(
        resource_type,
        unknown_checking_proxy(copy.deepcopy(props)),
        urn,
        name,
        options(protect),
        provider_resource,
        copy.deepcopy(config) if config is not None else {},
    )


@dataclass
class Outcome:
    violations: list[tuple[str, str | None]] = field(default_factory=list)
    not_applicable: str | None = None

    @property
    def messages(self) -> list[str]:
        return [message for message, _ in self.violations]


def run(policy, args) -> Outcome:
    """Run a rule's validate with a recording report_violation; not-applicable becomes the outcome."""
    outcome = Outcome()
    try:
        policy.validate(args, lambda message, urn=None: outcome.violations.append((message, urn)))
    except _NotApplicableError as error:
        outcome.not_applicable = error.reason or ""
    return outcome


class Stack:
    """Resources of a stack for stack rules, kept as plain dicts so a test can change one thing, then built
    into pulumi_policy's PolicyResource objects; links are property dependencies, as the engine records them."""

    def __init__(self) -> None:
        self.specs: dict[str, dict[str, Any]] = {}

    def add(
        self,
        resource_type: str,
        name: str,
        props: dict | None = None,
        *,
        links: dict[str, list[str] | str] | None = None,
        provider_resource: PolicyProviderResource | None = None,
        protect: bool = False,
    ) -> None:
        assert name not in self.specs, name
        self.specs[name] = {
            "type": resource_type,
            "props": props or {},
            "links": {k: [v] if isinstance(v, str) else list(v) for k, v in (links or {}).items()},
            "provider": provider_resource if provider_resource is not None else provider(),
            "protect": protect,
        }

    def props(self, name: str) -> dict[str, Any]:
        return self.specs[name]["props"]

    def remove(self, name: str) -> None:
        del self.specs[name]
        for spec in self.specs.values():
            spec["links"] = {k: [n for n in v if n != name] for k, v in spec["links"].items()}

    def urn(self, name: str) -> str:
        return f"urn:pulumi:prod::mlplatform::{self.specs[name]['type']}::{name}"

    def args(self, config: dict | None = None) -> StackValidationArgs:
        built = {
            name: PolicyResource(
                spec["type"],
                unknown_checking_proxy(copy.deepcopy(spec["props"])),
                self.urn(name),
                name,
                options(spec["protect"]),
                spec["provider"],
                None,
                [],
                {},
            )
            for name, spec in self.specs.items()
        }
        for name, spec in self.specs.items():
            for key, targets in spec["links"].items():
                built[name].property_dependencies[key] = [built[t] for t in targets]
                built[name].dependencies.extend(built[t] for t in targets)
        return StackValidationArgs(list(built.values()), copy.deepcopy(config) if config else {})


BUCKET = "aws:s3/bucket:Bucket"


def lake_bucket(
    stack: Stack,
    name: str,
    *,
    tags: dict | None = None,
    lock_days: int | None = None,
    log_to: str | None = None,
    sse: dict | None = None,
    provider_resource: PolicyProviderResource | None = None,
) -> None:
    """A bucket with every resource LakeBucket gives it, as stack outputs (what AnalyzeStack sees)."""
    own = {"bucket": name, "arn": f"arn:aws:s3:::{name}", "tags": tags or {"data-class": "curated"}}
    if lock_days is not None:
        own["objectLockEnabled"] = True
    p = provider_resource
    stack.add(BUCKET, name, own, provider_resource=p, protect=True)
    link = {"bucket": name}
    stack.add(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        f"{name}-ownership",
        {"bucket": name, "rule": {"objectOwnership": "BucketOwnerEnforced"}},
        links=link,
        provider_resource=p,
    )
    stack.add(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        f"{name}-pab",
        {
            "bucket": name,
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        links=link,
        provider_resource=p,
    )
    stack.add(
        "aws:s3/bucketVersioning:BucketVersioning",
        f"{name}-versioning",
        {"bucket": name, "versioningConfiguration": {"status": "Enabled"}},
        links=link,
        provider_resource=p,
    )
    default = sse or {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": "arn:aws:kms:eu-central-1:123456789012:key/k",
    }
    stack.add(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        f"{name}-sse",
        {
            "bucket": name,
            "rules": [{"applyServerSideEncryptionByDefault": default, "bucketKeyEnabled": True}],
        },
        links=link,
        provider_resource=p,
    )
    stack.add(
        "aws:s3/bucketPolicy:BucketPolicy",
        f"{name}-policy",
        {"bucket": name, "policy": json.dumps(tls_policy(name))},
        links=link,
        provider_resource=p,
    )
    stack.add(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        f"{name}-lifecycle",
        {
            "bucket": name,
            "rules": [
                {
                    "id": "tiering",
                    "status": "Enabled",
                    "transitions": [{"days": 30, "storageClass": "GLACIER_IR"}],
                }
            ],
        },
        links=link,
        provider_resource=p,
    )
    if log_to is not None:
        stack.add(
            "aws:s3/bucketLogging:BucketLogging",
            f"{name}-logging",
            {"bucket": name, "targetBucket": log_to, "targetPrefix": f"{name}/"},
            links={"bucket": name, "targetBucket": log_to},
            provider_resource=p,
        )
    if lock_days is not None:
        stack.add(
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            f"{name}-lock",
            {
                "bucket": name,
                "objectLockEnabled": "Enabled",
                "rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": lock_days}},
            },
            links=link,
            provider_resource=p,
        )


def tls_policy(name: str) -> dict:
    arn = f"arn:aws:s3:::{name}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [arn, f"{arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
