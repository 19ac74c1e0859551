"""TeamTenancy under the recording mocks: namespaces, quotas, network isolation, and team roles that reach
exactly their products (personal data only inside the residency regions) and their own scratch prefix."""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
import pytest

from components.team_tenancy import (
    ProductFacts,
    TeamArgs,
    TeamQuota,
    TeamTenancy,
    TeamTenancyArgs,
    namespace_quotas,
    network_policies,
    scratch_access_point_policy,
    team_reads,
)
from platform_spec.tables import lake_classes
from tests.support.synthesis import policy, run_component

DATA, TRAINING = "222222222222", "333333333333"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
ACCESS_POINT = "aws:s3/accessPoint:AccessPoint"
READ = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:ListBucket"]
WRITE = [
    "s3:PutObject",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
    "s3:ListBucketMultipartUploads",
    "s3:DeleteObject",
]
KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]

# The lake as the spec declares it: camera-frames has personal raw data; labels are read by behavior.
PRODUCTS = {
    "camera-frames": ProductFacts(
        owner_team="perception",
        consumers=["behavior", "validation"],
        personal_zones={"raw": True, "curated": False, "training-snapshot": False},
    ),
    "perception-labels": ProductFacts(
        owner_team="perception", consumers=["behavior"], personal_zones={"curated": False}
    ),
}
NOMINAL = {
    "perception": TeamQuota(nvidia_gpus=96, qaic_devices=0, cpu=1536, memory_gib=12288),
    "behavior": TeamQuota(nvidia_gpus=48, qaic_devices=0, cpu=768, memory_gib=6144),
    "validation": TeamQuota(nvidia_gpus=16, qaic_devices=24, cpu=384, memory_gib=3072),
    "mapping": TeamQuota(nvidia_gpus=24, qaic_devices=0, cpu=384, memory_gib=3072),
}


def key(zone: str) -> str:
    return f"arn:aws:kms:eu-central-1:{DATA}:key/{zone}"


def ap(product: str, zone: str, team: str) -> str:
    return f"arn:aws:s3:eu-central-1:{DATA}:accesspoint/{lake_classes.access_point_name(product, zone, team)}"


def export(product: str) -> dict:
    """What the data stack exports for a product (components/data_product.py)."""
    facts = PRODUCTS[product]
    return {
        "domain": "camera",
        "owner_team": facts.owner_team,
        "formats": ["images"],
        "zones": {
            zone: {
                "region": "eu-central-1",
                "data_class": zone,
                "personal_data": personal,
                "bucket": f"acme-prod-{product}-{zone}",
                "bucket_arn": f"arn:aws:s3:::acme-prod-{product}-{zone}",
                "kms_key_arn": key(zone),
                "access_points": {
                    team: ap(product, zone, team)
                    for team in lake_classes.access_point_teams(
                        facts.owner_team, facts.consumers, personal_data=personal
                    )
                },
                "replicas": {},
            }
            for zone, personal in facts.personal_zones.items()
        },
    }


EXPORTS = {product: export(product) for product in PRODUCTS}


def tenancy_args(region: str, **overrides) -> TeamTenancyArgs:
    quotas = namespace_quotas(NOMINAL)
    base = dict(
        cluster_name=f"acme-prod-{region}",
        kubernetes_version="1.34",
        account_id=TRAINING,
        region=region,
        products=PRODUCTS,
        product_exports=EXPORTS,
        teams={
            team: TeamArgs(
                quota=quotas[team],
                reads=team_reads(team, PRODUCTS),
            )
            for team in NOMINAL
        },
        scratch_bucket_name=f"acme-prod-scratch-{region}",
        kms_key_arn=f"arn:aws:kms:{region}:{TRAINING}:key/platform",
    )
    return TeamTenancyArgs(**{**base, **overrides})


def build(provider):
    kubernetes = k8s.Provider("cluster", kubeconfig="{}")
    euc1 = aws.Provider("test-euc1", region="eu-central-1", allowed_account_ids=[TRAINING])
    TeamTenancy(
        "usw2", tenancy_args("us-west-2"), opts=pulumi.ResourceOptions(providers=[provider, kubernetes])
    )
    TeamTenancy(
        "euc1", tenancy_args("eu-central-1"), opts=pulumi.ResourceOptions(providers=[euc1, kubernetes])
    )


@pytest.fixture(scope="module")
def recorded():
    return run_component(build, account=TRAINING, region="us-west-2")


# --- pure helpers -------------------------------------------------------------------------------


def test_every_namespace_quota_is_the_cohort_total_kueue_may_admit():
    quotas = namespace_quotas(NOMINAL)
    cohort = TeamQuota(nvidia_gpus=184, qaic_devices=24, cpu=3072, memory_gib=24576)
    assert quotas == dict.fromkeys(NOMINAL, cohort)
    assert quotas["validation"].hard() == {
        "requests.cpu": "3072",
        "requests.memory": "24576Gi",
        "requests.nvidia.com/gpu": "184",
        "requests.qualcomm.com/qaic": "24",
    }


