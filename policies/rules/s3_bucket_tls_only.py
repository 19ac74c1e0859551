"""s3-bucket-tls-only: without an explicit deny, S3 answers plain-HTTP requests, and the data crosses the
network unencrypted."""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import Severity

from rules._support import (
    BUCKET_POLICY,
    GDPR_SECURITY,
    Stack,
    as_list,
    buckets_or_not_applicable,
    name_of,
    principals,
    stack_rule,
    statements,
)


def denies_plain_http(statement: Mapping) -> bool:
    """Deny, to everyone, every S3 action on the bucket and its objects when aws:SecureTransport is false."""
    condition = (statement.get("Condition") or {}).get("Bool") or {}
    resources = [str(r) for r in as_list(statement.get("Resource"))]
    return (
        statement.get("Effect") == "Deny"
        and "*" in principals(statement)
        and "s3:*" in as_list(statement.get("Action"))
        and str(condition.get("aws:SecureTransport")).lower() == "false"
        and any(r.endswith("/*") for r in resources)
        and any(not r.endswith("/*") for r in resources)
    )


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    for bucket in buckets_or_not_applicable(args, stack):
        policies = stack.referencing(bucket, [BUCKET_POLICY], "bucket")
        if not policies:
            report_violation(
                f"bucket {name_of(bucket)} has no bucket policy, so plain HTTP is allowed", bucket.urn
            )
        elif not any(denies_plain_http(s) for p in policies for s in statements(p.props.get("policy"))):
            report_violation(
                f"bucket {name_of(bucket)}: its policy does not deny requests without TLS (aws:SecureTransport)",
                bucket.urn,
            )


POLICY = stack_rule(
    name="s3-bucket-tls-only",
    description="Checks whether every S3 bucket has a policy that denies every request made without TLS.",
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    remediation="Start the bucket policy with `components._iam.deny_insecure_transport(bucket_arn)`.",
)
