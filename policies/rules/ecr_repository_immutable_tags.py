"""ecr-repository-immutable-tags: a release manifest names an image; a mutable tag could later name
other bytes, and the model's training code would no longer be the one recorded."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._support import ECR_CREATION_TEMPLATE, ECR_REPOSITORY, ISO_PAS_8800_DATA, resource_rule


def check(args, report_violation) -> None:
    mutability = args.props.get("imageTagMutability")
    if mutability != "IMMUTABLE":
        report_violation(f"imageTagMutability is {mutability!r}, not 'IMMUTABLE'")


POLICY = resource_rule(
    name="ecr-repository-immutable-tags",
    description=(
        "Checks whether every ECR repository, and every template ECR creates replicated or cached "
        "repositories from, makes image tags immutable."
    ),
    types=[ECR_REPOSITORY, ECR_CREATION_TEMPLATE],
    check=check,
    severity=Severity.HIGH,
    framework=ISO_PAS_8800_DATA,
    remediation="Set `image_tag_mutability='IMMUTABLE'` (components/container_registry.py does).",
)