def test_a_team_reads_the_zones_of_its_access_points_without_personal_data():
    """The owner's access point on camera-frames/raw exists, but the training account never reads it."""
    assert team_reads("perception", PRODUCTS) == {
        "camera-frames": ["curated", "training-snapshot"],
        "perception-labels": ["curated"],
    }
    assert team_reads("validation", PRODUCTS) == {"camera-frames": ["curated", "training-snapshot"]}
    assert team_reads("mapping", PRODUCTS) == {}


def test_the_scratch_access_point_admits_the_team_tag_on_its_own_prefix_only():
    arn = f"arn:aws:s3:us-west-2:{TRAINING}:accesspoint/scratch-behavior"
    assert scratch_access_point_policy(arn, TRAINING, "behavior") == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "TeamPrefixObjects",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{TRAINING}:root"},
                "Action": [
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:GetObjectAttributes",
                    "s3:PutObject",
                    "s3:AbortMultipartUpload",
                    "s3:ListMultipartUploadParts",
                    "s3:DeleteObject",
                ],
                "Resource": f"{arn}/object/behavior/*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "behavior"}},
            },
            {
                "Sid": "TeamPrefixList",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{TRAINING}:root"},
                "Action": "s3:ListBucket",
                "Resource": arn,
                "Condition": {
                    "StringEquals": {"aws:PrincipalTag/team": "behavior"},
                    "StringLike": {"s3:prefix": ["behavior/*"]},
                },
            },
        ],
    }


# --- the component ------------------------------------------------------------------------------


def read_statements(product: str, zones: list[str], team: str) -> list[dict]:
    statements = []
    for zone in sorted(zones):
        sid = "".join(part.capitalize() for part in f"{zone}-read".split("-"))
        statements += [
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": READ,
                "Resource": [ap(product, zone, team), f"{ap(product, zone, team)}/object/*"],
            },
            {
                "Sid": f"{sid}Key",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": key(zone),
                "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"}},
            },
        ]
    return statements


def test_each_team_role_reaches_exactly_its_products(recorded):
    grants = {
        name: policy(recorded.one(ROLE_POLICY, name))["Statement"]
        for name in recorded.names(ROLE_POLICY)
        if "-reads-" in name
    }
    assert grants == {
        # The owner's raw (personal) zone is granted in no cluster, not even in the EU.
        "euc1-perception-reads-camera-frames": read_statements(
            "camera-frames", ["curated", "training-snapshot"], "perception"
        ),
        "euc1-perception-reads-perception-labels": read_statements(
            "perception-labels", ["curated"], "perception"
        ),
        "euc1-behavior-reads-camera-frames": read_statements(
            "camera-frames", ["curated", "training-snapshot"], "behavior"
        ),
        "euc1-behavior-reads-perception-labels": read_statements(
            "perception-labels", ["curated"], "behavior"
        ),
        "euc1-validation-reads-camera-frames": read_statements(
            "camera-frames", ["curated", "training-snapshot"], "validation"
        ),
        "usw2-perception-reads-camera-frames": read_statements(
            "camera-frames", ["curated", "training-snapshot"], "perception"
        ),
        "usw2-perception-reads-perception-labels": read_statements(
            "perception-labels", ["curated"], "perception"
        ),
        "usw2-behavior-reads-camera-frames": read_statements(
            "camera-frames", ["curated", "training-snapshot"], "behavior"
        ),
        "usw2-behavior-reads-perception-labels": read_statements(
            "perception-labels", ["curated"], "behavior"
        ),
        "usw2-validation-reads-camera-frames": read_statements(
            "camera-frames", ["curated", "training-snapshot"], "validation"
        ),
    }
    role_of = {r.urn: r for r in recorded.of_type(ROLE)}
    for name in grants:
        attached = recorded.one(ROLE_POLICY, name).property_dependencies["role"]
        assert [role_of[urn].urn.rsplit("::", 1)[1] for urn in attached] == [name.split("-reads-")[0]]


def test_team_roles_are_tagged_for_the_access_points_and_trusted_by_pod_identity_only(recorded):
    assert recorded.names(ROLE) == [f"{c}-{t}" for c in ("euc1", "usw2") for t in sorted(NOMINAL)]
    for role in recorded.of_type(ROLE):
        team = role.urn.rsplit("::", 1)[1].split("-", 1)[1]
        assert role.inputs["tags"] == {"team": team}
        (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
        assert trust == {
            "Sid": "EksPodIdentity",
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {"aws:SourceAccount": TRAINING}},
        }


