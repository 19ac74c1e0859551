"""The S3 API calls that the pulumi-aws S3 configuration resources of an inventory stand for.

Why: a plan is only as good as what S3 accepts. Turning each resource's inputs (camelCase, as
in `inventory.json`) into the exact keyword arguments of the boto3 S3 client lets a test
replay a plan into an S3 implementation, and lets an audit compare live configuration (the
matching `get_*` call) with the plan. Pure functions of the inputs, no AWS access.

Top-level inputs this module does not know raise `UnsupportedInputs` rather than being dropped,
so a replay or an audit can never pass by ignoring part of a configuration; nested members are
renamed generically, and botocore's request validation refuses any the S3 API does not have.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
INTELLIGENT_TIERING = "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration"
OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
POLICY = "aws:s3/bucketPolicy:BucketPolicy"
OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
INVENTORY = "aws:s3/inventory:Inventory"
NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"

DEFAULT_TRANSITION_MINIMUM_SIZE = "all_storage_classes_128K"
"""What S3 applies (and GetBucketLifecycleConfiguration reports) when a put does not say."""

_META_INPUTS = frozenset({"bucket", "region", "expectedBucketOwner", "timeouts", "skipDestroy"})
"""Inputs outside the configuration: the bucket (its id is its name), the provider region override,
the owner check, and pulumi-only behaviour (timeouts, keeping the resource on destroy)."""

_NAMES = {
    "id": "ID",
    "sseAlgorithm": "SSEAlgorithm",
    "kmsMasterKeyId": "KMSMasterKeyID",
    "replicaKmsKeyId": "ReplicaKmsKeyID",
    "mfaDelete": "MFADelete",
    "sseS3": "SSES3",
    "sseKms": "SSEKMS",
    "uri": "URI",
}
"""Member names of the S3 API that are not the capitalized pulumi input name."""


class UnsupportedInputs(ValueError):
    """A resource carries inputs with no translation here: extend the table, never drop them."""


def _name(key: str, names: Mapping[str, str] = _NAMES) -> str:
    return names.get(key, key[:1].upper() + key[1:])


def _api(value: Any, names: Mapping[str, str] = _NAMES) -> Any:
    """A pulumi input subtree in the S3 API's shape: PascalCase members, tag maps as Key/Value lists."""
    if isinstance(value, Mapping):
        converted = {}
        for key, item in value.items():
            if key == "tags" and isinstance(item, Mapping):
                converted["Tags"] = [{"Key": k, "Value": v} for k, v in item.items()]
            else:
                converted[_name(key, names)] = _api(item, names)
        return converted
    if isinstance(value, list):
        return [_api(item, names) for item in value]
    return value


