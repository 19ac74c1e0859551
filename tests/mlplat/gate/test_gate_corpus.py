"""A corpus of unsafe changes to the prod plan, each one caught by the gate with the rule meant to catch it.

Rules that judge every bucket are exercised on the small `org` stack (the CloudTrail archive); only the
lake's own rules mutate `prod-data`, whose stack analysis is the slow part of a gate run.

Each mutation changes one thing in one stack of the real prod inventory (inputs and outputs alike, as
a deployment would record them); the gate runs over that stack through the pack process, and the
findings it adds to the unmutated baseline must be exactly the expected rule(s).
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable

import pytest

from tests.mlplat.gate.gatekit import gate

BUCKET = "aws:s3/bucket:Bucket"
CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def find(
    resources: list[dict], type_: str, name: str | None = None, where: Callable[[dict], bool] | None = None
):
    for resource in resources:
        if resource["type"] != type_ or (name is not None and not resource["urn"].endswith(f"::{name}")):
            continue
        if where is None or where(resource):
            return resource
    raise AssertionError(f"no {type_} {name or ''} in the stack")


def set_both(resource: dict, key: str, value) -> None:
    """Inputs for Analyze, outputs for AnalyzeStack: a deployment records both."""
    for side in ("inputs", "outputs"):
        resource.setdefault(side, {})[key] = copy.deepcopy(value)


def edit_both(resource: dict, key: str, edit: Callable) -> None:
    for side in ("inputs", "outputs"):
        if key in resource.get(side, {}):
            resource[side][key] = edit(resource[side][key])


def remove(resources: list[dict], resource: dict) -> None:
    resources.remove(resource)


def edit_policy(statements_edit: Callable[[list], list]) -> Callable[[str], str]:
    def edit(document: str) -> str:
        parsed = json.loads(document)
        parsed["Statement"] = statements_edit(parsed["Statement"])
        return json.dumps(parsed)

    return edit


def attachment_of(resources, policy_name):
    policy = find(resources, "aws:organizations/policy:Policy", f"organization-{policy_name}")
    return find(
        resources,
        "aws:organizations/policyAttachment:PolicyAttachment",
        where=lambda r: policy["urn"] in r.get("propertyDependencies", {}).get("policyId", []),
    )


def lifecycle_rules_edit(edit_rule: Callable[[dict], dict]) -> Callable[[list], list]:
    return lambda rules: [edit_rule(dict(rule)) for rule in rules]


def without(key: str) -> Callable[[dict], dict]:
    return lambda rule: {k: v for k, v in rule.items() if k != key}


def drop_both(resource: dict, key: str) -> None:
    for side in ("inputs", "outputs"):
        resource.get(side, {}).pop(key, None)


def without_kubelet_taints(user_data: str) -> str:
    """The custom AMI's nodeadm user data without its `--register-with-taints` kubelet flag."""
    lines = base64.b64decode(user_data).decode().splitlines(keepends=True)
    return base64.b64encode("".join(x for x in lines if "--register-with-taints" not in x).encode()).decode()


def duplicate(resources: list[dict], resource: dict, suffix: str) -> None:
    copied = copy.deepcopy(resource)
    copied["urn"] += suffix
    resources.append(copied)


def with_gpu_quota(quota: str) -> Callable[[dict], dict]:
    """A Kueue ClusterQueue spec whose nominal quota of nvidia.com/gpu is `quota`."""

    def edit(spec: dict) -> dict:
        spec = copy.deepcopy(spec)
        for group in spec["resourceGroups"]:
            for flavor in group["flavors"]:
                for resource in flavor["resources"]:
                    if resource["name"] == "nvidia.com/gpu":
                        resource["nominalQuota"] = quota
        return spec

    return edit