def test_pod_identity_binds_each_team_role_to_its_namespace_jobs_account(recorded):
    association = recorded.one(ASSOCIATION, "usw2-behavior")
    assert association.inputs["clusterName"] == "acme-prod-us-west-2"
    assert association.inputs["namespace"] == "team-behavior"
    assert association.inputs["serviceAccount"] == "jobs"
    assert association.inputs["roleArn"] == recorded.one(ROLE, "usw2-behavior").outputs["arn"]
    assert len(recorded.of_type(ASSOCIATION)) == 2 * len(NOMINAL)


def test_each_team_writes_only_its_scratch_prefix(recorded):
    access_point = recorded.one(ACCESS_POINT, "usw2-scratch-mapping")
    arn = access_point.outputs["arn"]
    assert access_point.inputs["name"] == "scratch-mapping"
    assert policy(access_point) == scratch_access_point_policy(arn, TRAINING, "mapping")
    platform = f"arn:aws:kms:us-west-2:{TRAINING}:key/platform"
    s3 = {"StringEquals": {"kms:ViaService": "s3.us-west-2.amazonaws.com"}}
    assert policy(recorded.one(ROLE_POLICY, "usw2-mapping-scratch-write"))["Statement"] == [
        {"Sid": "ScratchWrite", "Effect": "Allow", "Action": WRITE, "Resource": [arn, f"{arn}/object/*"]},
        {
            "Sid": "ScratchWriteKey",
            "Effect": "Allow",
            "Action": KEY_USE,
            "Resource": platform,
            "Condition": s3,
        },
    ]
    assert policy(recorded.one(ROLE_POLICY, "usw2-mapping-scratch-read"))["Statement"] == [
        {"Sid": "ScratchRead", "Effect": "Allow", "Action": READ, "Resource": [arn, f"{arn}/object/*"]},
        {
            "Sid": "ScratchReadKey",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:DescribeKey"],
            "Resource": platform,
            "Condition": s3,
        },
    ]
    # mapping reads no product: its only grants are on its scratch prefix.
    assert [n for n in recorded.names(ROLE_POLICY) if n.startswith("usw2-mapping-")] == [
        "usw2-mapping-scratch-read",
        "usw2-mapping-scratch-write",
    ]


def test_the_scratch_bucket_is_short_lived_encrypted_and_delegates_to_access_points(recorded):
    bucket = recorded.one("aws:s3/bucket:Bucket", "usw2-scratch")
    assert bucket.inputs["bucket"] == "acme-prod-scratch-us-west-2"
    assert bucket.inputs["tags"] == {"purpose": "scratch", "data-class": "platform", "personal-data": "false"}
    lifecycle = recorded.one(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "usw2-scratch"
    )
    assert lifecycle.inputs["rules"][0]["expiration"] == {"days": 30}
    sse = recorded.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "usw2-scratch",
    )
    assert sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": f"arn:aws:kms:us-west-2:{TRAINING}:key/platform",
    }
    statements = {
        s["Sid"]: s
        for s in policy(recorded.one("aws:s3/bucketPolicy:BucketPolicy", "usw2-scratch"))["Statement"]
    }
    assert statements["DelegateToOwnAccessPoints"]["Condition"] == {
        "StringEquals": {"s3:DataAccessPointAccount": TRAINING}
    }


def test_namespaces_enforce_the_restricted_pod_security_profile(recorded):
    namespace = recorded.one("kubernetes:core/v1:Namespace", "usw2-validation")
    assert namespace.inputs["metadata"] == {
        "name": "team-validation",
        "labels": {
            "app.kubernetes.io/part-of": "mlplatform",
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/component": "team-tenancy",
            "team": "validation",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/enforce-version": "v1.34",
            "pod-security.kubernetes.io/audit-version": "v1.34",
            "pod-security.kubernetes.io/warn-version": "v1.34",
        },
    }


def test_quota_limits_and_service_account_of_a_namespace(recorded):
    quota = recorded.one("kubernetes:core/v1:ResourceQuota", "usw2-validation")
    assert quota.inputs["metadata"]["namespace"] == "team-validation"
    # The cohort's total of NOMINAL: the most Kueue may admit for validation on borrowed quota.
    assert quota.inputs["spec"] == {
        "hard": {
            "requests.cpu": "3072",
            "requests.memory": "24576Gi",
            "requests.nvidia.com/gpu": "184",
            "requests.qualcomm.com/qaic": "24",
        }
    }
    limits = recorded.one("kubernetes:core/v1:LimitRange", "usw2-validation")
    assert limits.inputs["spec"] == {
        "limits": [
            {
                "type": "Container",
                "defaultRequest": {"cpu": "1", "memory": "4Gi"},
                "default": {"memory": "4Gi"},
            }
        ]
    }
    account = recorded.one("kubernetes:core/v1:ServiceAccount", "usw2-validation")
    assert account.inputs["metadata"]["name"] == "jobs"
    assert account.inputs["automountServiceAccountToken"] is False
    namespace = recorded.one("kubernetes:core/v1:Namespace", "usw2-validation")
    for registration in (quota, limits, account):
        assert namespace.urn in registration.dependencies


