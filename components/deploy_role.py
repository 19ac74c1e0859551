"""The cross-account role the later layers of an environment deploy through."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import _iam
from components._validation import Problems


@dataclass(frozen=True, kw_only=True, slots=True)
class DeployRoleArgs:
    role_name: str
    trusted_principal_arns: Sequence[str]
    """Principals (CI runners' roles) that may assume the role."""
    managed_policy_arns: Mapping[str, str] = field(
        default_factory=lambda: {"administrator": "arn:aws:iam::aws:policy/AdministratorAccess"}
    )
    """Managed policies attached to the role, keyed by a stable name. Defaults to AdministratorAccess
    (a deploy role creates IAM roles; SCPs bound what it can do, see docs/adr/0003)."""
    max_session_duration_seconds: int = 3600

    def __post_init__(self) -> None:
        problems = Problems("DeployRole")
        if not self.trusted_principal_arns:
            problems.add("trusted_principal_arns", [], "at least one principal ARN")
        if not 3600 <= self.max_session_duration_seconds <= 43200:
            problems.add(
                "max_session_duration_seconds", self.max_session_duration_seconds, "from 3600 to 43200"
            )
        if len(self.role_name) > 64:
            problems.add("role_name", self.role_name, "at most 64 characters")
        problems.raise_if_any()


class DeployRole(pulumi.ComponentResource):
    """Creates an IAM role trusted by the CI principals, with the given managed policies."""

    def __init__(self, name: str, args: DeployRoleArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mlplatform:foundation:DeployRole", name, None, opts)
        self.role = aws.iam.Role(
            name,
            name=args.role_name,
            assume_role_policy=json.dumps(_iam.trust_principals(sorted(args.trusted_principal_arns))),
            max_session_duration=args.max_session_duration_seconds,
            opts=pulumi.ResourceOptions(parent=self),
        )
        for key, policy_arn in args.managed_policy_arns.items():
            aws.iam.RolePolicyAttachment(
                f"{name}-{key}",
                role=self.role.name,
                policy_arn=policy_arn,
                opts=pulumi.ResourceOptions(parent=self),
            )
        self.arn = self.role.arn
        self.register_outputs({"arn": self.arn})
