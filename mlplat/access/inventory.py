"""An index of the authorization facts in Pulumi stack exports: roles with their policies and boundaries,
resource policies by ARN, the account of each resource, and the organization's SCPs per account.

Input is plain parsed JSON: a list of `pulumi stack export` documents (`{"version": 3, "deployment":
{"resources": [...]}}`), or the `mlplat-inventory` file that holds one per stack. Outputs are preferred
to inputs (they hold what the cloud computed, ARNs included); a value that is Pulumi's unknown marker
stays unknown, and every decision that needs it says so."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .arns import Arn, account_of
from .managed import FULL_AWS_ACCESS, FULL_AWS_ACCESS_ID, aws_managed_policy, default_key_policy
from .policy import PolicyDocument, PolicyError, Source, parse_policy
from .unknown import contains_unknown


class InventoryError(ValueError):
    """The inventory cannot be read; one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


Resource = Mapping[str, Any]


def _field(resource: Resource, key: str) -> Any:
    outputs = resource.get("outputs") or {}
    return outputs[key] if key in outputs else (resource.get("inputs") or {}).get(key)


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _stack_of(urn: str) -> str:
    return urn.split("::", 1)[0].removeprefix("urn:pulumi:")


def _logical_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


@dataclass
class Located:
    stack: str
    urn: str

    @property
    def name(self) -> str:
        return _logical_name(self.urn)


@dataclass
class Role(Located):
    arn: str
    role_name: str
    account: str
    tags: dict[str, str]
    trust_policy: PolicyDocument | None = None
    policies: list[PolicyDocument] = field(default_factory=list)
    boundary_arn: str | None = None
    boundary: PolicyDocument | None = None
    service_linked: bool = False
    unknown: list[str] = field(default_factory=list)
    """What about its identity-based policies the inventory does not know."""
    attachments: list[tuple[str, Source]] = field(default_factory=list)


@dataclass
class Bucket(Located):
    bucket: str
    arn: str
    account: str | None
    region: str | None
    tags: dict[str, str]
    policy: PolicyDocument | None = None


@dataclass
class AccessPoint(Located):
    arn: str
    account: str
    region: str
    bucket: str
    network_origin: str | None
    policy: PolicyDocument | None = None


@dataclass
class Grant:
    source: Source
    grantee: str
    operations: tuple[str, ...]
    context_equals: dict[str, str] | None
    context_subset: dict[str, str] | None
    unknown: bool


@dataclass
class Key(Located):
    arn: str
    account: str
    region: str
    tags: dict[str, str]
    policy: PolicyDocument | None = None
    grants: list[Grant] = field(default_factory=list)


@dataclass
class Holder(Located):
    """A resource whose one resource-based policy is not one of the kinds above (SNS topic, SQS queue,
    ECR repository, SageMaker model package group)."""

    arn: str
    kind: str
    account: str
    region: str
    tags: dict[str, str]
    policy: PolicyDocument | None = None


@dataclass
class Organization:
    id: str
    root_id: str | None
    management_account: str | None
    scps_enabled: bool
    parents: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    policies: dict[str, PolicyDocument] = field(default_factory=dict)
    policy_types: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def chain(self, target: str) -> list[str] | None:
        """Root, OUs and the account itself, top down; None for an account outside the organization."""
        if target not in self.parents:
            return None
        chain = [target]
        while chain[-1] in self.parents and len(chain) < 10:
            chain.append(self.parents[chain[-1]])
        return list(reversed(chain))


@dataclass(frozen=True)
class Provider:
    account: str | None
    region: str | None
    default_tags: dict[str, str]


def _provider(resource: Resource) -> Provider:
    inputs = resource.get("inputs") or {}
    allowed = _decoded(inputs.get("allowedAccountIds"))
    account = allowed[0] if isinstance(allowed, list) and len(allowed) == 1 else None
    if account is None:
        roles = _decoded(inputs.get("assumeRoles")) or _decoded(inputs.get("assumeRole"))
        first = roles[0] if isinstance(roles, list) and roles else roles
        if isinstance(first, dict) and isinstance(first.get("roleArn"), str):
            account = account_of(first["roleArn"])
    tags = _decoded(inputs.get("defaultTags"))
    default_tags = tags.get("tags", {}) if isinstance(tags, dict) else {}
    return Provider(account, inputs.get("region"), dict(default_tags or {}))


