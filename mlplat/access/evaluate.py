"""The decision AWS would take for one request, in the order the IAM User Guide documents ("Policy
evaluation logic", "Cross-account policy evaluation logic") and with the KMS key-policy rule:

1. An explicit Deny in any policy that applies (identity-based, permissions boundary, session policy,
   SCPs of the caller's account chain, every resource-based policy of the resource) decides: denied.
2. SCPs: every level of the caller's chain (root, each OU, the account) must have an SCP that allows
   the request. Not applied to the management account nor to service-linked roles.
3. Resource and identity: within one account, the identity-based policies or the resource-based policy
   may allow (a resource policy that names only the account delegates to IAM policies). Across accounts
   both must: the identity side, and each resource-based policy, naming the caller or its account. A
   KMS key policy (and a role trust policy) must always allow, directly or by delegating to IAM through
   the account; a KMS grant for the caller allows on its own.
4. A permissions boundary and a session policy cap what identity-based policies, and resource policies
   naming the role, grant; a resource policy naming the role session is not capped.

Every input is three-valued: a value the inventory does not know makes the decision Unknown (not
evaluable) wherever the answer depends on it, never Allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .actions import RequestError, canonical_action
from .arns import Arn
from .context import Context
from .decision import Decision, Outcome
from .inventory import Grant, Inventory, Role
from .logic import TRUE, Term, all_of, any_of
from .matching import ACCOUNT, ANYONE, ROLE, SERVICE, SESSION, Caller, statement_applies
from .policy import PolicyDocument, Source, StatementRef, parse_policy
from .request import Principal, Request
from .targets import REQUIRED, Layer, Target, resolve
from .unknown import Unknown, contains_unknown

__all__ = ["evaluate"]


@dataclass
class _Scan:
    """The statements of some policies that apply to the request."""

    label: str
    found: list[tuple[str, bool | None, str | None, str | None, StatementRef]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def term(self, effect: str, kinds: set[str] | None = None) -> Term:
        terms = []
        for found_effect, value, principal, reason, ref in self.found:
            if found_effect != effect or (
                kinds is not None and principal is not None and principal not in kinds
            ):
                continue
            terms.append(Term(True, (ref,)) if value else Term(None, (), (reason or ref.describe(),)))
        terms.extend(Term(None, (), (reason,)) for reason in self.unknown)
        if not terms:
            verb = "allows" if effect == "Allow" else "denies"
            return Term(False, (), (f"no statement of {self.label} {verb} it",))
        return any_of(*terms)


def _scan(
    label: str,
    documents: list[PolicyDocument],
    *,
    action: str,
    resource: str,
    context: Context,
    caller: Caller | None = None,
    unknown: list[str] | None = None,
) -> _Scan:
    scan = _Scan(label, unknown=list(unknown or []))
    for document in documents:
        if document.unknown_reason:
            scan.unknown.append(document.unknown_reason)
        for statement in document.statements:
            applies = statement_applies(
                statement, action=action, resource=resource, context=context, caller=caller
            )
            if applies.value is not False:
                scan.found.append(
                    (statement.effect, applies.value, applies.principal, applies.reason, statement.ref)
                )
    return scan


def _role_session(principal: Principal, role_arn: str, account: str, partition: str) -> str | None:
    if not principal.session_name:
        return None
    return (
        f"arn:{partition}:sts::{account}:assumed-role/{role_arn.rsplit('/', 1)[-1]}/{principal.session_name}"
    )


def _grant_term(grants: list[Grant], caller: Caller, action: str, context: Context, limited: Term) -> Term:
    operation = action.split(":", 1)[1]
    terms = []
    for grant in grants:
        if grant.unknown:
            terms.append(
                Term(None, (), (f"{grant.source.describe()} holds a value not known until deployment",))
            )
            continue
        if grant.grantee != caller.role_arn or operation not in grant.operations:
            continue
        request = {
            name.split(":", 2)[2]: value[0]
            for name, value in context.items()
            if name.lower().startswith("kms:encryptioncontext:") and not isinstance(value, Unknown) and value
        }
        if grant.context_equals is not None and request != grant.context_equals:
            continue
        if grant.context_subset is not None and any(
            request.get(k) != v for k, v in grant.context_subset.items()
        ):
            continue
        terms.append(all_of(Term(True, (StatementRef(grant.source, 0, None),)), limited))
    if not terms:
        return Term(False, (), ("no grant of the key gives the caller this operation",))
    return any_of(*terms)


def _context(
    request: Request, caller: Caller, role: Role | None, target: Target, inventory: Inventory, action: str
) -> Context:
    context = Context(request.context)
    principal = request.principal
    org = inventory.organization
    if caller.service:
        context.setdefault("aws:PrincipalIsAWSService", "true")
        context.setdefault("aws:PrincipalServiceName", caller.service)
    else:
        context.setdefault("aws:PrincipalArn", caller.role_arn)
        context.setdefault("aws:PrincipalAccount", caller.account)
        context.setdefault("aws:PrincipalType", "AssumedRole")
        context.setdefault("aws:PrincipalIsAWSService", "false")
        tags = {**(role.tags if role else {}), **principal.session_tags}
        for key, value in tags.items():
            context.setdefault(f"aws:PrincipalTag/{key}", value)
        chain = org.chain(caller.account) if org and caller.account else None
        if org and chain:
            org_id: object = (
                Unknown("the organization id is not known") if contains_unknown(org.id) else org.id
            )
            context.setdefault("aws:PrincipalOrgID", org_id)
            context.setdefault("aws:PrincipalOrgPaths", [f"{org.id}/" + "/".join(chain[:-1]) + "/"])
        if principal.source_vpc:
            context.setdefault("aws:SourceVpc", principal.source_vpc)
        if action.startswith("kms:"):
            context.setdefault("kms:CallerAccount", caller.account)
    context.setdefault("aws:SecureTransport", "true")  # the SDKs and the CLI call AWS over TLS
    if target.region:
        context.setdefault("aws:RequestedRegion", target.region)
    if target.account:
        context.setdefault("aws:ResourceAccount", target.account)
        if org and org.chain(target.account):
            context.setdefault("aws:ResourceOrgID", org.id)
    for tag, tag_value in target.tags.items():
        context.setdefault(f"aws:ResourceTag/{tag}", tag_value)
    for name, extra in target.context.items():
        context.setdefault(name, extra)
    return context


def _caller(inventory: Inventory, principal: Principal) -> tuple[Caller, Role | None]:
    if principal.is_service:
        return Caller(account=None, service=principal.arn), None
    arn = Arn.parse(principal.arn)
    if arn is None or arn.service != "iam" or not arn.resource.startswith("role/") or not arn.account:
        raise RequestError(f"principal {principal.arn!r}: an IAM role ARN or an AWS service principal")
    role = inventory.roles.get(principal.arn)
    session = _role_session(principal, principal.arn, arn.account, arn.partition)
    has_boundary = role is not None and role.boundary is not None
    return Caller(arn.account, principal.arn, session, None, has_boundary, arn.partition), role


def _identity(
    inventory: Inventory, principal: Principal, role: Role | None, caller: Caller
) -> tuple[list[PolicyDocument], list[str], str]:
    """The caller's identity-based policies, what about them is unknown, and a label for reasons."""
    label = f"the identity-based policies of {principal.arn}"
    if role is not None:
        unknown = role.unknown + inventory.account_unknowns.get((caller.account or "", "identity"), [])
        return role.policies, unknown, label
    if principal.identity_policies is not None:
        source = Source("identity", f"policies given for {principal.arn}")
        return [parse_policy(document, source) for document in principal.identity_policies], [], label
    return [], [f"role {principal.arn} is not in the inventory"], label


