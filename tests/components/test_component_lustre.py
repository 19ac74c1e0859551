"""LustreCache under the recording mocks: PERSISTENT_2 in one zone with the platform key, Lustre ports
between servers and nodes only, read-only links to the lake's snapshots and grants scoped to one bucket."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from components.lustre_access import bucket_policy_statement, fsx_s3_role_arn, key_grant_statement
from components.lustre_cache import LustreCache, LustreCacheArgs, SnapshotLinkArgs
from platform_spec.tables.lustre import storage_problem
from tests.support.synthesis import run_component

DATA, TRAINING = "222222222222", "333333333333"
REGION = "us-west-2"
PLATFORM_KEY = f"arn:aws:kms:{REGION}:{TRAINING}:key/platform"
SNAPSHOT_KEY = f"arn:aws:kms:eu-central-1:{DATA}:key/training-snapshot"
CLUSTER_SG = "sg-0cluster000000000"
FSX_S3_ROLES = (
    f"arn:aws:iam::{TRAINING}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/"
    "AWSServiceRoleForFSxS3Access_fs-*"
)
"""Every FSx file system's S3 role in the training account, as bucket and key policies name them."""
SNAPSHOT_BUCKET_READ = {
    "Sid": "LustreReadForTrainingAccounts",
    "Effect": "Allow",
    "Principal": {"AWS": [f"arn:aws:iam::{TRAINING}:root"]},
    "Action": ["s3:Get*", "s3:List*"],
    "Resource": [
        "arn:aws:s3:::acme-prod-camera-frames-snapshot-eu-central-1",
        "arn:aws:s3:::acme-prod-camera-frames-snapshot-eu-central-1/*",
    ],
    "Condition": {"ArnLike": {"aws:PrincipalArn": [FSX_S3_ROLES]}},
}
KEY_DECRYPT_GRANTS = {
    "Sid": "LustreDecryptGrantsForTrainingAccounts",
    "Effect": "Allow",
    "Principal": {"AWS": [f"arn:aws:iam::{TRAINING}:root"]},
    "Action": "kms:CreateGrant",
    "Resource": "*",
    "Condition": {
        "StringLike": {"kms:GranteePrincipal": [FSX_S3_ROLES]},
        "ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]},
        "StringEquals": {"kms:GrantConstraintType": "EncryptionContextSubset"},
    },
}
FS = "aws:fsx/lustreFileSystem:LustreFileSystem"
DRA = "aws:fsx/dataRepositoryAssociation:DataRepositoryAssociation"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def link(product: str, *, personal: bool = False, region: str = "eu-central-1") -> SnapshotLinkArgs:
    bucket = f"acme-prod-{product}-snapshot-{region}"
    return SnapshotLinkArgs(
        region=region,
        personal_data=personal,
        bucket=bucket,
        bucket_arn=f"arn:aws:s3:::{bucket}",
        kms_key_arn=SNAPSHOT_KEY,
    )


def lustre_args(grant_providers, **overrides) -> LustreCacheArgs:
    base = dict(
        cluster_name="acme-prod-us-west-2",
        region=REGION,
        account_id=TRAINING,
        vpc_id="vpc-0training0000000",
        subnet_id="subnet-0usw2a00000000",
        zone="us-west-2a",
        cluster_security_group_id=CLUSTER_SG,
        kms_key_arn=PLATFORM_KEY,
        storage_tib=4.8,
        throughput_per_tib=250,
        log_retention_days=365,
        links={"camera-frames": link("camera-frames")},
        grant_providers=grant_providers,
        csi_driver_version="v1.10.0-eksbuild.1",
        mounts={"perception": "team-perception", "behavior": "team-behavior"},
    )
    return LustreCacheArgs(**{**base, **overrides})


def build(provider):
    kubernetes = k8s.Provider("cluster", kubeconfig="{}")
    euc1 = aws.Provider("training-euc1", region="eu-central-1", allowed_account_ids=[TRAINING])
    LustreCache(
        "usw2-lustre",
        lustre_args({"eu-central-1": euc1, REGION: provider}),
        opts=pulumi.ResourceOptions(providers=[provider, kubernetes]),
    )


@pytest.fixture(scope="module")
def recorded():
    return run_component(build, account=TRAINING, region=REGION)


# --- pure helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize("tib", [1.2, 2.4, 4.8, 7.2, 48.0, 2400.0])
def test_persistent_2_capacities(tib):
    assert storage_problem(tib) is None