def test_network_policies_deny_by_default_and_allow_only_what_jobs_need(recorded):
    policies = {
        r.inputs["metadata"]["name"]: r.inputs["spec"]
        for r in recorded.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        if r.inputs["metadata"]["namespace"] == "team-behavior"
    }
    assert policies["default-deny"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    allow = policies["allow-job-traffic"]
    assert allow["ingress"] == [{"from": [{"podSelector": {}}]}]
    assert allow["egress"] == [
        {"to": [{"podSelector": {}}]},
        {
            "to": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                }
            ],
            "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
        },
        {"to": [{"ipBlock": {"cidr": "169.254.170.23/32"}}], "ports": [{"protocol": "TCP", "port": 80}]},
        {
            "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["169.254.0.0/16"]}}],
            "ports": [{"protocol": "TCP", "port": 443}],
        },
    ]
    assert set(policies) == set(network_policies())


def test_kubernetes_objects_use_the_cluster_provider_and_aws_resources_the_regional_one(recorded):
    for registration in recorded.registrations:
        if registration.type.startswith("kubernetes:"):
            assert "::cluster::" in registration.provider, registration.urn
        elif registration.custom and registration.type.startswith("aws:"):
            region = "test-euc1" if "::euc1" in registration.urn else "test"
            assert f"providers:aws::{region}::" in registration.provider, registration.urn


def test_no_cluster_reads_personal_data_not_even_in_residency():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        tenancy_args(
            "eu-central-1",
            teams={
                "perception": TeamArgs(
                    quota=NOMINAL["perception"], reads={"camera-frames": ["raw", "curated"]}
                ),
                "behavior": TeamArgs(quota=NOMINAL["behavior"], reads={"camera-frames": ["raw"]}),
            },
        )
    assert raised.value.errors == [
        {
            "property_path": "teams.perception.reads.camera-frames",
            "reason": "'raw': camera-frames/raw holds personal data; personal data is never read from the "
            "training account: the keys of personal classes admit only the data account (stacks/foundation.py), "
            "and training reads anonymized zones",
        },
        {
            "property_path": "teams.behavior.reads.camera-frames",
            "reason": "'raw': team behavior has no access point on camera-frames/raw (owner perception, "
            "consumers behavior, validation)",
        },
    ]


def test_reads_must_name_known_products_and_zones():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        tenancy_args(
            "eu-central-1",
            teams={
                "mapping": TeamArgs(
                    quota=NOMINAL["mapping"], reads={"hd-maps": ["curated"], "camera-frames": ["gold"]}
                )
            },
            scratch_expiry_days=365,
        )
    assert [e["property_path"] for e in raised.value.errors] == [
        "scratch_expiry_days",
        "teams.mapping.reads.hd-maps",
        "teams.mapping.reads.camera-frames",
    ]


# --- prod as planned ----------------------------------------------------------------------------


def test_in_prod_each_team_role_uses_only_its_own_access_points_and_no_personal_data(plans):
    from platform_spec import load_spec

    platform = load_spec("prod")
    personal = {
        lake_classes.access_point_name(key, zone, team)
        for key, product in platform.env.data_lake.products.items()
        for zone, spec in product.zones.items()
        if platform.org.data_classes[spec.data_class].personal_data
        for team in platform.env.teams
    }
    stacks = json.loads(plans.inventory("prod").read_text(encoding="utf-8"))["stacks"]
    grants = [
        (r["urn"].rsplit("::", 1)[1], json.loads(r["inputs"]["policy"]))
        for r in stacks["prod-compute"]["deployment"]["resources"]
        if r["type"] == ROLE_POLICY and "-tenancy-" in r["urn"] and "-reads-" in r["urn"]
    ]
    seen = set()
    for name, document in grants:
        region, rest = name.split("-tenancy-")
        team, product = rest.split("-reads-")
        access_points = [
            resource.rsplit("/", 1)[1]
            for statement in document["Statement"]
            if statement["Action"] == READ
            for resource in statement["Resource"]
            if "/object/" not in resource
        ]
        assert access_points and all(
            ap.startswith(f"{product}-") and ap.endswith(f"-{team}") for ap in access_points
        )
        assert not set(access_points) & personal, name
        seen.add((region, team, product))
    assert personal  # prod has personal-data zones (camera-frames raw) that no team role reaches
    assert {
        ("eu-central-1", "perception", "camera-frames"),
        ("us-west-2", "perception", "camera-frames"),
    } <= seen