def _scp_terms(
    inventory: Inventory,
    caller: Caller,
    role: Role | None,
    *,
    action: str,
    resource: str,
    context: Context,
    assumptions: list[str],
) -> tuple[list[Term], list[Term]]:
    """(allow per level, deny) from the SCPs of the caller's account chain."""
    org = inventory.organization
    if caller.service or caller.account is None:
        return [], []
    if org is None:
        assumptions.append("the inventory holds no organization: SCPs are not evaluated")
        return [], []
    chain = org.chain(caller.account)
    if chain is None:
        assumptions.append(
            f"account {caller.account} is outside the organization in the inventory: its own SCPs are not known"
        )
        return [], []
    if not org.scps_enabled or caller.account == org.management_account:
        return [], []
    if role is not None and role.service_linked:
        assumptions.append("SCPs do not apply to service-linked roles")
        return [], []
    allows, denies = [], []
    for target in chain:
        name = org.names.get(target, target)
        scan = _scan(
            f"the SCPs attached to {name} ({target})",
            inventory.policies_at(target, "SERVICE_CONTROL_POLICY"),
            action=action,
            resource=resource,
            context=context,
        )
        allows.append(scan.term("Allow"))
        denies.append(scan.term("Deny"))
    return allows, denies


def _rcp_term(inventory: Inventory, target: Target) -> Term:
    org = inventory.organization
    chain = org.chain(target.account) if org and target.account else None
    if org and chain and any(inventory.policies_at(level, "RESOURCE_CONTROL_POLICY") for level in chain):
        return Term(
            None,
            (),
            (
                f"resource control policies apply to account {target.account}; the model does not evaluate them",
            ),
        )
    return TRUE


