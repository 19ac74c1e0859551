"""iam-role-team-products-only: a team's training jobs read the data products the team owns or consumes
and nothing else; a role that reaches another team's access points, a bucket directly, or any other
service breaks the lake's access model (and, for personal data, GDPR's "not accessible to an indefinite
number of persons").

A team role is a role EKS Pod Identity may assume (trust `pods.eks.amazonaws.com`) that carries a `team`
tag or is associated with a `team-<team>` namespace (components/team_tenancy.py). Its reach is read from
its inline policies (`aws.iam.RolePolicy` and `inlinePolicies`): every Allow may name only

- S3 access points of its own team: `<product>-<zone>-<team>` (lake_classes.access_point_name) and
  `scratch-<team>`, with S3 actions; the team of a name is the longest configured team it ends with, so
  `data-engineering` is not mistaken for a team `engineering`;
- KMS keys, with KMS actions, only through S3 (a `kms:ViaService` condition of `s3.<region>.amazonaws.com`).

Managed policy attachments are refused (they are written for every bucket or every key), and the role may
be associated only with its own team's namespace.
"""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import PolicyResource, Severity

from rules._compute import EKS_POD_IDENTITY_ASSOCIATION, IAM_ROLE_POLICY, IAM_ROLE_POLICY_ATTACHMENT
from rules._support import GDPR_BY_DESIGN, IAM_ROLE, Stack, as_list, name_of, stack_rule, statements

POD_IDENTITY = "pods.eks.amazonaws.com"
NAMESPACE_PREFIX = "team-"


def trusts_pod_identity(role: PolicyResource) -> bool:
    return any(
        s.get("Effect") == "Allow" and POD_IDENTITY in as_list((s.get("Principal") or {}).get("Service"))
        for s in statements(role.props.get("assumeRolePolicy"))
        if isinstance(s.get("Principal"), Mapping)
    )


def linked(stack: Stack, role: PolicyResource, types: tuple[str, ...], prop: str, value_of_role: str) -> list:
    """Resources of `types` whose `prop` names the role: by dependency, or by the role's name or ARN."""
    value = role.props.get(value_of_role)
    return [
        r
        for r in stack.of_type(*types)
        if role in stack.referenced(r, prop)
        or (not r.property_dependencies.get(prop) and value and r.props.get(prop) == value)
    ]


def access_point_team(resource: str, teams: list[str]) -> str | None:
    """The team an access point ARN (or its objects) belongs to, None if not an access point of a known team."""
    if ":accesspoint/" not in resource or not resource.startswith("arn:aws:s3:"):
        return None
    name = resource.split(":accesspoint/", 1)[1].split("/", 1)[0]
    matches = [t for t in teams if name == f"scratch-{t}" or name.endswith(f"-{t}")]
    return max(matches, key=len) if matches else None


def via_s3_only(statement: Mapping) -> bool:
    services = [
        str(v)
        for operator, condition in (statement.get("Condition") or {}).items()
        if operator in ("StringEquals", "StringLike")
        for key, values in (condition or {}).items()
        if key.lower() == "kms:viaservice"
        for v in as_list(values)
    ]
    return bool(services) and all(s.startswith("s3.") and s.endswith(".amazonaws.com") for s in services)


def reach_problems(statement: Mapping, team: str, teams: list[str]) -> list[str]:
    """What an Allow statement reaches beyond the team's products, one line each."""
    if statement.get("NotAction") or statement.get("NotResource"):
        return ["NotAction/NotResource reach everything not listed"]
    actions = [str(a) for a in as_list(statement.get("Action"))]
    problems: list[str] = []
    # An access point and its objects (`<ap>/object/*`) are one reach.
    resources = dict.fromkeys(str(r).split("/object/", 1)[0] for r in as_list(statement.get("Resource")))
    for resource in resources:
        if resource.startswith("arn:aws:kms:") and ":key/" in resource:
            if not all(a.startswith("kms:") for a in actions):
                problems.append(f"{resource} with non-KMS actions {', '.join(actions)}")
            elif not via_s3_only(statement):
                problems.append(f"key {resource} outside S3 (no kms:ViaService s3.<region>.amazonaws.com)")
            continue
        owner = access_point_team(resource, teams)
        if owner is None:
            problems.append(f"{resource}, not an access point of the team's products")
        elif owner != team:
            problems.append(f"{resource}, an access point of team {owner}")
        elif not all(a.startswith("s3:") for a in actions):
            problems.append(f"{resource} with non-S3 actions {', '.join(actions)}")
    return problems