@pytest.mark.parametrize("tib", [0.0, 1.0, 3.6, 6.0, 4.8001, -2.4])
def test_capacities_persistent_2_refuses(tib):
    assert storage_problem(tib) == "PERSISTENT_2 SSD takes 1.2, 2.4 or a multiple of 2.4 TiB (4.8, 7.2, ...)"


def test_the_bucket_admits_only_the_training_account_fsx_roles_and_only_to_read():
    assert bucket_policy_statement("arn:aws:s3:::snap", [TRAINING]) == {
        "Sid": "LustreReadForTrainingAccounts",
        "Effect": "Allow",
        "Principal": {"AWS": [f"arn:aws:iam::{TRAINING}:root"]},
        "Action": ["s3:Get*", "s3:List*"],
        "Resource": ["arn:aws:s3:::snap", "arn:aws:s3:::snap/*"],
        "Condition": {
            "ArnLike": {
                "aws:PrincipalArn": [
                    f"arn:aws:iam::{TRAINING}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/"
                    "AWSServiceRoleForFSxS3Access_fs-*"
                ]
            }
        },
    }


def test_the_key_lets_the_training_account_grant_its_fsx_roles_decrypt_under_a_context_only():
    assert key_grant_statement([TRAINING]) == KEY_DECRYPT_GRANTS


# --- the component ------------------------------------------------------------------------------


def test_the_file_system_is_persistent_2_in_one_zone_with_the_platform_key(recorded):
    fs = recorded.one(FS, "usw2-lustre")
    log_group = recorded.one("aws:cloudwatch/logGroup:LogGroup", "usw2-lustre")
    security_group = recorded.one("aws:ec2/securityGroup:SecurityGroup", "usw2-lustre")
    assert fs.inputs == {
        "deploymentType": "PERSISTENT_2",
        "fileSystemTypeVersion": "2.15",
        "storageType": "SSD",
        "storageCapacity": 4800,
        "perUnitStorageThroughput": 250,
        "subnetIds": "subnet-0usw2a00000000",
        "securityGroupIds": [security_group.id],
        "kmsKeyId": PLATFORM_KEY,
        "dataCompressionType": "LZ4",
        "rootSquashConfiguration": {"rootSquash": "65534:65534"},
        "logConfiguration": {"level": "WARN_ERROR", "destination": log_group.outputs["arn"]},
        "automaticBackupRetentionDays": 0,
        "weeklyMaintenanceStartTime": "7:02:00",
    }
    assert log_group.inputs == {
        "name": "/aws/fsx/lustre/acme-prod-us-west-2",
        "retentionInDays": 365,
        "kmsKeyId": PLATFORM_KEY,
    }
    # Like the cluster's and the flow logs' groups: deleting the file system keeps its logs.
    assert log_group.retain_on_delete and not log_group.protect


def test_lustre_ports_flow_only_between_file_servers_and_cluster_nodes(recorded):
    lustre_sg = recorded.one("aws:ec2/securityGroup:SecurityGroup", "usw2-lustre").id
    rules = {
        (r.type.rsplit(":", 1)[1], r.inputs["securityGroupId"], r.inputs["referencedSecurityGroupId"],
         r.inputs["fromPort"], r.inputs["toPort"], r.inputs["ipProtocol"])
        for r in recorded.of_type(INGRESS) + recorded.of_type(EGRESS)
    }  # fmt: skip
    expected = set()
    for low, high in ((988, 988), (1018, 1023)):
        for peer in (lustre_sg, CLUSTER_SG):
            expected |= {
                ("SecurityGroupIngressRule", lustre_sg, peer, low, high, "tcp"),
                ("SecurityGroupEgressRule", lustre_sg, peer, low, high, "tcp"),
            }
        expected.add(("SecurityGroupIngressRule", CLUSTER_SG, lustre_sg, low, high, "tcp"))
    assert rules == expected
    assert len(recorded.of_type(INGRESS) + recorded.of_type(EGRESS)) == 10
    assert all("cidrIpv4" not in r.inputs for r in recorded.of_type(INGRESS) + recorded.of_type(EGRESS))


def test_snapshots_are_linked_read_only_with_metadata_imported_once(recorded):
    association = recorded.one(DRA, "usw2-lustre-camera-frames")
    assert association.inputs == {
        "fileSystemId": recorded.one(FS, "usw2-lustre").id,
        "fileSystemPath": "/camera-frames",
        "dataRepositoryPath": "s3://acme-prod-camera-frames-snapshot-eu-central-1/snapshots/",
        "batchImportMetaDataOnCreate": True,
        "s3": {"autoImportPolicy": {"events": []}, "autoExportPolicy": {"events": []}},
        "deleteDataInFilesystem": False,
    }


