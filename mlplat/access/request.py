"""What is asked: a principal, an action, a resource and the request's condition keys."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Principal:
    """The caller: an IAM role (by ARN) or an AWS service principal (`cloudtrail.amazonaws.com`).

    `session_name` makes the caller one session of the role (its `assumed-role` ARN); `session_tags`
    are the tags the session was given (EKS Pod Identity adds its own), which override the role's tags
    of the same key in `aws:PrincipalTag/...`. `session_policy` is the policy passed to AssumeRole, if
    any. `identity_policies` stand in for the policies of a principal the inventory does not hold (a
    role of another organization): without them its side of the request is unknown."""

    arn: str
    session_name: str | None = None
    session_tags: Mapping[str, str] = field(default_factory=dict)
    source_vpc: str | None = None
    session_policy: Mapping[str, Any] | None = None
    identity_policies: tuple[Mapping[str, Any], ...] | None = None

    @property
    def is_service(self) -> bool:
        return not self.arn.startswith("arn:") and self.arn.endswith(".amazonaws.com")


@dataclass(frozen=True)
class Request:
    """`context` holds the condition keys of the request (`aws:SourceVpce`, `kms:ViaService`,
    `s3:x-amz-server-side-encryption`, `kms:EncryptionContext:...`, ...). Keys the model derives
    (`aws:PrincipalArn`, `aws:PrincipalTag/...`, `aws:PrincipalOrgID`, `aws:RequestedRegion`,
    `aws:SecureTransport`, `kms:CallerAccount`, `s3:DataAccessPointArn`, ...) are filled in unless the
    context gives them."""

    principal: Principal
    action: str
    resource: str
    context: Mapping[str, object] = field(default_factory=dict)
