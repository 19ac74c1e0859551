"""The organization CloudTrail, in the management account."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True, kw_only=True, slots=True)
class OrganizationTrailArgs:
    trail_name: str
    """Physical name; the log archive's policies name the trail's ARN, so it is fixed."""
    bucket_name: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]


class OrganizationTrail(pulumi.ComponentResource):
    """Creates a multi-region organization trail with log file validation, encrypted with the archive's key."""

    def __init__(
        self, name: str, args: OrganizationTrailArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("mlplatform:org:OrganizationTrail", name, None, opts)
        self.trail = aws.cloudtrail.Trail(
            name,
            name=args.trail_name,
            s3_bucket_name=args.bucket_name,
            kms_key_id=args.kms_key_arn,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            # CloudTrail checks the bucket policy when the trail is created, so the caller's
            # ordering (the log archive) must hold for the trail itself, not just the component.
            opts=pulumi.ResourceOptions(parent=self, depends_on=opts.depends_on if opts else None),
        )
        self.arn = self.trail.arn
        self.register_outputs({"arn": self.arn})
