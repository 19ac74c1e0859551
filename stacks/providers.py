"""The only place AWS providers are built: one per (account, region), assuming a role."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
import pulumi_aws as aws


def baseline_tags(*, environment: str, layer: str, owner: str, cost_center: str) -> dict[str, str]:
    """Tags every AWS resource of a stack carries, through the provider's default_tags."""
    return {
        "project": "mlplatform",
        "environment": environment,
        "layer": layer,
        "owner": owner,
        "cost-center": cost_center,
        "managed-by": "pulumi",
    }


def aws_provider(
    name: str,
    *,
    account_id: pulumi.Input[str],
    region: str,
    role_name: str,
    session_name: str,
    tags: Mapping[str, str],
) -> aws.Provider:
    """A provider bound to one account and region; it refuses to act on any other account."""
    account = pulumi.Output.from_input(account_id)
    return aws.Provider(
        name,
        region=region,
        allowed_account_ids=[account],
        assume_roles=[
            aws.ProviderAssumeRoleArgs(
                role_arn=pulumi.Output.concat("arn:aws:iam::", account, ":role/", role_name),
                session_name=session_name,
            )
        ],
        default_tags=aws.ProviderDefaultTagsArgs(tags=dict(tags)),
    )


def regional_providers(
    name: str,
    *,
    account_id: pulumi.Input[str],
    regions: Sequence[str],
    role_name: str,
    session_name: str,
    tags: Mapping[str, str],
) -> dict[str, aws.Provider]:
    """One provider per region of an account, named `<name>-<region>`, all assuming `role_name`."""
    return {
        region: aws_provider(
            f"{name}-{region}",
            account_id=account_id,
            region=region,
            role_name=role_name,
            session_name=session_name,
            tags=tags,
        )
        for region in regions
    }


def layer_reference(stack: str) -> pulumi.StackReference:
    """The outputs of an earlier layer's stack of this project, e.g. `org` or `prod-foundation`."""
    return pulumi.StackReference(
        stack, stack_name=f"{pulumi.get_organization()}/{pulumi.get_project()}/{stack}"
    )
