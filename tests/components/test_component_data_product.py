"""DataLake and DataProduct under the recording mocks: exact buckets, keys, policies and tiering."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pytest

from components import product_access
from components.data_lake import CatalogDatabaseArgs, DataLake, DataLakeArgs
from components.data_product import DataProduct, DataProductArgs, ZoneArgs
from components.lake_bucket import LakeBucketArgs
from platform_spec.tables.tiering import Lifecycle
from tests.support.synthesis import policy, run_component

DATA, TRAINING = "222222222222", "333333333333"
REGIONS = ("eu-central-1", "eu-west-1")
KEYS = {
    region: {
        c: f"arn:aws:kms:{region}:{DATA}:key/{c}" for c in ("sensor-raw", "curated", "training-snapshot")
    }
    for region in REGIONS
}
S3 = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"


def build(provider):
    providers = {
        "eu-central-1": provider,
        "eu-west-1": aws.Provider("test-euw1", region="eu-west-1", allowed_account_ids=[DATA]),
    }
    lake = DataLake(
        "lake",
        DataLakeArgs(
            name_prefix="acme-prod",
            account_id=DATA,
            providers=providers,
            access_log_retention_days=400,
            databases={
                "camera": CatalogDatabaseArgs(region="eu-central-1", description="d", owner_team="perception")
            },
        ),
    )
    product = DataProduct(
        "camera-frames",
        DataProductArgs(
            product="camera-frames",
            name_prefix="acme-prod",
            domain="camera",
            owner_team="perception",
            consumers=["behavior", "perception"],
            account_id=DATA,
            consumer_account_ids=[TRAINING],
            residency_regions=list(REGIONS),
            providers=providers,
            kms_key_arns=KEYS,
            access_log_buckets=lake.access_log_buckets,
            inventory_bucket_arns=lake.inventory_bucket_arns,
            zones={
                "raw": ZoneArgs(
                    data_class="sensor-raw",
                    region="eu-central-1",
                    personal_data=True,
                    retention_days=730,
                    replicate_to=["eu-west-1"],
                    inventory=True,
                ),
                "curated": ZoneArgs(data_class="curated", region="eu-central-1"),
                "training-snapshot": ZoneArgs(
                    data_class="training-snapshot",
                    region="eu-central-1",
                    object_lock_days=2557,
                    replicate_to=["eu-west-1"],
                ),
            },
        ),
    )
    role = aws.iam.Role("trainer", assume_role_policy="{}")
    product.grant_read("behavior-reads-camera", role=role.name, team="behavior")
    product.grant_write("perception-writes-camera", role=role.name, team="perception")


@pytest.fixture(scope="module")
def recorded():
    return run_component(build, account=DATA)


def test_one_bucket_per_zone_and_replica_plus_the_shared_buckets(recorded):
    assert sorted(r.inputs["bucket"] for r in recorded.of_type(S3)) == [
        "acme-prod-camera-frames-curated-eu-central-1",
        "acme-prod-camera-frames-raw-eu-central-1",
        "acme-prod-camera-frames-raw-eu-west-1",
        "acme-prod-camera-frames-snapshot-eu-central-1",
        "acme-prod-camera-frames-snapshot-eu-west-1",
        "acme-prod-lake-access-logs-eu-central-1",
        "acme-prod-lake-access-logs-eu-west-1",
        "acme-prod-lake-inventory-eu-central-1",
        "acme-prod-lake-inventory-eu-west-1",
    ]
    for bucket in recorded.of_type(S3):
        assert bucket.protect and bucket.retain_on_delete and bucket.inputs["forceDestroy"] is False
    counts = recorded.counts()
    for config in ("bucketOwnershipControls:BucketOwnershipControls", "bucketPublicAccessBlock:BucketPublicAccessBlock",
                   "bucketVersioning:BucketVersioning", "bucketServerSideEncryptionConfiguration:"
                   "BucketServerSideEncryptionConfiguration", "bucketPolicy:BucketPolicy",
                   "bucketLifecycleConfiguration:BucketLifecycleConfiguration"):  # fmt: skip
        assert counts[f"aws:s3/{config}"] == 9, config
    assert counts["aws:s3/bucketLogging:BucketLogging"] == 7  # all but the two log buckets
    assert counts["aws:s3/bucketNotification:BucketNotification"] == 3  # sources only
    assert counts["aws:s3/inventory:Inventory"] == 2  # raw and its replica
    assert counts["aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration"] == 1
    assert counts[ACCESS_POINT] == 5  # raw: owner only; curated and snapshot: owner + behavior
    assert counts["aws:glue/catalogDatabase:CatalogDatabase"] == 1


def bucket_of(recorded, type_, name):
    return recorded.one(type_, name)


def test_each_zone_is_encrypted_with_its_class_key_in_its_region(recorded):
    expected = {
        "camera-frames-raw": KEYS["eu-central-1"]["sensor-raw"],
        "camera-frames-raw-eu-west-1": KEYS["eu-west-1"]["sensor-raw"],
        "camera-frames-curated": KEYS["eu-central-1"]["curated"],
        "camera-frames-training-snapshot": KEYS["eu-central-1"]["training-snapshot"],
        "camera-frames-training-snapshot-eu-west-1": KEYS["eu-west-1"]["training-snapshot"],
    }
    for name, key in expected.items():
        (rule,) = recorded.one(SSE, name).inputs["rules"]
        assert rule == {
            "applyServerSideEncryptionByDefault": {"kmsMasterKeyId": key, "sseAlgorithm": "aws:kms"},
            "bucketKeyEnabled": True,
        }
    # S3 server access logging cannot deliver to SSE-KMS buckets: the log buckets use SSE-S3.
    (rule,) = recorded.one(SSE, "lake-access-logs-eu-central-1").inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_object_lock_exactly_on_the_snapshot_zone_and_its_replica(recorded):
    locked = {r.urn.rsplit("::", 1)[1]: r.inputs["rule"] for r in recorded.of_type(LOCK)}
    assert locked == {
        "camera-frames-training-snapshot": {"defaultRetention": {"days": 2557, "mode": "COMPLIANCE"}},
        "camera-frames-training-snapshot-eu-west-1": {
            "defaultRetention": {"days": 2557, "mode": "COMPLIANCE"}
        },
    }
    lock_enabled = sorted(
        r.inputs["bucket"] for r in recorded.of_type(S3) if r.inputs.get("objectLockEnabled")
    )
    assert lock_enabled == [
        "acme-prod-camera-frames-snapshot-eu-central-1",
        "acme-prod-camera-frames-snapshot-eu-west-1",
    ]


def test_lifecycle_per_class(recorded):
    def rules(name):
        return {rule["id"]: rule for rule in recorded.one(LIFECYCLE, name).inputs["rules"]}

    raw = rules("camera-frames-raw")
    assert raw["tiering"]["transitions"] == [
        {"days": 30, "storageClass": "GLACIER_IR"},
        {"days": 180, "storageClass": "DEEP_ARCHIVE"},
    ]
    assert raw["tiering"]["expiration"] == {"days": 730}
    assert rules("camera-frames-raw-eu-west-1") == raw
    curated = rules("camera-frames-curated")
    assert curated["tiering"]["transitions"] == [{"days": 0, "storageClass": "INTELLIGENT_TIERING"}]
    assert "expiration" not in curated["tiering"]
    snapshot = rules("camera-frames-training-snapshot")
    assert snapshot["tiering"]["transitions"] == [
        {"days": 90, "storageClass": "GLACIER_IR"},
        {"days": 365, "storageClass": "DEEP_ARCHIVE"},
    ]
    for name in ("camera-frames-raw", "camera-frames-curated", "camera-frames-training-snapshot"):
        versions = rules(name)["versions-and-uploads"]
        assert versions["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}
        assert versions["noncurrentVersionExpiration"] == {"noncurrentDays": 30}
    assert recorded.one(LIFECYCLE, "camera-frames-raw").inputs["transitionDefaultMinimumObjectSize"] == (
        "all_storage_classes_128K"
    )
    tiers = recorded.one(
        "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration",
        "camera-frames-curated",
    )
    assert tiers.inputs["tierings"] == [
        {"accessTier": "ARCHIVE_ACCESS", "days": 90},
        {"accessTier": "DEEP_ARCHIVE_ACCESS", "days": 180},
    ]


def test_bucket_policy_is_tls_only_kms_only_and_delegates_to_access_points(recorded):
    statements = {
        s["Sid"]: s
        for s in policy(recorded.one("aws:s3/bucketPolicy:BucketPolicy", "camera-frames-curated"))[
            "Statement"
        ]
    }
    arn = "arn:aws:s3:::acme-prod-camera-frames-curated-eu-central-1"
    assert statements["DenyInsecureTransport"] == {
        "Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }  # fmt: skip
    assert statements["DenyUploadsWithoutKms"]["Condition"] == {
        "StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
        "Null": {"s3:x-amz-server-side-encryption": "false"},
    }
    assert statements["DenyUploadsUnderOtherKeys"]["Condition"]["StringNotEquals"] == {
        "s3:x-amz-server-side-encryption-aws-kms-key-id": KEYS["eu-central-1"]["curated"]
    }
    assert statements["DelegateToOwnAccessPoints"]["Condition"] == {
        "StringEquals": {"s3:DataAccessPointAccount": DATA}
    }
    assert set(statements) == {
        "DenyInsecureTransport", "DenyUploadsWithoutKms", "DenyUploadsUnderOtherKeys", "DelegateToOwnAccessPoints",
    }  # fmt: skip
    replica = policy(recorded.one("aws:s3/bucketPolicy:BucketPolicy", "camera-frames-raw-eu-west-1"))
    assert [s["Sid"] for s in replica["Statement"]] == [
        "DenyInsecureTransport", "DenyUploadsWithoutKms", "DenyUploadsUnderOtherKeys",
    ]  # fmt: skip
    logs = policy(recorded.one("aws:s3/bucketPolicy:BucketPolicy", "lake-access-logs-eu-west-1"))
    assert logs["Statement"][1] == {
        "Sid": "ServiceDelivery", "Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::acme-prod-lake-access-logs-eu-west-1/*",
        "Condition": {"StringEquals": {"aws:SourceAccount": DATA}},
    }  # fmt: skip


def test_access_logs_go_to_the_log_bucket_of_the_region(recorded):
    logging = recorded.one("aws:s3/bucketLogging:BucketLogging", "camera-frames-raw-eu-west-1")
    assert logging.inputs["targetBucket"] == "acme-prod-lake-access-logs-eu-west-1"
    assert logging.inputs["targetPrefix"] == "acme-prod-camera-frames-raw-eu-west-1/"


def test_replication_stays_in_the_zone_class_and_keys(recorded):
    rule_sets = {r.urn.rsplit("::", 1)[1]: r.inputs["rules"] for r in recorded.of_type(REPLICATION)}
    assert sorted(rule_sets) == ["camera-frames-raw", "camera-frames-training-snapshot"]
    (raw,) = rule_sets["camera-frames-raw"]
    assert raw["destination"] == {
        "bucket": "arn:aws:s3:::acme-prod-camera-frames-raw-eu-west-1",
        "encryptionConfiguration": {"replicaKmsKeyId": KEYS["eu-west-1"]["sensor-raw"]},
    }
    assert raw["deleteMarkerReplication"] == {"status": "Disabled"}
    assert raw["sourceSelectionCriteria"] == {"sseKmsEncryptedObjects": {"status": "Enabled"}}
    role_policy = policy(recorded.one("aws:iam/rolePolicy:RolePolicy", "camera-frames-replication"))
    statements = {s["Sid"]: s for s in role_policy["Statement"]}
    assert statements["WriteReplicas"]["Resource"] == [
        "arn:aws:s3:::acme-prod-camera-frames-raw-eu-west-1/*",
        "arn:aws:s3:::acme-prod-camera-frames-snapshot-eu-west-1/*",
    ]
    assert statements["DecryptSourceeucentral1"]["Resource"] == [
        KEYS["eu-central-1"]["sensor-raw"],
        KEYS["eu-central-1"]["training-snapshot"],
    ]
    assert statements["EncryptReplicaseuwest1"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}
    }


def test_personal_zones_have_only_the_owner_access_point(recorded):
    names = sorted(r.inputs["name"] for r in recorded.of_type(ACCESS_POINT))
    assert names == [
        "camera-frames-curated-behavior",
        "camera-frames-curated-perception",
        "camera-frames-raw-perception",
        "camera-frames-snapshot-behavior",
        "camera-frames-snapshot-perception",
    ]
    reader = policy(recorded.one(ACCESS_POINT, "camera-frames-curated-behavior"))
    (statement,) = reader["Statement"]
    assert statement["Principal"] == {"AWS": [f"arn:aws:iam::{DATA}:root", f"arn:aws:iam::{TRAINING}:root"]}
    assert statement["Action"] == list(product_access.READ_ACTIONS)
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalTag/team": "behavior"}}
    owner = policy(recorded.one(ACCESS_POINT, "camera-frames-raw-perception"))
    assert "s3:PutObject" in owner["Statement"][0]["Action"]


def test_grant_helpers_reach_only_the_teams_access_points(recorded):
    read = policy(recorded.one("aws:iam/rolePolicy:RolePolicy", "behavior-reads-camera"))
    resources = [s["Resource"] for s in read["Statement"] if s["Sid"].endswith("Read")]
    assert resources == [
        [f"arn:aws:s3:eu-central-1:{DATA}:accesspoint/camera-frames-curated-behavior",
         f"arn:aws:s3:eu-central-1:{DATA}:accesspoint/camera-frames-curated-behavior/object/*"],
        [f"arn:aws:s3:eu-central-1:{DATA}:accesspoint/camera-frames-snapshot-behavior",
         f"arn:aws:s3:eu-central-1:{DATA}:accesspoint/camera-frames-snapshot-behavior/object/*"],
    ]  # fmt: skip
    keys = [s for s in read["Statement"] if s["Sid"].endswith("Key")]
    assert [k["Action"] for k in keys] == [["kms:Decrypt", "kms:DescribeKey"]] * 2
    write = policy(recorded.one("aws:iam/rolePolicy:RolePolicy", "perception-writes-camera"))
    assert [s["Sid"] for s in write["Statement"]] == [
        "CuratedWrite", "CuratedWriteKey", "RawWrite", "RawWriteKey", "TrainingSnapshotWrite",
        "TrainingSnapshotWriteKey",
    ]  # fmt: skip


def test_grants_to_teams_without_access_are_refused():
    exported = {"owner_team": "perception", "zones": {"curated": {"region": "eu-central-1", "kms_key_arn": "k",
                "access_points": {"perception": "ap1", "behavior": "ap2"}}}}  # fmt: skip
    with pytest.raises(product_access.NoAccess, match="team 'mapping' is not the owner or consumer"):
        product_access.access_policy("camera-frames", exported, "mapping", write=False)
    with pytest.raises(product_access.NoAccess, match="team 'behavior' is not the owner"):
        product_access.access_policy("camera-frames", exported, "behavior", write=True)


def test_bad_arguments_are_reported_together():
    def bad(provider):
        DataProduct(
            "p",
            DataProductArgs(
                product="p", name_prefix="acme-prod", domain="d", owner_team="t", consumers=[],
                account_id=DATA, consumer_account_ids=[], residency_regions=["eu-central-1"],
                providers={"eu-central-1": provider}, kms_key_arns=KEYS, access_log_buckets={"eu-central-1": "l"},
                inventory_bucket_arns={"eu-central-1": "i"},
                zones={
                    "raw": ZoneArgs(data_class="sensor-raw", region="eu-central-1", personal_data=True,
                                    replicate_to=["us-east-1"]),
                    "training-snapshot": ZoneArgs(data_class="training-snapshot", region="eu-central-1",
                                                  object_lock_days=30),
                },
            ),
        )  # fmt: skip

    with pytest.raises(pulumi.InputPropertiesError) as raised:
        run_component(bad)
    assert [(e["property_path"], e["reason"]) for e in raised.value.errors] == [
        ("zones.raw.retention_days", "None: required: sensor-raw is personal data (GDPR storage limitation)"),
        ("zones.raw.replicate_to[0]", "'us-east-1': personal data (sensor-raw) is replicated only within its "
         "residency regions: eu-central-1"),
        ("zones.raw.region", "'us-east-1': a lake region: eu-central-1"),
        ("zones.training-snapshot.object_lock_days", "30: shorter than training-snapshot requires: at least 365 days"),
    ]  # fmt: skip


def test_a_bucket_refuses_an_impossible_lifecycle():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        LakeBucketArgs(
            bucket_name="Bad_Name", account_id=DATA, kms_key_arn=None, lifecycle=Lifecycle(noncurrent_days=0)
        )
    assert [e["property_path"] for e in raised.value.errors] == [
        "bucket_name",
        "lifecycle.noncurrent_days",
        "kms_key_arn",
    ]


def test_export_is_what_grant_helpers_read(recorded):
    stack = [r for r in recorded.registrations if r.type == "mlplatform:data:DataProduct"]
    assert len(stack) == 1
    exported = json.loads(json.dumps(stack[0].outputs["export"]))
    assert exported["owner_team"] == "perception"
    assert sorted(exported["zones"]) == ["curated", "raw", "training-snapshot"]
    assert exported["zones"]["raw"]["personal_data"] is True
    assert list(exported["zones"]["raw"]["replicas"]) == ["eu-west-1"]