def _filter(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """A prefix-and-tags filter (Intelligent-Tiering): S3 wants `And` as soon as there are two conditions."""
    prefix, tags = inputs.get("prefix"), dict(inputs.get("tags") or {})
    tag_list = [{"Key": k, "Value": v} for k, v in tags.items()]
    if (prefix is not None) + len(tag_list) > 1:
        return {"And": {**({"Prefix": prefix} if prefix is not None else {}), "Tags": tag_list}}
    if prefix is not None:
        return {"Prefix": prefix}
    return {"Tag": tag_list[0]} if tag_list else {}


def _lifecycle(i: Mapping[str, Any]) -> dict[str, Any]:
    params: dict[str, Any] = {"LifecycleConfiguration": {"Rules": _api(i["rules"])}}
    if "transitionDefaultMinimumObjectSize" in i:
        params["TransitionDefaultMinimumObjectSize"] = i["transitionDefaultMinimumObjectSize"]
    return params


def _intelligent_tiering(i: Mapping[str, Any]) -> dict[str, Any]:
    config = {"Id": i["name"], "Status": i.get("status", "Enabled"), "Tierings": _api(i["tierings"])}
    if i.get("filter"):
        config["Filter"] = _filter(i["filter"])
    return {"Id": i["name"], "IntelligentTieringConfiguration": config}


def _object_lock(i: Mapping[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"ObjectLockEnabled": i.get("objectLockEnabled", "Enabled")}
    if "rule" in i:
        config["Rule"] = _api(i["rule"])
    return {"ObjectLockConfiguration": config, **({"Token": i["token"]} if "token" in i else {})}


def _replication(i: Mapping[str, Any]) -> dict[str, Any]:
    config = {"Role": i["role"], "Rules": _api(i["rules"])}
    return {"ReplicationConfiguration": config, **({"Token": i["token"]} if "token" in i else {})}


def _versioning(i: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "VersioningConfiguration": _api(i["versioningConfiguration"]),
        **({"MFA": i["mfa"]} if "mfa" in i else {}),
    }


_PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")


def _public_access_block(i: Mapping[str, Any]) -> dict[str, Any]:
    # Every flag, false when absent: what S3 stores and reports, and what pulumi-aws sends.
    return {"PublicAccessBlockConfiguration": {_name(f): bool(i.get(f, False)) for f in _PUBLIC_ACCESS_FLAGS}}


def _logging(i: Mapping[str, Any]) -> dict[str, Any]:
    keys = ("targetBucket", "targetPrefix", "targetGrants", "targetObjectKeyFormat")
    return {"BucketLoggingStatus": {"LoggingEnabled": _api({k: i[k] for k in keys if k in i})}}


def _inventory(i: Mapping[str, Any]) -> dict[str, Any]:
    destination = _api(i["destination"]["bucket"], {**_NAMES, "bucketArn": "Bucket"})
    config: dict[str, Any] = {
        "Id": i["name"],
        "IsEnabled": i.get("enabled", True),
        "IncludedObjectVersions": i["includedObjectVersions"],
        "Schedule": _api(i["schedule"]),
        "Destination": {"S3BucketDestination": destination},
    }
    if "filter" in i:
        config["Filter"] = _api(i["filter"])
    if "optionalFields" in i:
        config["OptionalFields"] = list(i["optionalFields"])
    return {"Id": i["name"], "InventoryConfiguration": config}


_NOTIFICATION_TARGETS = (
    ("topics", "TopicConfigurations", "topicArn"),
    ("queues", "QueueConfigurations", "queueArn"),
    ("lambdaFunctions", "LambdaFunctionConfigurations", "lambdaFunctionArn"),
)


def _notification(i: Mapping[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for key, member, arn in _NOTIFICATION_TARGETS:
        for target in i.get(key) or []:
            rules = [
                {"Name": name, "Value": target[f"filter{name}"]}
                for name in ("Prefix", "Suffix")
                if target.get(f"filter{name}")
            ]
            entry = {"Id": target["id"], _name(arn): target[arn], "Events": list(target["events"])}
            config.setdefault(member, []).append(
                {**entry, **({"Filter": {"Key": {"FilterRules": rules}}} if rules else {})}
            )
    if i.get("eventbridge"):
        config["EventBridgeConfiguration"] = {}
    return {"NotificationConfiguration": config}


def _member(name: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The get call answers with the put's configuration under the same member."""
    return lambda put: {name: put[name]}


@dataclass(frozen=True, slots=True)
class _Api:
    put: str
    get: str
    inputs: frozenset[str]
    """Inputs translated, besides the `_META_INPUTS`."""
    request: Callable[[Mapping[str, Any]], dict[str, Any]]
    """Inputs -> keyword arguments of `put`, without Bucket."""
    response: Callable[[dict[str, Any]], dict[str, Any]]
    """Keyword arguments of `put` -> what `get` returns (without ResponseMetadata)."""
    get_keys: tuple[str, ...] = field(default=())
    """Arguments of `put` that `get` takes too (the configuration's Id)."""


APIS: dict[str, _Api] = {
    LIFECYCLE: _Api(
        "put_bucket_lifecycle_configuration",
        "get_bucket_lifecycle_configuration",
        frozenset({"rules", "transitionDefaultMinimumObjectSize"}),
        _lifecycle,
        lambda put: {
            "Rules": put["LifecycleConfiguration"]["Rules"],
            "TransitionDefaultMinimumObjectSize": put.get(
                "TransitionDefaultMinimumObjectSize", DEFAULT_TRANSITION_MINIMUM_SIZE
            ),
        },
    ),
    INTELLIGENT_TIERING: _Api(
        "put_bucket_intelligent_tiering_configuration",
        "get_bucket_intelligent_tiering_configuration",
        frozenset({"name", "status", "tierings", "filter"}),
        _intelligent_tiering,
        _member("IntelligentTieringConfiguration"),
        ("Id",),
    ),
    OBJECT_LOCK: _Api(
        "put_object_lock_configuration",
        "get_object_lock_configuration",
        frozenset({"objectLockEnabled", "rule", "token"}),
        _object_lock,
        _member("ObjectLockConfiguration"),
    ),
    REPLICATION: _Api(
        "put_bucket_replication",
        "get_bucket_replication",
        frozenset({"role", "rules", "token"}),
        _replication,
        _member("ReplicationConfiguration"),
    ),
    ENCRYPTION: _Api(
        "put_bucket_encryption",
        "get_bucket_encryption",
        frozenset({"rules"}),
        lambda i: {"ServerSideEncryptionConfiguration": {"Rules": _api(i["rules"])}},
        _member("ServerSideEncryptionConfiguration"),
    ),
    VERSIONING: _Api(
        "put_bucket_versioning",
        "get_bucket_versioning",
        frozenset({"versioningConfiguration", "mfa"}),
        _versioning,
        lambda put: dict(put["VersioningConfiguration"]),
    ),
    PUBLIC_ACCESS_BLOCK: _Api(
        "put_public_access_block",
        "get_public_access_block",
        frozenset(_PUBLIC_ACCESS_FLAGS),
        _public_access_block,
        _member("PublicAccessBlockConfiguration"),
    ),
    POLICY: _Api(
        "put_bucket_policy",
        "get_bucket_policy",
        frozenset({"policy"}),
        lambda i: {"Policy": i["policy"]},
        _member("Policy"),
    ),
    OWNERSHIP: _Api(
        "put_bucket_ownership_controls",
        "get_bucket_ownership_controls",
        frozenset({"rule"}),
        lambda i: {"OwnershipControls": {"Rules": [_api(i["rule"])]}},
        _member("OwnershipControls"),
    ),
    LOGGING: _Api(
        "put_bucket_logging",
        "get_bucket_logging",
        frozenset({"targetBucket", "targetPrefix", "targetGrants", "targetObjectKeyFormat"}),
        _logging,
        lambda put: dict(put["BucketLoggingStatus"]),
    ),
    INVENTORY: _Api(
        "put_bucket_inventory_configuration",
        "get_bucket_inventory_configuration",
        frozenset(
            {
                "name",
                "enabled",
                "includedObjectVersions",
                "schedule",
                "destination",
                "filter",
                "optionalFields",
            }
        ),
        _inventory,
        _member("InventoryConfiguration"),
        ("Id",),
    ),
    NOTIFICATION: _Api(
        "put_bucket_notification_configuration",
        "get_bucket_notification_configuration",
        frozenset({"eventbridge", "topics", "queues", "lambdaFunctions"}),
        _notification,
        lambda put: dict(put["NotificationConfiguration"]),
    ),
}
"""Resource type -> its S3 API: the single table `put_call`, `get_call` and `expected` read."""


@dataclass(frozen=True, slots=True)
class Call:
    operation: str
    """Method of the boto3 S3 client."""
    params: dict[str, Any]
    """Its keyword arguments."""


def bucket(resource: Mapping[str, Any]) -> str:
    """The bucket a configuration resource applies to (the bucket's id, which is its name)."""
    return resource["inputs"]["bucket"]


def _api_of(resource: Mapping[str, Any]) -> _Api:
    api = APIS.get(resource["type"])
    if api is None:
        raise UnsupportedInputs(f"{resource['urn']}: no S3 API translation for type {resource['type']}")
    unknown = set(resource["inputs"]) - _META_INPUTS - api.inputs
    if unknown:
        raise UnsupportedInputs(
            f"{resource['urn']}: inputs without translation: {', '.join(sorted(unknown))}"
        )
    return api


def _owner(resource: Mapping[str, Any]) -> dict[str, Any]:
    owner = resource["inputs"].get("expectedBucketOwner")
    return {"ExpectedBucketOwner": owner} if owner else {}


def put_call(resource: Mapping[str, Any]) -> Call:
    """The boto3 call that applies the resource's configuration, as pulumi-aws would make it."""
    api = _api_of(resource)
    return Call(api.put, {"Bucket": bucket(resource), **_owner(resource), **api.request(resource["inputs"])})


def get_call(resource: Mapping[str, Any]) -> Call:
    """The boto3 call that reads the configuration back."""
    api = _api_of(resource)
    put = api.request(resource["inputs"])
    return Call(
        api.get, {"Bucket": bucket(resource), **_owner(resource), **{k: put[k] for k in api.get_keys}}
    )


def expected(resource: Mapping[str, Any]) -> dict[str, Any]:
    """What `get_call(resource)` returns once the configuration is applied, in `comparable` form."""
    api = _api_of(resource)
    return comparable(api.response(api.request(resource["inputs"])))


def comparable(response: Mapping[str, Any]) -> dict[str, Any]:
    """A get response without what never matters: request metadata, policy JSON formatting, and the
    spelling of an empty filter (`{}` and `{"Prefix": ""}` both select every object)."""
    shaped = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    if isinstance(shaped.get("Policy"), str):
        shaped["Policy"] = json.loads(shaped["Policy"])
    return _empty_filters(shaped)


def _empty_filters(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {
            k: {} if k == "Filter" and v == {"Prefix": ""} else _empty_filters(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_empty_filters(item) for item in value]
    return value