def _stack_documents(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping) and "stacks" in data:
        return list(data["stacks"].values())
    if isinstance(data, Mapping):
        return [data]
    return list(data)


class Inventory:
    """The authorization facts of a set of stacks."""

    def __init__(self, documents: Any, *, assume_full_aws_access: bool = True):
        self.roles: dict[str, Role] = {}
        self.buckets: dict[str, Bucket] = {}
        self.access_points: dict[str, AccessPoint] = {}
        self.keys: dict[str, Key] = {}
        self.key_aliases: dict[str, str] = {}
        self.holders: dict[str, Holder] = {}
        self.organization: Organization | None = None
        self.accounts: dict[str, str] = {}
        self.assume_full_aws_access = assume_full_aws_access
        self.notes: list[str] = []
        """Facts the index could not attach (a policy naming a role no stack holds, ...)."""
        self.account_unknowns: dict[tuple[str, str], list[str]] = defaultdict(list)
        """(account, kind) -> why every policy of that kind in the account is uncertain."""
        self._problems: list[str] = []
        self._providers: dict[str, Provider] = {}
        self._managed: dict[str, tuple[Any, Source]] = {}
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        for document in _stack_documents(documents):
            deployment = document.get("deployment") if isinstance(document, Mapping) else None
            resources = deployment.get("resources") if isinstance(deployment, Mapping) else None
            if not isinstance(resources, list):
                self._problems.append(
                    "a stack document has no deployment.resources list (pulumi stack export v3)"
                )
                continue
            for resource in resources:
                if isinstance(resource, Mapping) and isinstance(resource.get("type"), str):
                    self._by_type[resource["type"]].append(resource)
        for resource in self._of("pulumi:providers:aws"):
            self._providers[resource["urn"]] = _provider(resource)
        self._load_organization()
        self._load_roles()
        self._load_storage()
        self._load_keys()
        self._load_holders()
        if self._problems:
            raise InventoryError(self._problems)
        del self._by_type

    # -- reading helpers -------------------------------------------------------------------------------

    def _of(self, *types: str) -> Iterable[Resource]:
        for type_ in types:
            yield from self._by_type.get(type_, [])

    def _provider_of(self, resource: Resource) -> Provider:
        reference = resource.get("provider") or ""
        return self._providers.get(reference.rsplit("::", 1)[0], Provider(None, None, {}))

    def _source(self, kind: str, resource: Resource, name: str | None = None) -> Source:
        urn = resource["urn"]
        return Source(kind, name or _logical_name(urn), _stack_of(urn), urn)

    def _policy(self, document: Any, source: Source) -> PolicyDocument | None:
        if document in (None, ""):
            return None
        try:
            return parse_policy(document, source)
        except PolicyError as error:
            self._problems.extend(str(error).splitlines())
            return None

    def _tags(self, resource: Resource) -> dict[str, str]:
        tags = _field(resource, "tagsAll")
        if not isinstance(tags, dict):
            tags = {**self._provider_of(resource).default_tags, **(_field(resource, "tags") or {})}
        return {str(key): str(value) for key, value in tags.items()}

    def _account(self, resource: Resource, arn: str | None = None) -> str | None:
        return (account_of(arn) if arn and not contains_unknown(arn) else None) or self._provider_of(
            resource
        ).account

    # -- organization ------------------------------------------------------------------------------------

    def _load_organization(self) -> None:
        for resource in self._of("aws:organizations/organization:Organization"):
            roots = _field(resource, "roots") or []
            root_id = roots[0].get("id") if roots and isinstance(roots[0], dict) else None
            types = _field(resource, "enabledPolicyTypes") or []
            self.organization = Organization(
                id=str(resource.get("id") or _field(resource, "id")),
                root_id=root_id,
                management_account=_field(resource, "masterAccountId"),
                scps_enabled="SERVICE_CONTROL_POLICY" in types,
            )
        org = self.organization
        if org is None:
            return
        if org.root_id:
            org.names[org.root_id] = "Root"
        if org.management_account:
            self.accounts.setdefault(org.management_account, "management")
        for resource in self._of("aws:organizations/organizationalUnit:OrganizationalUnit"):
            org.parents[str(resource.get("id"))] = str(_field(resource, "parentId"))
            org.names[str(resource.get("id"))] = str(_field(resource, "name"))
        for resource in self._of("aws:organizations/account:Account"):
            account = str(resource.get("id"))
            org.parents[account] = str(_field(resource, "parentId"))
            org.names[account] = str(_field(resource, "name"))
            self.accounts[account] = str(_field(resource, "name"))
        for resource in self._of("aws:organizations/policy:Policy"):
            policy_type = _field(resource, "type") or "SERVICE_CONTROL_POLICY"
            document = self._policy(_field(resource, "content"), self._source("scp", resource))
            if document is not None:
                org.policies[str(resource.get("id"))] = document
                org.policy_types[str(resource.get("id"))] = policy_type
        for resource in self._of("aws:organizations/policyAttachment:PolicyAttachment"):
            policy, target = str(_field(resource, "policyId")), str(_field(resource, "targetId"))
            if policy not in org.policies and policy != FULL_AWS_ACCESS_ID:
                self.notes.append(f"{resource['urn']}: policy {policy} is not in the inventory")
            org.attachments[target].append(policy)
        if org.scps_enabled and self.assume_full_aws_access:
            source = Source(
                "scp", "FullAWSAccess (AWS managed; attached by AWS Organizations to every target)"
            )
            org.policies[FULL_AWS_ACCESS_ID] = parse_policy(FULL_AWS_ACCESS, source)
            org.policy_types[FULL_AWS_ACCESS_ID] = "SERVICE_CONTROL_POLICY"
            for target in {*org.parents, *org.parents.values()}:
                if FULL_AWS_ACCESS_ID not in org.attachments[target]:
                    org.attachments[target].append(FULL_AWS_ACCESS_ID)

    def policies_at(self, target: str, policy_type: str) -> list[PolicyDocument]:
        org = self.organization
        if org is None:
            return []
        ids = org.attachments.get(target, [])
        return [org.policies[i] for i in ids if i in org.policies and org.policy_types.get(i) == policy_type]

    # -- IAM -----------------------------------------------------------------------------------------------

    def _load_roles(self) -> None:
        by_name: dict[tuple[str | None, str], Role] = {}
        by_urn: dict[str, Role] = {}
        for resource in self._of("aws:iam/role:Role", "aws:iam/serviceLinkedRole:ServiceLinkedRole"):
            arn = _field(resource, "arn")
            if not isinstance(arn, str) or contains_unknown(arn):
                account = self._provider_of(resource).account
                if account:
                    self.account_unknowns[(account, "identity")].append(
                        f"the ARN of role {resource['urn']} is not known until deployment"
                    )
                continue
            name = str(_field(resource, "name") or arn.rsplit("/", 1)[-1])
            role = Role(
                stack=_stack_of(resource["urn"]),
                urn=resource["urn"],
                arn=arn,
                role_name=name,
                account=account_of(arn) or "",
                tags=self._tags(resource),
                service_linked=resource["type"].endswith("ServiceLinkedRole")
                or ":role/aws-service-role/" in arn,
            )
            trust = _field(resource, "assumeRolePolicy")
            role.trust_policy = self._policy(trust, self._source("trust-policy", resource))
            for inline in _field(resource, "inlinePolicies") or []:
                if isinstance(inline, dict) and inline.get("policy"):
                    source = self._source("identity", resource, f"{role.name} inline {inline.get('name')}")
                    self._add(role.policies, self._policy(inline["policy"], source))
            for policy_arn in _field(resource, "managedPolicyArns") or []:
                role.attachments.append((policy_arn, self._source("identity", resource, policy_arn)))
            boundary = _field(resource, "permissionsBoundary")
            role.boundary_arn = boundary or None
            if role.service_linked:
                role.unknown.append(
                    f"the permissions of service-linked role {arn} are AWS's, not in the inventory"
                )
            self.roles[arn] = role
            by_name[(role.account, name)] = role
            by_urn[resource["urn"]] = role

        def role_for(resource: Resource, name: Any, via: str = "role") -> Role | None:
            for urn in (resource.get("propertyDependencies") or {}).get(via, []):
                if urn in by_urn:
                    return by_urn[urn]
            account = self._provider_of(resource).account
            if contains_unknown(name):
                if account:
                    self.account_unknowns[(account, "identity")].append(
                        f"{resource['urn']} attaches a policy to a role whose name is not known until deployment"
                    )
                return None
            role = by_name.get((account, str(name)))
            if role is None:
                self.notes.append(f"{resource['urn']}: role {name} is not in the inventory")
            return role

        for resource in self._of("aws:iam/policy:Policy"):
            arn = _field(resource, "arn")
            if isinstance(arn, str):
                self._managed[arn] = (_field(resource, "policy"), self._source("identity", resource))
        for resource in self._of("aws:iam/rolePolicy:RolePolicy"):
            target = role_for(resource, _field(resource, "role"))
            if target is not None:
                self._add(
                    target.policies,
                    self._policy(_field(resource, "policy"), self._source("identity", resource)),
                )
        for resource in self._of("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
            target = role_for(resource, _field(resource, "role"))
            policy_arn = str(_field(resource, "policyArn"))
            if target is not None:
                target.attachments.append((policy_arn, self._source("identity", resource, policy_arn)))
        for resource in self._of("aws:iam/policyAttachment:PolicyAttachment"):
            policy_arn = str(_field(resource, "policyArn"))
            for name in _field(resource, "roles") or []:
                target = role_for(resource, name, via="roles")
                if target is not None:
                    target.attachments.append((policy_arn, self._source("identity", resource, policy_arn)))
        for role in self.roles.values():
            for policy_arn, source in role.attachments:
                document = self._managed_document(policy_arn, source)
                if isinstance(document, str):
                    role.unknown.append(document)
                else:
                    role.policies.append(document)
            if role.boundary_arn:
                source = Source("permissions-boundary", role.boundary_arn, role.stack, role.urn)
                boundary = self._managed_document(role.boundary_arn, source)
                if isinstance(boundary, str):
                    role.boundary = PolicyDocument(source, (), boundary)
                else:
                    role.boundary = boundary

    def _managed_document(self, arn: str, source: Source) -> PolicyDocument | str:
        """A managed policy by ARN: a customer-managed one from the inventory, an AWS managed one from
        moto's copy; otherwise why it is not known."""
        if contains_unknown(arn):
            return f"the ARN of a policy attached by {source.urn} is not known until deployment"
        if arn in self._managed:
            document, holder = self._managed[arn]
            parsed = self._policy(document, Source(source.kind, arn, holder.stack, holder.urn))
            return parsed if parsed is not None else f"the document of {arn} could not be read"
        if ":iam::aws:policy/" in arn:
            found = aws_managed_policy(arn)
            if isinstance(found, str):
                return found
            return parse_policy(found, Source(source.kind, f"{arn} (AWS managed)", source.stack, source.urn))
        return f"policy {arn} is not in the inventory"

    @staticmethod
    def _add(policies: list[PolicyDocument], document: PolicyDocument | None) -> None:
        if document is not None:
            policies.append(document)

    # -- S3 ------------------------------------------------------------------------------------------------

    def _load_storage(self) -> None:
        for resource in self._of("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
            name = _field(resource, "bucket") or resource.get("id")
            if not isinstance(name, str) or contains_unknown(name):
                self._unknown_account(resource, "bucket-policy", f"the name of bucket {resource['urn']}")
                continue
            provider = self._provider_of(resource)
            bucket = Bucket(
                stack=_stack_of(resource["urn"]),
                urn=resource["urn"],
                bucket=name,
                arn=f"arn:aws:s3:::{name}",
                account=provider.account,
                region=_field(resource, "region") or provider.region,
                tags=self._tags(resource),
            )
            bucket.policy = self._policy(_field(resource, "policy"), self._source("bucket-policy", resource))
            self.buckets[name] = bucket
        for resource in self._of("aws:s3/bucketPolicy:BucketPolicy"):
            name = _field(resource, "bucket")
            if contains_unknown(name):
                self._unknown_account(resource, "bucket-policy", f"the bucket of {resource['urn']}")
            elif name not in self.buckets:
                self.notes.append(f"{resource['urn']}: bucket {name} is not in the inventory")
            else:
                self.buckets[name].policy = self._policy(
                    _field(resource, "policy"), self._source("bucket-policy", resource)
                )
        for resource in self._of("aws:s3/accessPoint:AccessPoint"):
            arn = _field(resource, "arn")
            parsed = Arn.parse(arn) if isinstance(arn, str) and not contains_unknown(arn) else None
            if parsed is None:
                self._unknown_account(
                    resource, "access-point-policy", f"the ARN of access point {resource['urn']}"
                )
                continue
            point = AccessPoint(
                stack=_stack_of(resource["urn"]),
                urn=resource["urn"],
                arn=str(arn),
                account=parsed.account,
                region=parsed.region,
                bucket=str(_field(resource, "bucket")),
                network_origin=_field(resource, "networkOrigin"),
            )
            point.policy = self._policy(
                _field(resource, "policy"), self._source("access-point-policy", resource)
            )
            self.access_points[point.arn] = point
        for resource in self._of("aws:s3control/accessPointPolicy:AccessPointPolicy"):
            arn = _field(resource, "accessPointArn")
            if arn in self.access_points:
                self.access_points[arn].policy = self._policy(
                    _field(resource, "policy"), self._source("access-point-policy", resource)
                )
            else:
                self._unknown_account(
                    resource, "access-point-policy", f"the access point of {resource['urn']}"
                )

    def _unknown_account(self, resource: Resource, kind: str, what: str) -> None:
        account = self._provider_of(resource).account
        reason = f"{what} is not known until deployment"
        if account:
            self.account_unknowns[(account, kind)].append(reason)
        else:
            self.notes.append(reason)

    # -- KMS -----------------------------------------------------------------------------------------------

    def _load_keys(self) -> None:
        ids: dict[str, str] = {}
        for resource in self._of("aws:kms/key:Key"):
            arn = _field(resource, "arn")
            parsed = Arn.parse(arn) if isinstance(arn, str) and not contains_unknown(arn) else None
            if parsed is None:
                self._unknown_account(resource, "key-policy", f"the ARN of key {resource['urn']}")
                continue
            key = Key(
                stack=_stack_of(resource["urn"]),
                urn=resource["urn"],
                arn=str(arn),
                account=parsed.account,
                region=parsed.region,
                tags=self._tags(resource),
            )
            source = self._source("key-policy", resource)
            policy = _field(resource, "policy")
            if policy in (None, ""):  # KMS gives a key created without a policy its default policy
                source = Source("key-policy", f"{key.name} (KMS default key policy)", key.stack, key.urn)
                policy = default_key_policy(key.account, parsed.partition)
            key.policy = self._policy(policy, source)
            self.keys[key.arn] = key
            ids[str(_field(resource, "keyId") or parsed.resource.removeprefix("key/"))] = key.arn
        for resource in self._of("aws:kms/keyPolicy:KeyPolicy"):
            held = self._key_by(ids, _field(resource, "keyId"))
            if held is not None:
                held.policy = self._policy(_field(resource, "policy"), self._source("key-policy", resource))
        for resource in self._of("aws:kms/alias:Alias"):
            alias_arn, target = _field(resource, "arn"), _field(resource, "targetKeyArn")
            named = self._key_by(ids, target or _field(resource, "targetKeyId"))
            if isinstance(alias_arn, str) and named is not None:
                self.key_aliases[alias_arn] = named.arn
        for resource in self._of("aws:kms/grant:Grant"):
            granted = self._key_by(ids, _field(resource, "keyId"))
            if granted is None:
                self._unknown_account(resource, "key-policy", f"the key of grant {resource['urn']}")
                continue
            constraints = _field(resource, "constraints") or []
            first = constraints[0] if constraints and isinstance(constraints[0], dict) else {}
            operations = tuple(str(operation) for operation in _field(resource, "operations") or [])
            grantee = str(_field(resource, "granteePrincipal"))
            granted.grants.append(
                Grant(
                    source=self._source("grant", resource),
                    grantee=grantee,
                    operations=operations,
                    context_equals=first.get("encryptionContextEquals"),
                    context_subset=first.get("encryptionContextSubset"),
                    unknown=contains_unknown([grantee, operations, constraints]),
                )
            )

    def _key_by(self, ids: dict[str, str], reference: Any) -> Key | None:
        if not isinstance(reference, str):
            return None
        arn = reference if reference in self.keys else ids.get(reference) or self.key_aliases.get(reference)
        return self.keys.get(arn) if arn else None

    def key(self, arn: str) -> Key | None:
        """A key by its ARN or an alias ARN that names it."""
        return self.keys.get(self.key_aliases.get(arn, arn))

    # -- SNS, SQS, ECR, SageMaker ----------------------------------------------------------------------

    def _holder(self, resource: Resource, kind: str, arn: Any) -> Holder | None:
        parsed = Arn.parse(arn) if isinstance(arn, str) and not contains_unknown(arn) else None
        if parsed is None:
            self._unknown_account(resource, kind, f"the ARN of {resource['urn']}")
            return None
        holder = Holder(
            stack=_stack_of(resource["urn"]),
            urn=resource["urn"],
            arn=str(arn),
            kind=kind,
            account=parsed.account,
            region=parsed.region,
            tags=self._tags(resource),
        )
        self.holders[holder.arn] = holder
        return holder

    def _attach(self, resource: Resource, kind: str, arn: Any, document: Any) -> None:
        if contains_unknown(arn):
            self._unknown_account(resource, kind, f"the resource of {resource['urn']}")
        elif arn in self.holders:
            self.holders[arn].policy = self._policy(document, self._source(kind, resource))
        else:
            self.notes.append(f"{resource['urn']}: {arn} is not in the inventory")

    def _load_holders(self) -> None:
        queues: dict[str, str] = {}
        for resource in self._of("aws:sqs/queue:Queue"):
            holder = self._holder(resource, "queue-policy", _field(resource, "arn"))
            if holder is not None:
                queues[str(_field(resource, "url") or resource.get("id"))] = holder.arn
                holder.policy = self._policy(
                    _field(resource, "policy"), self._source("queue-policy", resource)
                )
        for resource in self._of("aws:sqs/queuePolicy:QueuePolicy"):
            url = _field(resource, "queueUrl")
            self._attach(resource, "queue-policy", queues.get(url, url), _field(resource, "policy"))
        for resource in self._of("aws:sns/topic:Topic"):
            holder = self._holder(resource, "topic-policy", _field(resource, "arn"))
            if holder is not None:
                holder.policy = self._policy(
                    _field(resource, "policy"), self._source("topic-policy", resource)
                )
        for resource in self._of("aws:sns/topicPolicy:TopicPolicy"):
            self._attach(resource, "topic-policy", _field(resource, "arn"), _field(resource, "policy"))
        named: dict[tuple[str, str | None, str], str] = {}
        for resource in self._of("aws:ecr/repository:Repository"):
            holder = self._holder(resource, "repository-policy", _field(resource, "arn"))
            if holder is not None:
                named[("ecr", holder.account, str(_field(resource, "name")))] = holder.arn
        for resource in self._of("aws:ecr/repositoryPolicy:RepositoryPolicy"):
            key = ("ecr", self._provider_of(resource).account, str(_field(resource, "repository")))
            arn = named.get(key) or _field(resource, "repository")
            self._attach(resource, "repository-policy", arn, _field(resource, "policy"))
        for resource in self._of("aws:sagemaker/modelPackageGroup:ModelPackageGroup"):
            holder = self._holder(resource, "model-package-group-policy", _field(resource, "arn"))
            if holder is not None:
                key = ("sagemaker", holder.account, str(_field(resource, "modelPackageGroupName")))
                named[key] = holder.arn
        for resource in self._of("aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy"):
            name = str(_field(resource, "modelPackageGroupName"))
            key = ("sagemaker", self._provider_of(resource).account, name)
            arn = named.get(key) or name
            self._attach(resource, "model-package-group-policy", arn, _field(resource, "resourcePolicy"))
