import pulumi
import pytest

from components.log_archive import LogArchive, LogArchiveArgs
from components.organization_trail import OrganizationTrail, OrganizationTrailArgs
from tests.support.synthesis import policy, run_component

TRAIL_ARN = "arn:aws:cloudtrail:eu-central-1:111111111111:trail/acme-organization-trail"


def build(provider):
    archive = LogArchive(
        "archive",
        LogArchiveArgs(
            account_id="222222222222",
            region="eu-central-1",
            management_account_id="111111111111",
            organization_id="o-abc1234567",
            trail_arn=TRAIL_ARN,
            retention_days=2557,
            key_alias="alias/acme/cloudtrail",
            access_log_bucket_name="acme-cloudtrail-archive-access-logs-eu-central-1",
        ),
        pulumi.ResourceOptions(provider=provider),
    )
    OrganizationTrail(
        "trail",
        OrganizationTrailArgs(
            trail_name="acme-organization-trail", bucket_name=archive.bucket_name, kms_key_arn=archive.key_arn
        ),
        pulumi.ResourceOptions(provider=provider, depends_on=[archive]),
    )


@pytest.fixture(scope="module")
def recorded():
    return run_component(build, account="222222222222")


def test_creates_one_locked_encrypted_bucket_with_its_key_and_an_access_log_bucket(recorded):
    archive_types = {
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLogging:BucketLogging",
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        "aws:s3/bucketPolicy:BucketPolicy",
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketVersioning:BucketVersioning",
    }
    assert {r.type for r in recorded.registrations if r.urn.endswith("::archive")} == archive_types | {
        "mlplatform:org:LogArchive"
    }
    assert recorded.counts()["aws:kms/key:Key"] == 1 and recorded.counts()["aws:cloudtrail/trail:Trail"] == 1
    assert recorded.counts()["aws:s3/bucket:Bucket"] == 2


def test_access_to_the_archive_is_logged_to_its_own_bucket_kept_as_long_as_the_trail(recorded):
    logs = recorded.one("aws:s3/bucket:Bucket", "archive-access-logs")
    assert logs.inputs["bucket"] == "acme-cloudtrail-archive-access-logs-eu-central-1"
    assert logs.protect and logs.inputs["tags"]["purpose"] == "s3-access-logs"
    logging = recorded.one("aws:s3/bucketLogging:BucketLogging", "archive")
    assert logging.inputs["bucket"] == recorded.one("aws:s3/bucket:Bucket", "archive").id
    assert logging.inputs["targetBucket"] == "acme-cloudtrail-archive-access-logs-eu-central-1"
    lifecycle = recorded.one(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "archive-access-logs"
    )
    assert lifecycle.inputs["rules"][0]["expiration"]["days"] == 2557


def test_bucket_and_key_are_protected_and_locked_in_compliance_mode(recorded):
    bucket = recorded.one("aws:s3/bucket:Bucket", "archive")
    key = recorded.one("aws:kms/key:Key", "archive-key")
    assert bucket.protect and bucket.retain_on_delete and key.protect and key.retain_on_delete
    assert bucket.inputs["objectLockEnabled"] is True and bucket.inputs["forceDestroy"] is False
    lock = recorded.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "archive")
    assert lock.inputs["rule"] == {"defaultRetention": {"days": 2557, "mode": "COMPLIANCE"}}
    assert key.inputs["enableKeyRotation"] is True and key.inputs["deletionWindowInDays"] == 30
    sse = recorded.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "archive"
    )
    (rule,) = sse.inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "kmsMasterKeyId": key.outputs["arn"],
        "sseAlgorithm": "aws:kms",
    }
    pab = recorded.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "archive")
    assert all(
        pab.inputs[k] is True
        for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )


def test_only_the_named_trail_may_write_and_only_over_tls(recorded):
    statements = {
        s["Sid"]: s for s in policy(recorded.one("aws:s3/bucketPolicy:BucketPolicy", "archive"))["Statement"]
    }
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    write = statements["CloudTrailWrite"]
    assert write["Condition"] == {"StringEquals": {"aws:SourceArn": TRAIL_ARN}}
    bucket_arn = recorded.one("aws:s3/bucket:Bucket", "archive").outputs["arn"]
    assert write["Resource"] == [
        f"{bucket_arn}/AWSLogs/111111111111/*",
        f"{bucket_arn}/AWSLogs/o-abc1234567/*",
    ]
    key_statements = {
        s["Sid"]: s for s in policy(recorded.one("aws:kms/key:Key", "archive-key"))["Statement"]
    }
    assert key_statements["CloudTrailEncryptLogs"]["Condition"]["StringEquals"] == {
        "aws:SourceArn": TRAIL_ARN
    }


def test_lifecycle_archives_expires_and_aborts_uploads(recorded):
    (rule,) = recorded.one(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "archive"
    ).inputs["rules"]
    assert [t["storageClass"] for t in rule["transitions"]] == ["GLACIER_IR", "DEEP_ARCHIVE"]
    assert rule["expiration"] == {"days": 2557}
    assert rule["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 7}


def test_trail_is_an_encrypted_validated_multi_region_organization_trail(recorded):
    trail = recorded.one("aws:cloudtrail/trail:Trail", "trail")
    assert trail.inputs["isOrganizationTrail"] is True and trail.inputs["isMultiRegionTrail"] is True
    assert trail.inputs["enableLogFileValidation"] is True
    assert trail.inputs["kmsKeyId"] == recorded.one("aws:kms/key:Key", "archive-key").outputs["arn"]
    assert (
        trail.outputs["arn"] == "arn:aws:cloudtrail:eu-central-1:222222222222:trail/acme-organization-trail"
    )
    policy_urn = recorded.one("aws:s3/bucketPolicy:BucketPolicy", "archive").urn
    assert policy_urn in trail.dependencies


def test_rejects_short_retention_and_reserved_alias():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        LogArchiveArgs(account_id="2", region="eu-central-1", management_account_id="1", organization_id="o",
                       trail_arn=TRAIL_ARN, retention_days=30, key_alias="alias/aws/s3",
                       access_log_bucket_name="logs")  # fmt: skip
    assert [e["property_path"] for e in raised.value.errors] == ["retention_days", "key_alias"]