def test_the_file_system_role_may_decrypt_the_linked_bucket_only(recorded):
    grant = recorded.one("aws:kms/grant:Grant", "usw2-lustre-camera-frames")
    fs_id = recorded.one(FS, "usw2-lustre").id
    assert grant.inputs == {
        "keyId": SNAPSHOT_KEY,
        "granteePrincipal": fsx_s3_role_arn(TRAINING, fs_id),
        "operations": ["Decrypt"],
        "constraints": [
            {
                "encryptionContextSubset": {
                    "aws:s3:arn": "arn:aws:s3:::acme-prod-camera-frames-snapshot-eu-central-1"
                }
            }
        ],
    }
    assert grant.inputs["granteePrincipal"] == (
        f"arn:aws:iam::{TRAINING}:role/aws-service-role/s3.data-source.lustre.fsx.amazonaws.com/"
        f"AWSServiceRoleForFSxS3Access_{fs_id}"
    )
    assert "providers:aws::training-euc1::" in grant.provider  # the key's region, not the file system's
    assert recorded.one(DRA, "usw2-lustre-camera-frames").urn in grant.dependencies  # FSx creates the role


def test_the_csi_driver_is_pinned_and_volumes_are_static_and_read_only(recorded):
    addon = recorded.one("aws:eks/addon:Addon", "usw2-lustre-csi")
    assert addon.inputs["addonName"] == "aws-fsx-csi-driver"
    assert addon.inputs["addonVersion"] == "v1.10.0-eksbuild.1"
    assert "podIdentityAssociations" not in addon.inputs  # static volumes: the driver calls no AWS API
    storage_class = recorded.one("kubernetes:storage.k8s.io/v1:StorageClass", "usw2-lustre")
    assert storage_class.inputs["provisioner"] == "kubernetes.io/no-provisioner"
    assert storage_class.inputs["metadata"]["name"] == "fsx-lustre-snapshots"
    fs = recorded.one(FS, "usw2-lustre")
    volume = recorded.one("kubernetes:core/v1:PersistentVolume", "usw2-lustre-behavior")
    assert volume.inputs["spec"] == {
        "capacity": {"storage": "4800Gi"},
        "volumeMode": "Filesystem",
        "accessModes": ["ReadOnlyMany"],
        "persistentVolumeReclaimPolicy": "Retain",
        "storageClassName": "fsx-lustre-snapshots",
        "mountOptions": ["relatime", "flock"],
        "claimRef": {"namespace": "team-behavior", "name": "lustre-snapshots"},
        "csi": {
            "driver": "fsx.csi.aws.com",
            "volumeHandle": f"{fs.id}-behavior",
            "readOnly": True,
            "volumeAttributes": {"dnsname": fs.outputs["dnsName"], "mountname": fs.outputs["mountName"]},
        },
    }
    claim = recorded.one("kubernetes:core/v1:PersistentVolumeClaim", "usw2-lustre-behavior")
    assert claim.inputs["metadata"]["namespace"] == "team-behavior"
    assert claim.inputs["spec"] == {
        "accessModes": ["ReadOnlyMany"],
        "storageClassName": "fsx-lustre-snapshots",
        "volumeName": "lustre-snapshots-behavior",
        "resources": {"requests": {"storage": "4800Gi"}},
    }
    assert recorded.names("kubernetes:core/v1:PersistentVolume") == [
        "usw2-lustre-behavior",
        "usw2-lustre-perception",
    ]
    for registration in recorded.registrations:
        if registration.type.startswith("kubernetes:"):
            assert "::cluster::" in registration.provider


def test_bad_arguments_are_refused_together():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        lustre_args(
            {"eu-central-1": None},
            storage_tib=3.6,
            throughput_per_tib=200,
            zone="eu-central-1a",
            links={
                "drive-recordings": link("drive-recordings", personal=True),
                "hd-maps": link("hd-maps", region="eu-west-1"),
            },
            csi_driver_version="latest",
        )
    assert raised.value.errors == [
        {
            "property_path": "storage_tib",
            "reason": "3.6: PERSISTENT_2 SSD takes 1.2, 2.4 or a multiple of 2.4 TiB (4.8, 7.2, ...)",
        },
        {"property_path": "throughput_per_tib", "reason": "200: one of 125, 250, 500, 1000"},
        {"property_path": "zone", "reason": "'eu-central-1a': a zone of us-west-2"},
        {
            "property_path": "links.drive-recordings",
            "reason": "'drive-recordings': its snapshots hold personal data; personal data is never read from "
            "the training account: the keys of personal classes admit only the data account "
            "(stacks/foundation.py), and training reads anonymized zones",
        },
        {
            "property_path": "links.hd-maps.region",
            "reason": "'eu-west-1': a region of grant_providers: eu-central-1",
        },
        {"property_path": "csi_driver_version", "reason": "'latest': a pinned version vX.Y.Z-eksbuild.N"},
    ]


