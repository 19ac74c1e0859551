"""Grant helper for the container registry: a role's right to pull the platform's images.

Works from the registry stack's `repositories` export ({key: {"arn", "url"}}), so the compute
layer grants node and team roles without hand-written IAM. The repository policy (which
accounts may pull at all) is the other half, made by `ContainerRegistry`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_aws as aws

from components import container_registry


def pull_policy(repositories: Mapping[str, Mapping[str, str]]) -> dict:
    """Pull every repository, in every region it is replicated to."""
    arns = sorted(re.sub(r"^arn:aws:ecr:[^:]+:", "arn:aws:ecr:*:", r["arn"]) for r in repositories.values())
    return {
        "Version": "2012-10-17",
        "Statement": [
            # The token call has no resource; ECR requires "*" here.
            {
                "Sid": "RegistryLogin",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            },
            {
                "Sid": "PullImages",
                "Effect": "Allow",
                "Action": list(container_registry.PULL_ACTIONS),
                "Resource": arns,
            },
        ],
    }


def grant_pull(
    name: str,
    *,
    role: pulumi.Input[str],
    repositories: pulumi.Input[Mapping[str, Any]],
    opts: pulumi.ResourceOptions | None = None,
) -> aws.iam.RolePolicy:
    """Attach to `role` (a role name) the right to pull every repository of the registry."""
    policy = pulumi.Output.from_input(repositories).apply(lambda repos: json.dumps(pull_policy(repos)))
    return aws.iam.RolePolicy(name, role=role, policy=policy, opts=opts)
