"""sqs-queue-tls-only: without an explicit deny, SQS answers plain-HTTP requests, and messages cross the
network unencrypted; every queue has a policy that denies them."""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_policy import Severity

from rules._compute import SQS_QUEUE, SQS_QUEUE_POLICY
from rules._support import GDPR_SECURITY, Stack, as_list, name_of, principals, stack_rule, statements


def denies_plain_http(statement: Mapping, queue_arn: str) -> bool:
    """Deny, to everyone, every SQS action on the queue when aws:SecureTransport is false."""
    condition = (statement.get("Condition") or {}).get("Bool") or {}
    resources = [str(r) for r in as_list(statement.get("Resource"))]
    return (
        statement.get("Effect") == "Deny"
        and "*" in principals(statement)
        and bool({"sqs:*", "*"} & {str(a) for a in as_list(statement.get("Action"))})
        and str(condition.get("aws:SecureTransport")).lower() == "false"
        and bool({queue_arn, "*"} & set(resources))
    )


def policies_of(stack: Stack, queue) -> list:
    """Queue policies linked to the queue, or naming its URL when no dependency was recorded."""
    url = queue.props.get("url")
    return [
        p
        for p in stack.of_type(SQS_QUEUE_POLICY)
        if queue in stack.referenced(p, "queueUrl")
        or (not p.property_dependencies.get("queueUrl") and url and p.props.get("queueUrl") == url)
    ]


def check(args, report_violation) -> None:
    stack = Stack(args.resources)
    queues = stack.of_type(SQS_QUEUE)
    if not queues:
        args.not_applicable("the stack has no SQS queue")
    for queue in queues:
        policies = policies_of(stack, queue)
        arn = str(queue.props.get("arn") or "")
        if not policies:
            report_violation(
                f"queue {name_of(queue)} has no queue policy, so plain HTTP is allowed", queue.urn
            )
        elif not any(denies_plain_http(s, arn) for p in policies for s in statements(p.props.get("policy"))):
            report_violation(
                f"queue {name_of(queue)}: its policy does not deny requests without TLS (aws:SecureTransport)",
                queue.urn,
            )


POLICY = stack_rule(
    name="sqs-queue-tls-only",
    description="Checks whether every SQS queue has a policy that denies every request made without TLS.",
    check=check,
    severity=Severity.MEDIUM,
    framework=GDPR_SECURITY,
    remediation="Add a Deny statement for Principal '*', Action 'sqs:*' on the queue when "
    "`aws:SecureTransport` is false (components/karpenter.py `queue_policy` has it).",
)