def test_at_most_eight_links():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        lustre_args({"eu-central-1": None}, links={f"p{i}": link(f"p{i}") for i in range(9)})
    assert [e["property_path"] for e in raised.value.errors] == ["links"]


# --- what the lake grants (data and foundation layers) ------------------------------------------


def data_side(provider):
    from components.data_class_keys import DataClassKeyArgs, DataClassKeys, DataClassKeysArgs
    from components.data_product import DataProduct, DataProductArgs, ZoneArgs

    keys = {
        c: f"arn:aws:kms:eu-central-1:{DATA}:key/{c}" for c in ("sensor-raw", "curated", "training-snapshot")
    }
    DataProduct(
        "camera-frames",
        DataProductArgs(
            product="camera-frames",
            name_prefix="acme-prod",
            domain="camera",
            owner_team="perception",
            consumers=["behavior"],
            account_id=DATA,
            consumer_account_ids=[TRAINING],
            residency_regions=["eu-central-1", "eu-west-1"],
            providers={"eu-central-1": provider},
            kms_key_arns={"eu-central-1": keys},
            access_log_buckets={"eu-central-1": "acme-prod-lake-access-logs-eu-central-1"},
            inventory_bucket_arns={"eu-central-1": "arn:aws:s3:::acme-prod-lake-inventory-eu-central-1"},
            zones={
                "raw": ZoneArgs(
                    data_class="sensor-raw", region="eu-central-1", personal_data=True, retention_days=730
                ),
                "curated": ZoneArgs(data_class="curated", region="eu-central-1"),
                "training-snapshot": ZoneArgs(
                    data_class="training-snapshot", region="eu-central-1", object_lock_days=2557
                ),
            },
            lustre_reader_account_ids=[TRAINING],
        ),
    )
    DataClassKeys(
        "data-euc1",
        DataClassKeysArgs(
            account_id=DATA,
            region="eu-central-1",
            alias_prefix="alias/acme/prod",
            keys={
                "training-snapshot": DataClassKeyArgs(
                    description="snapshots",
                    via_services=["s3"],
                    reader_account_ids=[TRAINING],
                    lustre_grant_account_ids=[TRAINING],
                ),
                "curated": DataClassKeyArgs(
                    description="curated", via_services=["s3"], reader_account_ids=[TRAINING]
                ),
                # In dev the lake and the file system share one account: its admins grant, no statement needed.
                "labels": DataClassKeyArgs(
                    description="labels", via_services=["s3"], lustre_grant_account_ids=[DATA]
                ),
            },
        ),
    )


@pytest.fixture(scope="module")
def lake():
    return run_component(data_side, account=DATA, region="eu-central-1")


def test_only_the_snapshot_bucket_admits_the_training_account_file_systems(lake):
    statements = {
        r.urn.rsplit("::", 1)[1]: {s["Sid"]: s for s in json.loads(r.inputs["policy"])["Statement"]}
        for r in lake.of_type("aws:s3/bucketPolicy:BucketPolicy")
    }
    assert (
        statements["camera-frames-training-snapshot"]["LustreReadForTrainingAccounts"] == SNAPSHOT_BUCKET_READ
    )
    assert [name for name, sids in statements.items() if "LustreReadForTrainingAccounts" in sids] == [
        "camera-frames-training-snapshot"
    ]


def test_only_keys_given_lustre_accounts_let_them_grant_and_never_their_own(lake):
    statements = {
        r.urn.rsplit("::", 1)[1]: {s["Sid"]: s for s in json.loads(r.inputs["policy"])["Statement"]}
        for r in lake.of_type("aws:kms/key:Key")
    }
    assert (
        statements["data-euc1-training-snapshot"]["LustreDecryptGrantsForTrainingAccounts"]
        == KEY_DECRYPT_GRANTS
    )
    assert "LustreDecryptGrantsForTrainingAccounts" not in statements["data-euc1-curated"]
    assert "LustreDecryptGrantsForTrainingAccounts" not in statements["data-euc1-labels"]
