"""What the rules share: rule constructors, frameworks, tags, regions, policy documents, stack links.

The pack runs inside Pulumi's policy analyzer with the pack directory first on `sys.path`, so
everything here is plain Python over the property mappings the analyzer hands in. Those
mappings raise `UnknownValueError` when a rule reads a value that is unknown during preview;
the helpers let that propagate, and the analyzer reports "can't run policy during preview".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    PolicyComplianceFramework,
    PolicyConfigSchema,
    PolicyProviderResource,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

# --- compliance frameworks ---------------------------------------------------------------------

ISO_26262_CONFIGURATION = PolicyComplianceFramework(
    name="ISO 26262", version="2018", reference="Part 8, clause 7: configuration management"
)
"""Work products of the safety case (and the records of how they were made) stay identifiable and intact."""
ISO_26262_DOCUMENTATION = PolicyComplianceFramework(
    name="ISO 26262", version="2018", reference="Part 8, clause 10: documentation management"
)
"""Safety-case documents are retained, retrievable and protected from alteration."""
ISO_PAS_8800_DATA = PolicyComplianceFramework(
    name="ISO/PAS 8800",
    version="2024",
    reference="data-related considerations: dataset integrity and lineage",
)
"""Training and validation datasets of safety-related AI are versioned, traceable and unaltered."""
GDPR_SECURITY = PolicyComplianceFramework(
    name="GDPR", version="2016/679", reference="Art. 32: security of processing"
)
GDPR_TRANSFERS = PolicyComplianceFramework(
    name="GDPR", version="2016/679", reference="Chapter V (Art. 44-49): transfers to third countries"
)
GDPR_BY_DESIGN = PolicyComplianceFramework(
    name="GDPR", version="2016/679", reference="Art. 25: data protection by design and by default"
)
COST_POLICY = PolicyComplianceFramework(
    name="internal cost policy", version="1", reference="ML platform FinOps guardrails"
)

RESIDENCY_CONFIG = {
    "regions": {"type": "array", "items": {"type": "string"}, "minItems": 1},
    "personalDataClasses": {"type": "array", "items": {"type": "string"}},
}
"""Settings of the residency rules: the personal-data regions and classes of environments/org.yaml."""

# --- resource types ----------------------------------------------------------------------------

AWS_PROVIDER = "pulumi:providers:aws"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_OBJECT_LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"
BUCKET_OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
BUCKET_TIERING = "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration"
BUCKET_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
KMS_KEY = "aws:kms/key:Key"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
ECR_CREATION_TEMPLATE = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"
TRAIL = "aws:cloudtrail/trail:Trail"
ORGANIZATION = "aws:organizations/organization:Organization"
ORG_ACCOUNT = "aws:organizations/account:Account"
ORG_POLICY = "aws:organizations/policy:Policy"
ORG_POLICY_ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
IAM_ROLE = "aws:iam/role:Role"
VPC = "aws:ec2/vpc:Vpc"
SUBNET = "aws:ec2/subnet:Subnet"
NAT_GATEWAY = "aws:ec2/natGateway:NatGateway"
ROUTE = "aws:ec2/route:Route"
ROUTE_TABLE = "aws:ec2/routeTable:RouteTable"
VPC_ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
EIP = "aws:ec2/eip:Eip"

BUCKET_NAME_PROPERTIES = frozenset({"bucket", "targetBucket", "s3BucketName"})
"""Properties that name a bucket; a name is also matched when no property dependency was recorded."""

# --- rule constructors -------------------------------------------------------------------------

ResourceCheck = Callable[[ResourceValidationArgs, ReportViolation], None]
StackCheck = Callable[[StackValidationArgs, ReportViolation], None]


def _schema(config: Mapping[str, Mapping[str, Any]] | None) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties=dict(config), required=sorted(config)) if config else None


def resource_rule(
    *,
    name: str,
    description: str,
    types: Sequence[str],
    check: ResourceCheck,
    severity: Severity,
    remediation: str,
    framework: PolicyComplianceFramework | None = None,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    tags: Sequence[str] = (),
) -> ResourceValidationPolicy:
    """A per-resource rule that declares itself not applicable to every other type.

    The analyzer reports not-applicable policies per resource, which is how the gate counts what
    each rule actually judged (a rule keyed to a stale type token judges nothing). Enforcement
    levels are not set here: they come from `policies/config/<env>.json`. Every config property
    is required, so a config file that forgets one fails before anything is judged.
    """

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in types:
            args.not_applicable(f"applies to {', '.join(types)}")
        check(args, report_violation)

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        config_schema=_schema(config),
        severity=severity,
        framework=framework,
        tags=list(tags),
        remediation_steps=remediation,
    )


def stack_rule(
    *,
    name: str,
    description: str,
    check: StackCheck,
    severity: Severity,
    remediation: str,
    framework: PolicyComplianceFramework | None = None,
    config: Mapping[str, Mapping[str, Any]] | None = None,
    tags: Sequence[str] = (),
) -> StackValidationPolicy:
    """A rule over the whole stack, for what spans resources; `check` calls `not_applicable` itself."""
    return StackValidationPolicy(
        name=name,
        description=description,
        validate=check,
        config_schema=_schema(config),
        severity=severity,
        framework=framework,
        tags=list(tags),
        remediation_steps=remediation,
    )


# --- values ------------------------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    """IAM and S3 accept a scalar or a list in many places; always a list."""
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    return list(value)


def json_value(value: Any) -> Any:
    """Policies arrive as JSON strings (or, from some programs, as objects)."""
    if isinstance(value, str):
        return json.loads(value) if value.strip() else None
    return value


def statements(document: Any) -> list[Mapping[str, Any]]:
    parsed = json_value(document)
    if not isinstance(parsed, Mapping):
        return []
    return [s for s in as_list(parsed.get("Statement")) if isinstance(s, Mapping)]


def principals(statement: Mapping[str, Any]) -> list[str]:
    """Every principal a statement names, of any kind (AWS, Service, Federated, or "*")."""
    principal = statement.get("Principal")
    if principal is None:
        return []
    if isinstance(principal, str):
        return [principal]
    found: list[str] = []
    for value in principal.values():
        found.extend(str(v) for v in as_list(value))
    return found


def number(value: Any) -> float | None:
    """Numbers cross the analyzer protocol as floats; config and inventories may hold ints or strings."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# --- providers, regions, tags ------------------------------------------------------------------