# (id, stack suffix, mutation, expected new rules)
MUTATIONS: list[tuple[str, str, Callable[[list[dict]], None], set[str]]] = [
    ("archive-public-access-block-removed", "org",
     lambda rs: remove(rs, find(rs, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")),
     {"s3-bucket-public-access-block-attached"}),
    ("archive-public-policy-allowed", "org",
     lambda rs: set_both(find(rs, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), "blockPublicPolicy", False),
     {"s3-bucket-public-access-block-enabled"}),
    ("archive-tls-statement-dropped", "org",
     lambda rs: edit_both(find(rs, "aws:s3/bucketPolicy:BucketPolicy"), "policy",
                          edit_policy(lambda st: [s for s in st if s["Sid"] != "DenyInsecureTransport"])),
     {"s3-bucket-tls-only"}),
    ("archive-versioning-suspended", "org",
     lambda rs: set_both(find(rs, "aws:s3/bucketVersioning:BucketVersioning"), "versioningConfiguration",
                         {"status": "Suspended"}),
     {"s3-bucket-versioning-enabled"}),
    ("archive-encryption-removed", "org",
     lambda rs: remove(rs, find(rs, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")),
     {"s3-bucket-encryption-attached"}),
    ("archive-lock-shortened", "org",
     lambda rs: set_both(find(rs, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"), "rule",
                         {"defaultRetention": {"mode": "COMPLIANCE", "days": 30}}),
     {"cloudtrail-trail-bucket-object-lock"}),
    ("trail-single-region", "org",
     lambda rs: set_both(find(rs, "aws:cloudtrail/trail:Trail"), "isMultiRegionTrail", False),
     {"cloudtrail-trail-multi-region-validated"}),
    ("trail-unencrypted", "org",
     lambda rs: set_both(find(rs, "aws:cloudtrail/trail:Trail"), "kmsKeyId", ""),
     {"cloudtrail-trail-kms-encrypted"}),
    ("trail-not-organization-wide", "org",
     lambda rs: set_both(find(rs, "aws:cloudtrail/trail:Trail"), "isOrganizationTrail", False),
     {"cloudtrail-trail-organization-present"}),
    ("imdsv2-scp-detached", "org",
     lambda rs: remove(rs, attachment_of(rs, "require-imdsv2")),
     {"organizations-scp-imdsv2-required"}),
    ("cloudtrail-scp-lets-logging-stop", "org",
     lambda rs: edit_both(find(rs, "aws:organizations/policy:Policy", "organization-protect-cloudtrail"), "content",
                          edit_policy(lambda st: [{**s, "Action": [a for a in s["Action"] if a != "cloudtrail:StopLogging"]} for s in st])),
     {"organizations-scp-cloudtrail-protected"}),
    ("leave-scp-detached", "org",
     lambda rs: remove(rs, find(rs, "aws:organizations/policyAttachment:PolicyAttachment", "organization-deny-leave-organization-root")),
     {"organizations-scp-deny-leave"}),
    ("region-scp-opens-mumbai", "org",
     lambda rs: edit_both(find(rs, "aws:organizations/policy:Policy", "organization-allowed-regions"), "content",
                          edit_policy(lambda st: [{**s, "Condition": {"StringNotEquals": {"aws:RequestedRegion": [
                              *s["Condition"]["StringNotEquals"]["aws:RequestedRegion"], "ap-south-1"]}}} for s in st])),
     {"organizations-scp-region-allow-list"}),
    ("residency-scp-opens-virginia", "org",
     lambda rs: edit_both(find(rs, "aws:organizations/policy:Policy", "organization-personal-data-regions"), "content",
                          edit_policy(lambda st: [{**s, "Condition": {"StringNotEquals": {"aws:RequestedRegion": [
                              "eu-central-1", "eu-west-1", "us-east-1"]}}} for s in st])),
     {"organizations-scp-personal-data-residency"}),
    ("scp-allows-everything", "org",
     lambda rs: edit_both(find(rs, "aws:organizations/policy:Policy", "organization-deny-leave-organization"), "content",
                          edit_policy(lambda st: [*st, {"Sid": "AllowAll", "Effect": "Allow", "Action": "*", "Resource": "*"}])),
     {"iam-policy-no-admin-wildcard"}),
    ("account-unprotected", "org",
     lambda rs: find(rs, "aws:organizations/account:Account").pop("protect"),
     {"organizations-account-protect"}),
    ("archive-key-rotation-off", "org",
     lambda rs: set_both(find(rs, "aws:kms/key:Key"), "enableKeyRotation", False),
     {"kms-key-rotation-enabled"}),
    ("archive-key-deletion-window-7", "org",
     lambda rs: set_both(find(rs, "aws:kms/key:Key"), "deletionWindowInDays", 7),
     {"kms-key-deletion-window"}),
    ("archive-key-open-to-anyone", "org",
     lambda rs: edit_both(find(rs, "aws:kms/key:Key"), "policy",
                          edit_policy(lambda st: [*st, {"Sid": "Anyone", "Effect": "Allow", "Principal": "*",
                                                        "Action": "kms:Decrypt", "Resource": "*"}])),
     {"kms-key-policy-no-public-principal"}),
    ("management-provider-in-sydney", "org",
     lambda rs: set_both(find(rs, "pulumi:providers:aws", "management-eu-central-1"), "region", "ap-southeast-2"),
     {"aws-provider-region-allowed"}),
    ("deploy-role-trusts-anyone", "foundation",
     lambda rs: edit_both(find(rs, "aws:iam/role:Role"), "assumeRolePolicy",
                          edit_policy(lambda st: [{**s, "Principal": "*"} for s in st])),
     {"iam-role-trust-no-wildcard-principal"}),
    ("s3-gateway-endpoint-removed", "foundation",
     lambda rs: remove(rs, find(rs, "aws:ec2/vpcEndpoint:VpcEndpoint", where=lambda r: r["inputs"]["vpcEndpointType"] == "Gateway")),
     {"ec2-vpc-s3-gateway-endpoint"}),
    ("extra-nat-gateway", "foundation",
     lambda rs: duplicate(rs, find(rs, "aws:ec2/natGateway:NatGateway"), "-extra"),
     {"ec2-vpc-nat-gateway-count"}),
    ("idle-elastic-ip", "foundation",
     lambda rs: duplicate(rs, find(rs, "aws:ec2/eip:Eip"), "-idle"),
     {"ec2-eip-associated"}),
    ("default-security-group-opened", "foundation",
     lambda rs: set_both(find(rs, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"), "ingress",
                         [{"protocol": "-1", "fromPort": 0, "toPort": 0, "cidrBlocks": ["10.0.0.0/8"]}]),
     {"ec2-default-security-group-closed"}),
    ("endpoint-https-from-internet", "foundation",
     lambda rs: set_both(find(rs, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), "cidrIpv4", "0.0.0.0/0"),
     {"ec2-security-group-ingress-no-world"}),
    ("private-subnet-public-ips", "foundation",
     lambda rs: set_both(find(rs, "aws:ec2/subnet:Subnet"), "mapPublicIpOnLaunch", True),
     {"ec2-subnet-no-public-ip-on-launch"}),
    ("interface-endpoint-without-private-dns", "foundation",
     lambda rs: set_both(find(rs, "aws:ec2/vpcEndpoint:VpcEndpoint", where=lambda r: r["inputs"]["vpcEndpointType"] == "Interface"),
                         "privateDnsEnabled", False),
     {"ec2-vpc-endpoint-private-dns"}),
    ("data-class-key-unprotected", "foundation",
     lambda rs: find(rs, "aws:kms/key:Key").pop("protect"),
     {"kms-key-protect"}),
    ("provider-unbound", "foundation",
     lambda rs: set_both(find(rs, "pulumi:providers:aws"), "allowedAccountIds", "[]"),
     {"aws-provider-allowed-account-ids"}),
    ("vpc-cost-center-emptied", "foundation",
     lambda rs: set_both(find(rs, "aws:ec2/vpc:Vpc"), "tags", {"Name": "x", "cost-center": ""}),
     {"aws-resource-required-tags"}),
    ("provider-loses-owner-tag", "foundation",
     lambda rs: edit_both(find(rs, "pulumi:providers:aws"), "defaultTags",
                          lambda t: json.dumps({"tags": {k: v for k, v in json.loads(t)["tags"].items() if k != "owner"}})),
     {"aws-provider-default-tags", "aws-resource-required-tags"}),
    ("archive-on-sse-s3", "org",
     lambda rs: set_both(find(rs, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                              "cloudtrail-archive"),
                         "rules", [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": True}]),
     {"s3-bucket-encryption-customer-key"}),
    ("archive-lifecycle-removed", "org",
     lambda rs: remove(rs, find(rs, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")),
     {"s3-bucket-lifecycle-attached"}),
    ("multipart-uploads-kept", "org",
     lambda rs: edit_both(find(rs, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"),
                          "rules", lifecycle_rules_edit(without("abortIncompleteMultipartUpload"))),
     {"s3-bucket-lifecycle-abort-multipart"}),
    ("noncurrent-versions-kept", "org",
     lambda rs: edit_both(find(rs, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"),
                          "rules", lifecycle_rules_edit(without("noncurrentVersionExpiration"))),
     {"s3-bucket-lifecycle-noncurrent-expiration"}),
    ("tiering-dropped", "data",
     lambda rs: edit_both(find(rs, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "camera-frames-raw"),
                          "rules", lifecycle_rules_edit(lambda r: {k: v for k, v in r.items() if k not in {"transitions", "expiration"}})),
     {"s3-bucket-tiering"}),
    ("access-logging-removed", "data",
     lambda rs: remove(rs, find(rs, "aws:s3/bucketLogging:BucketLogging", "camera-frames-raw")),
     {"s3-bucket-access-logging"}),
    ("snapshot-lock-shortened", "data",
     lambda rs: set_both(find(rs, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
                              "camera-frames-training-snapshot"), "rule",
                         {"defaultRetention": {"mode": "COMPLIANCE", "days": 30}}),
     {"s3-bucket-object-lock"}),
    ("raw-drive-data-in-virginia", "data",
     lambda rs: set_both(find(rs, BUCKET, "vehicle-signals-raw"), "region", "us-east-1"),
     {"s3-bucket-personal-data-residency"}),
    ("personal-replica-outside-the-stack", "data",
     lambda rs: edit_both(find(rs, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "drive-recordings-raw"), "rules",
                          lambda rules: [{**r, "destination": {**r["destination"], "bucket": "arn:aws:s3:::partner-us-bucket"}}
                                         for r in rules]),
     {"s3-bucket-replication-residency"}),
    ("replicas-without-kms", "data",
     lambda rs: edit_both(find(rs, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "camera-frames-training-snapshot"),
                          "rules", lifecycle_rules_edit(without("sourceSelectionCriteria"))),
     {"s3-bucket-replication-kms"}),
    ("access-point-opened", "data",
     lambda rs: set_both(find(rs, "aws:s3/accessPoint:AccessPoint"), "publicAccessBlockConfiguration",
                         {"blockPublicAcls": True, "blockPublicPolicy": False, "ignorePublicAcls": True,
                          "restrictPublicBuckets": False}),
     {"s3-access-point-public-access-block"}),
    ("archive-force-destroy", "org",
     lambda rs: set_both(find(rs, BUCKET), "forceDestroy", True),
     {"s3-bucket-force-destroy-disabled"}),
    ("archive-unprotected", "org",
     lambda rs: find(rs, BUCKET).pop("protect"),
     {"s3-bucket-protect"}),
    ("archive-acls-enabled", "org",
     lambda rs: set_both(find(rs, "aws:s3/bucketOwnershipControls:BucketOwnershipControls"), "rule",
                         {"objectOwnership": "ObjectWriter"}),
     {"s3-bucket-ownership-enforced"}),
    ("image-tags-mutable", "registry",
     lambda rs: set_both(find(rs, "aws:ecr/repository:Repository"), "imageTagMutability", "MUTABLE"),
     {"ecr-repository-immutable-tags"}),
    ("replicated-repositories-mutable", "registry",
     lambda rs: set_both(find(rs, "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"),
                         "imageTagMutability", "MUTABLE"),
     {"ecr-repository-immutable-tags"}),
    ("images-not-scanned", "registry",
     lambda rs: set_both(find(rs, "aws:ecr/repository:Repository"), "imageScanningConfiguration",
                         {"scanOnPush": False}),
     {"ecr-repository-scan-on-push"}),
    ("images-aws-managed-key", "registry",
     lambda rs: set_both(find(rs, "aws:ecr/repository:Repository"), "encryptionConfigurations",
                         [{"encryptionType": "AES256"}]),
     {"ecr-repository-kms-encrypted"}),
    ("snapshot-not-marked-safety-relevant", "data",
     lambda rs: edit_both(find(rs, BUCKET, "camera-frames-training-snapshot"), "tags",
                          lambda tags: {**tags, "safety-relevant": "false"}),
     {"s3-bucket-data-classification-tags"}),
    ("cluster-endpoint-public-to-the-world", "compute",
     lambda rs: edit_both(find(rs, CLUSTER, "eu-central-1"), "vpcConfig",
                          lambda v: {**v, "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]}),
     {"eks-cluster-endpoint-private"}),
    ("cluster-audit-log-off", "compute",
     lambda rs: edit_both(find(rs, CLUSTER, "us-west-2"), "enabledClusterLogTypes",
                          lambda types: [t for t in types if t != "audit"]),
     {"eks-cluster-control-plane-logging"}),
    ("cluster-secrets-unencrypted", "compute",
     lambda rs: edit_both(find(rs, CLUSTER, "eu-central-1"), "encryptionConfig", lambda e: {**e, "resources": []}),
     {"eks-cluster-secrets-encrypted"}),
    ("cluster-deletion-unprotected", "compute",
     lambda rs: set_both(find(rs, CLUSTER, "us-west-2"), "deletionProtection", False),
     {"eks-cluster-deletion-protection"}),
    ("cluster-aws-auth-configmap", "compute",
     lambda rs: edit_both(find(rs, CLUSTER, "eu-central-1"), "accessConfig",
                          lambda a: {**a, "authenticationMode": "API_AND_CONFIG_MAP"}),
     {"eks-cluster-access-entries-only"}),
    ("cluster-extended-support", "compute",
     lambda rs: set_both(find(rs, CLUSTER, "eu-central-1"), "upgradePolicy", {"supportType": "EXTENDED"}),
     {"eks-cluster-standard-support"}),
    ("nodes-allow-imdsv1", "compute",
     lambda rs: edit_both(find(rs, LAUNCH_TEMPLATE, "eu-central-1-batch-l40s-spot"), "metadataOptions",
                          lambda m: {**m, "httpTokens": "optional"}),
     {"ec2-launch-template-imdsv2"}),
    ("node-volumes-aws-managed-key", "compute",
     lambda rs: edit_both(find(rs, LAUNCH_TEMPLATE, "us-west-2-train-h100"), "blockDeviceMappings",
                          lambda mappings: [{**m, "ebs": {k: v for k, v in m["ebs"].items() if k != "kmsKeyId"}}
                                            for m in mappings]),
     {"ec2-launch-template-ebs-encrypted"}),
    ("node-group-without-launch-template", "compute",
     lambda rs: drop_both(find(rs, NODE_GROUP, "eu-central-1-system"), "launchTemplate"),
     {"eks-nodegroup-launch-template"}),
    ("training-on-p4de", "compute",
     lambda rs: set_both(find(rs, NODE_GROUP, "eu-central-1-train-a100"), "instanceTypes", ["p4de.24xlarge"]),
     {"eks-nodegroup-instance-type-allowed", "eks-nodegroup-worst-case-priced"}),  # p4de: no price in eu-central-1
    ("batch-pool-loses-its-spot-group", "compute",
     lambda rs: remove(rs, find(rs, NODE_GROUP, "eu-central-1-batch-l40s-spot")),
     {"eks-nodegroup-spot-first"}),
    ("eval-gpus-kept-warm", "compute",
     lambda rs: edit_both(find(rs, NODE_GROUP, "eu-central-1-eval-l4-spot"), "scalingConfig",
                          lambda c: {**c, "minSize": 2, "desiredSize": 2}),
     {"eks-nodegroup-scale-to-zero"}),
    ("gpu-cap-exceeded", "compute",
     lambda rs: edit_both(find(rs, NODE_GROUP, "us-west-2-batch-l40s-spot"), "scalingConfig",
                          lambda c: {**c, "maxSize": 64}),
     {"eks-nodegroup-accelerator-cap"}),
    ("ai100-taint-dropped", "compute",
     lambda rs: set_both(find(rs, NODE_GROUP, "us-west-2-ai100"), "taints", []),
     {"eks-nodegroup-accelerator-taint"}),
    ("ai100-kubelet-taint-dropped", "compute",
     lambda rs: edit_both(find(rs, LAUNCH_TEMPLATE, "eu-central-1-ai100"), "userData", without_kubelet_taints),
     {"eks-nodegroup-accelerator-taint"}),
    ("control-plane-logs-kept-forever", "compute",
     lambda rs: drop_both(find(rs, LOG_GROUP, "eu-central-1-control-plane"), "retentionInDays"),
     {"logs-log-group-retention"}),
    ("control-plane-logs-without-customer-key", "compute",
     lambda rs: drop_both(find(rs, LOG_GROUP, "us-west-2-control-plane"), "kmsKeyId"),
     {"logs-log-group-kms-encrypted"}),
    ("interruption-queue-unencrypted", "compute",
     lambda rs: set_both(find(rs, "aws:sqs/queue:Queue"), "sqsManagedSseEnabled", False),
     {"sqs-queue-encrypted"}),
    ("interruption-queue-plain-http", "compute",
     lambda rs: edit_both(find(rs, "aws:sqs/queuePolicy:QueuePolicy"), "policy",
                          edit_policy(lambda st: [s for s in st if s["Sid"] != "DenyHTTP"])),
     {"sqs-queue-tls-only"}),
    ("team-role-reads-another-teams-access-point", "compute",
     lambda rs: edit_both(find(rs, "aws:iam/rolePolicy:RolePolicy", "eu-central-1-tenancy-validation-reads-camera-frames"),
                          "policy", edit_policy(lambda st: [
                              {**s, "Resource": [r.replace("-validation", "-perception") for r in s["Resource"]]}
                              if s["Sid"] == "CuratedRead" else s for s in st])),
     {"iam-role-team-products-only"}),
    ("karpenter-gpu-pool-untainted", "compute",
     lambda rs: edit_both(find(rs, "kubernetes:karpenter.sh/v1:NodePool", "us-west-2-karpenter-batch-spot"), "spec",
                          lambda spec: {**spec, "template": {**spec["template"],
                                                             "spec": {**spec["template"]["spec"], "taints": []}}}),
     {"eks-nodegroup-accelerator-taint"}),
    ("karpenter-pool-any-instance-type", "compute",
     lambda rs: edit_both(find(rs, "kubernetes:karpenter.sh/v1:NodePool", "eu-central-1-karpenter-batch-spot"), "spec",
                          lambda spec: {**spec, "template": {**spec["template"], "spec": {
                              **spec["template"]["spec"],
                              "requirements": [r for r in spec["template"]["spec"]["requirements"]
                                               if r["key"] != "node.kubernetes.io/instance-type"]}}}),
     {"eks-nodegroup-instance-type-allowed", "eks-nodegroup-accelerator-cap",
      "eks-nodegroup-worst-case-priced"}),  # no instance types: its worst case cannot be priced
    ("karpenter-on-demand-tried-before-spot", "compute",
     lambda rs: edit_both(find(rs, "kubernetes:karpenter.sh/v1:NodePool", "us-west-2-karpenter-batch-on-demand"), "spec",
                          lambda spec: {**spec, "weight": 100}),
     {"eks-nodegroup-spot-first"}),
    ("lustre-grown-past-the-budget-cap", "compute",
     lambda rs: set_both(find(rs, "aws:fsx/lustreFileSystem:LustreFileSystem", "us-west-2-lustre"), "storageCapacity", 12_000_000),
     {"budgets-environment-worst-case-under-cap"}),
    ("team-gpu-quota-beyond-its-budget", "compute",
     lambda rs: edit_both(find(rs, "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue", "eu-central-1-kueue-perception"),
                          "spec", with_gpu_quota("400")),
     {"eks-nodegroup-team-gpu-worst-case-under-budget"}),
    ("standard-ia-ten-days-before-expiry", "data",
     lambda rs: edit_both(find(rs, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "hd-map-tiles-curated"),
                          "rules", lifecycle_rules_edit(lambda r: {**r, "transitions": [{"days": 30, "storageClass": "STANDARD_IA"}],
                                                                   "expiration": {"days": 40}} if r["id"] == "tiering" else r)),
     {"s3-bucket-lifecycle-transition-pays-off"}),
    ("account-budget-removed", "foundation",
     lambda rs: remove(rs, find(rs, "aws:budgets/budget:Budget", "prod-data-budget")),
     {"budgets-budget-every-account"}),
]  # fmt: skip


@pytest.fixture(scope="module")
def prod(planned):
    return planned.stacks("prod")


@pytest.fixture(scope="module")
def baseline(pack, prod):
    """Findings of the unmutated stacks: the mutated run must add exactly the expected ones."""
    return {stack: {(v.rule, v.urn, v.message) for v in gate(pack, {stack: rs}, "prod").violations}
            for stack, rs in prod.items()}  # fmt: skip


def test_the_corpus_covers_most_rules(pack):
    from mlplat.gate.check import pack_rules

    covered = set().union(*(expected for *_, expected in MUTATIONS))
    _, _, rules, _ = pack_rules(pack)
    assert len(MUTATIONS) >= 30
    assert sorted({rule.name for rule in rules} - covered) == []


@pytest.mark.parametrize(
    ("stack_suffix", "mutate", "expected"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS]
)
def test_each_unsafe_change_is_caught_by_its_rule(pack, prod, baseline, stack_suffix, mutate, expected):
    stack = next(name for name in prod if name == stack_suffix or name.endswith(f"-{stack_suffix}"))
    resources = copy.deepcopy(prod[stack])
    mutate(resources)
    result = gate(pack, {stack: resources}, "prod")
    added = {(v.rule, v.urn, v.message) for v in result.violations} - baseline[stack]
    assert {rule for rule, _, _ in added} == expected, sorted(added)
    assert all(v.evaluated for v in result.violations)
