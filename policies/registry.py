"""Every rule of the pack, in the order the pack reports them; a test pins this list to the config files.

A rule that is not listed here is never run, so the registry is built from the rule modules by
name and a test checks that every module of `rules/` is listed.
"""

from __future__ import annotations

from pulumi_policy import Policy, StackValidationPolicy

from rules import (
    aws_provider_allowed_account_ids,
    aws_provider_default_tags,
    aws_provider_region_allowed,
    aws_resource_required_tags,
    cloudtrail_trail_bucket_object_lock,
    cloudtrail_trail_kms_encrypted,
    cloudtrail_trail_multi_region_validated,
    cloudtrail_trail_organization_present,
    ec2_default_security_group_closed,
    ec2_eip_associated,
    ec2_security_group_ingress_no_world,
    ec2_subnet_no_public_ip_on_launch,
    ec2_vpc_endpoint_private_dns,
    ec2_vpc_nat_gateway_count,
    ec2_vpc_s3_gateway_endpoint,
    ecr_repository_immutable_tags,
    ecr_repository_kms_encrypted,
    ecr_repository_scan_on_push,
    iam_policy_no_admin_wildcard,
    iam_role_trust_no_wildcard_principal,
    kms_key_deletion_window,
    kms_key_policy_no_public_principal,
    kms_key_protect,
    kms_key_rotation_enabled,
    organizations_account_protect,
    organizations_scp_cloudtrail_protected,
    organizations_scp_deny_leave,
    organizations_scp_imdsv2_required,
    organizations_scp_personal_data_residency,
    organizations_scp_region_allow_list,
    s3_access_point_public_access_block,
    s3_bucket_access_logging,
    s3_bucket_data_classification_tags,
    s3_bucket_encryption_attached,
    s3_bucket_encryption_customer_key,
    s3_bucket_force_destroy_disabled,
    s3_bucket_lifecycle_abort_multipart,
    s3_bucket_lifecycle_attached,
    s3_bucket_lifecycle_noncurrent_expiration,
    s3_bucket_object_lock,
    s3_bucket_ownership_enforced,
    s3_bucket_personal_data_residency,
    s3_bucket_protect,
    s3_bucket_public_access_block_attached,
    s3_bucket_public_access_block_enabled,
    s3_bucket_replication_kms,
    s3_bucket_replication_residency,
    s3_bucket_tiering,
    s3_bucket_tls_only,
    s3_bucket_versioning_enabled,
)

PACK_NAME = "mlplatform-policies"
PACK_DESCRIPTION = "Compliance (ISO 26262, ISO/PAS 8800, GDPR) and cost rules of the ML platform"

RULES: tuple[Policy, ...] = (
    aws_provider_allowed_account_ids.POLICY,
    aws_provider_default_tags.POLICY,
    aws_provider_region_allowed.POLICY,
    aws_resource_required_tags.POLICY,
    cloudtrail_trail_bucket_object_lock.POLICY,
    cloudtrail_trail_kms_encrypted.POLICY,
    cloudtrail_trail_multi_region_validated.POLICY,
    cloudtrail_trail_organization_present.POLICY,
    ec2_default_security_group_closed.POLICY,
    ec2_eip_associated.POLICY,
    ec2_security_group_ingress_no_world.POLICY,
    ec2_subnet_no_public_ip_on_launch.POLICY,
    ec2_vpc_endpoint_private_dns.POLICY,
    ec2_vpc_nat_gateway_count.POLICY,
    ec2_vpc_s3_gateway_endpoint.POLICY,
    ecr_repository_immutable_tags.POLICY,
    ecr_repository_kms_encrypted.POLICY,
    ecr_repository_scan_on_push.POLICY,
    iam_policy_no_admin_wildcard.POLICY,
    iam_role_trust_no_wildcard_principal.POLICY,
    kms_key_deletion_window.POLICY,
    kms_key_policy_no_public_principal.POLICY,
    kms_key_protect.POLICY,
    kms_key_rotation_enabled.POLICY,
    organizations_account_protect.POLICY,
    organizations_scp_cloudtrail_protected.POLICY,
    organizations_scp_deny_leave.POLICY,
    organizations_scp_imdsv2_required.POLICY,
    organizations_scp_personal_data_residency.POLICY,
    organizations_scp_region_allow_list.POLICY,
    s3_access_point_public_access_block.POLICY,
    s3_bucket_access_logging.POLICY,
    s3_bucket_data_classification_tags.POLICY,
    s3_bucket_encryption_attached.POLICY,
    s3_bucket_encryption_customer_key.POLICY,
    s3_bucket_force_destroy_disabled.POLICY,
    s3_bucket_lifecycle_abort_multipart.POLICY,
    s3_bucket_lifecycle_attached.POLICY,
    s3_bucket_lifecycle_noncurrent_expiration.POLICY,
    s3_bucket_object_lock.POLICY,
    s3_bucket_ownership_enforced.POLICY,
    s3_bucket_personal_data_residency.POLICY,
    s3_bucket_protect.POLICY,
    s3_bucket_public_access_block_attached.POLICY,
    s3_bucket_public_access_block_enabled.POLICY,
    s3_bucket_replication_kms.POLICY,
    s3_bucket_replication_residency.POLICY,
    s3_bucket_tiering.POLICY,
    s3_bucket_tls_only.POLICY,
    s3_bucket_versioning_enabled.POLICY,
)

RULES_BY_NAME: dict[str, Policy] = {rule.name: rule for rule in RULES}


def is_stack_rule(rule: Policy) -> bool:
    return isinstance(rule, StackValidationPolicy)