def provider_region(provider: PolicyProviderResource | None) -> str | None:
    if provider is None:
        return None
    region = provider.props.get("region")
    return region if isinstance(region, str) and region else None


def resource_region(props: Mapping[str, Any], provider: PolicyProviderResource | None) -> str | None:
    """pulumi-aws 7 lets a resource override its provider's region with its own `region`."""
    own = props.get("region")
    return own if isinstance(own, str) and own else provider_region(provider)


def default_tags(provider: PolicyProviderResource | None) -> dict[str, str]:
    """The provider's `defaultTags.tags`."""
    return provider_default_tags(provider.props) if provider is not None else {}


def provider_default_tags(provider_props: Mapping[str, Any]) -> dict[str, str]:
    """`defaultTags.tags` of a provider's properties; provider inputs hold nested values as JSON strings."""
    configured = json_value(provider_props.get("defaultTags"))
    if not isinstance(configured, Mapping):
        return {}
    tags = json_value(configured.get("tags"))
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}


def effective_tags(props: Mapping[str, Any], provider: PolicyProviderResource | None) -> dict[str, str]:
    """What AWS will carry: the provider's default tags, overridden by the resource's own tags."""
    own = props.get("tags")
    merged = default_tags(provider)
    if isinstance(own, Mapping):
        merged.update({str(k): str(v) for k, v in own.items()})
    return merged


# --- stacks ------------------------------------------------------------------------------------