def _layer_term(
    layer: Layer, scan: _Scan, caller: Caller, *, identity_ok: Term, limited: Term, grants: Term | None
) -> tuple[Term, bool]:
    """Whether the layer lets the request through, and whether it needs the identity side too."""
    direct = scan.term("Allow", {ROLE, ANYONE, SERVICE})
    session = scan.term("Allow", {SESSION})
    account = scan.term("Allow", {ACCOUNT})
    capped_direct = all_of(direct, limited)
    if caller.service:
        return direct, False
    if layer.rule == REQUIRED:
        same = any_of(capped_direct, session, all_of(account, identity_ok))
        cross = all_of(any_of(direct, session, account), identity_ok)
        if grants is not None:
            same, cross = any_of(same, grants), any_of(cross, grants)
        needs_identity = False
    else:
        same = any_of(identity_ok, capped_direct, session)
        cross = any_of(direct, session, account)
        needs_identity = layer.account != caller.account
    if layer.account == caller.account:
        return same, False
    if layer.account is None:
        if cross.value is True:
            return cross, True
        if same.value is False:
            return same, False
        return Term(
            None, (), (f"the account that owns {layer.label.removeprefix('the ')} is not known",)
        ), False
    return cross, needs_identity


def evaluate(inventory: Inventory, request: Request) -> Decision:
    """The decision for one request. Raises RequestError for a request the model cannot read."""
    action = canonical_action(request.action, request.resource)
    caller, role = _caller(inventory, request.principal)
    target = resolve(inventory, action, request.resource)
    context = _context(request, caller, role, target, inventory, action)
    assumptions: list[str] = []

    documents, identity_unknown, identity_label = _identity(inventory, request.principal, role, caller)
    identity = _scan(
        identity_label,
        documents,
        action=action,
        resource=request.resource,
        context=context,
        unknown=identity_unknown,
    )
    denies = [identity.term("Deny")] if not caller.service else []
    identity_allow = (
        identity.term("Allow")
        if not caller.service
        else Term(False, (), ("an AWS service has no identity-based policy",))
    )
    caps: list[Term] = []
    if role is not None and role.boundary is not None:
        boundary = _scan(
            f"the permissions boundary {role.boundary.source.name}",
            [role.boundary],
            action=action,
            resource=request.resource,
            context=context,
        )
        denies.append(boundary.term("Deny"))
        caps.append(boundary.term("Allow"))
    if request.principal.session_policy is not None:
        document = parse_policy(
            request.principal.session_policy, Source("session-policy", "the session policy")
        )
        session_scan = _scan(
            "the session policy", [document], action=action, resource=request.resource, context=context
        )
        denies.append(session_scan.term("Deny"))
        caps.append(session_scan.term("Allow"))
    limited = all_of(*caps) if caps else TRUE
    identity_ok = all_of(identity_allow, limited)

    scp_allows, scp_denies = _scp_terms(
        inventory,
        caller,
        role,
        action=action,
        resource=request.resource,
        context=context,
        assumptions=assumptions,
    )
    denies.extend(scp_denies)

    grants = _grant_term(target.grants, caller, action, context, limited) if target.grants else None
    layer_terms: list[Term] = [Term(None, (), (reason,)) for reason in target.unknowns]
    needs_identity = False
    for layer in target.layers:
        scan = _scan(
            layer.label,
            layer.documents,
            action=action,
            resource=layer.resource,
            context=context,
            caller=caller,
            unknown=layer.unknowns,
        )
        denies.append(scan.term("Deny"))
        term, needed = _layer_term(
            layer, scan, caller, identity_ok=identity_ok, limited=limited, grants=grants
        )
        layer_terms.append(term)
        needs_identity = needs_identity or needed
    if not target.layers and not target.unknowns:
        resource_account = target.account or caller.account
        if caller.service:
            layer_terms.append(
                Term(
                    False,
                    (),
                    ("an AWS service is allowed only by a resource-based policy; this resource has none",),
                )
            )
        elif resource_account != caller.account:
            kind = (
                "has no resource-based policy"
                if target.has_resource_policy_type
                else "cannot have a resource-based policy"
            )
            layer_terms.append(
                Term(
                    False,
                    (),
                    (
                        f"the resource is in account {resource_account} and {kind} that could allow another account",
                    ),
                )
            )
        needs_identity = True
    core = all_of(*layer_terms, identity_ok if needs_identity else TRUE)
    allowed = all_of(*scp_allows, _rcp_term(inventory, target), core)
    explicit = any_of(*denies) if denies else Term(False)
    absent = tuple(sorted(context.absent))

    if explicit.value is True:
        names = "; ".join(ref.describe() for ref in explicit.refs)
        return Decision(
            Outcome.EXPLICIT_DENY,
            f"explicitly denied by {names}",
            explicit.refs,
            (),
            tuple(assumptions),
            absent,
        )
    if allowed.value is False:
        unknowns = explicit.why if explicit.value is None else ()
        return Decision(
            Outcome.IMPLICIT_DENY,
            "; ".join(dict.fromkeys(allowed.why)),
            (),
            unknowns,
            tuple(assumptions),
            absent,
        )
    if allowed.value is True and explicit.value is False:
        return Decision(Outcome.ALLOW, "allowed", allowed.refs, (), tuple(assumptions), absent)
    why = tuple(
        dict.fromkeys(
            (allowed.why if allowed.value is None else ()) + (explicit.why if explicit.value is None else ())
        )
    )
    return Decision(Outcome.UNKNOWN, "not evaluable: " + "; ".join(why), (), why, tuple(assumptions), absent)