def team_roles(stack: Stack) -> list[tuple[PolicyResource, str | None, list[PolicyResource]]]:
    """(role, its team tag, its Pod Identity associations) of every team role."""
    found = []
    for role in stack.of_type(IAM_ROLE):
        if not trusts_pod_identity(role):
            continue
        tag = (role.props.get("tags") or {}).get("team")
        associations = linked(stack, role, (EKS_POD_IDENTITY_ASSOCIATION,), "roleArn", "arn")
        in_team_namespace = any(
            str(a.props.get("namespace") or "").startswith(NAMESPACE_PREFIX) for a in associations
        )
        if tag or in_team_namespace:
            found.append((role, str(tag) if tag else None, associations))
    return found


def check(args, report_violation) -> None:
    teams = args.get_config()["teams"]
    stack = Stack(args.resources)
    roles = team_roles(stack)
    if not roles:
        args.not_applicable(
            "the stack has no team role (Pod Identity role with a team tag or team namespace)"
        )
    for role, tag, associations in roles:
        role_name = name_of(role)
        namespaces = sorted(str(a.props.get("namespace")) for a in associations)
        team = tag or next(n for n in namespaces if n.startswith(NAMESPACE_PREFIX)).removeprefix(
            NAMESPACE_PREFIX
        )
        if tag is None:
            report_violation(
                f"team role {role_name} has no `team` tag: the lake's access points admit principals by it",
                role.urn,
            )
        elif tag not in teams:
            report_violation(
                f"team role {role_name} is tagged for team {tag!r}, not a team of {teams}", role.urn
            )
        for association in associations:
            namespace = association.props.get("namespace")
            if namespace != f"{NAMESPACE_PREFIX}{team}":
                report_violation(
                    f"team role {role_name} of team {team} is given to pods of namespace {namespace}, "
                    f"not {NAMESPACE_PREFIX}{team}",
                    association.urn,
                )
        for attachment in linked(stack, role, (IAM_ROLE_POLICY_ATTACHMENT,), "role", "name"):
            report_violation(
                f"team role {role_name} has managed policy {attachment.props.get('policyArn')} attached; team "
                "roles carry only the grants of components/product_access.py",
                attachment.urn,
            )
        documents = [
            (p, p.props.get("policy")) for p in linked(stack, role, (IAM_ROLE_POLICY,), "role", "name")
        ]
        documents += [
            (role, inline.get("policy")) for inline in as_list(role.props.get("inlinePolicies")) if inline
        ]
        for holder, document in documents:
            for statement in statements(document):
                if statement.get("Effect") != "Allow":
                    continue
                for problem in reach_problems(statement, team, teams):
                    sid = statement.get("Sid") or "a statement"
                    report_violation(
                        f"team role {role_name} of team {team}: {sid} of {name_of(holder)} reaches {problem}",
                        holder.urn,
                    )


POLICY = stack_rule(
    name="iam-role-team-products-only",
    description="Checks whether every team role reaches only its own team's access points (with S3 actions) "
    "and keys through S3, has no managed policies, and is given only to its team's namespace.",
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_BY_DESIGN,
    config={"teams": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    remediation="Grant team roles data access only with `product_access.grant_read`/`grant_write` "
    "(components/team_tenancy.py does); a team reads another team's product by becoming its consumer "
    "in environments/<env>.yaml, which gives it an access point of its own.",
)