class Stack:
    """The resources of one stack, indexed by type, with links along property dependencies.

    The analyzer protocol carries no resource ids, so references between resources (a bucket's
    policy, a route table's routes) are followed through the property dependencies the engine
    records, with the referenced value (e.g. a bucket name) as a fallback.
    """

    def __init__(self, resources: Iterable[PolicyResource]):
        self.resources = list(resources)
        self.by_type: dict[str, list[PolicyResource]] = {}
        for resource in self.resources:
            self.by_type.setdefault(resource.resource_type, []).append(resource)

    def of_type(self, *types: str) -> list[PolicyResource]:
        return [r for t in types for r in self.by_type.get(t, [])]

    def referencing(self, target: PolicyResource, types: Sequence[str], prop: str) -> list[PolicyResource]:
        """Resources of `types` whose property `prop` refers to `target`."""
        return [r for r in self.of_type(*types) if target in self.referenced(r, prop)]

    def referenced(self, resource: PolicyResource, prop: str) -> list[PolicyResource]:
        """The resources `resource`'s property `prop` refers to."""
        linked = list(resource.property_dependencies.get(prop, []))
        if linked:
            return linked
        value = resource.props.get(prop) if prop in BUCKET_NAME_PROPERTIES else None
        if isinstance(value, str) and value:
            return [b for b in self.of_type(BUCKET) if b.props.get("bucket") == value]
        return []


def name_of(resource: PolicyResource) -> str:
    return resource.name or resource.urn.rsplit("::", 1)[-1]


def buckets_or_not_applicable(args: StackValidationArgs, stack: Stack) -> list[PolicyResource]:
    buckets = stack.of_type(BUCKET)
    if not buckets:
        args.not_applicable("the stack has no S3 bucket")
    return buckets


def lake_buckets_or_not_applicable(args: StackValidationArgs, stack: Stack) -> list[PolicyResource]:
    """Buckets of the configured layers (provider default tag `layer`, e.g. data): the lake."""
    layers = args.get_config()["layers"]
    buckets = [b for b in stack.of_type(BUCKET) if effective_tags(b.props, b.provider).get("layer") in layers]
    if not buckets:
        args.not_applicable(f"the stack has no bucket of layer {', '.join(layers)}")
    return buckets


def bucket_attachment_check(resource_type: str, what: str) -> StackCheck:
    """A stack check: every bucket has at least one `resource_type` resource attached."""

    def check(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        stack = Stack(args.resources)
        for bucket in buckets_or_not_applicable(args, stack):
            if not stack.referencing(bucket, [resource_type], "bucket"):
                report_violation(f"bucket {name_of(bucket)} has no {what}", bucket.urn)

    return check


LAYERS_CONFIG = {"layers": {"type": "array", "items": {"type": "string"}, "minItems": 1}}


def attached_scps(args: StackValidationArgs) -> tuple[PolicyResource, list[tuple[PolicyResource, list]]]:
    """The organization and every service control policy with the resources it is attached to.

    Not applicable to stacks that do not manage the organization. A root attachment's target
    depends on the organization resource (the root id is one of its outputs).
    """
    stack = Stack(args.resources)
    organizations = stack.of_type(ORGANIZATION)
    if not organizations:
        args.not_applicable("the stack does not manage the organization")
    found = []
    for policy in stack.of_type(ORG_POLICY):
        if policy.props.get("type", "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY":
            continue
        attachments = stack.referencing(policy, [ORG_POLICY_ATTACHMENT], "policyId")
        found.append((policy, [t for a in attachments for t in stack.referenced(a, "targetId")]))
    return organizations[0], found


def scp_statements(policy: PolicyResource) -> list[Mapping[str, Any]]:
    return [s for s in statements(policy.props.get("content")) if s.get("Effect") == "Deny"]


def requested_regions(statement: Mapping[str, Any]) -> list[str] | None:
    """The regions a region-deny statement leaves open, or None when it is not one."""
    condition = (statement.get("Condition") or {}).get("StringNotEquals") or {}
    if "aws:RequestedRegion" not in condition or not statement.get("NotAction"):
        return None
    return [str(r) for r in as_list(condition["aws:RequestedRegion"])]


def root_scp_check(describe: str, denies: Callable[[Mapping[str, Any]], bool]) -> StackCheck:
    """A stack check: some SCP attached to the organization root has a Deny statement `denies` accepts."""

    def check(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        organization, scps = attached_scps(args)
        if not any(
            any(denies(s) for s in scp_statements(policy))
            and any(t.resource_type == ORGANIZATION for t in targets)
            for policy, targets in scps
        ):
            report_violation(f"no service control policy attached to the root {describe}", organization.urn)

    return check
