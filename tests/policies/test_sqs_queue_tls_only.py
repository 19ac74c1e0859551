import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.sqs_queue_tls_only import POLICY
from tests.policies.harness import UNKNOWN, Stack, run

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"
ARN = "arn:aws:sqs:eu-central-1:123456789012:acme-prod-eu-central-1-karpenter"
URL = "https://sqs.eu-central-1.amazonaws.com/123456789012/acme-prod-eu-central-1-karpenter"
NO_TLS = "queue interruption: its policy does not deny requests without TLS (aws:SecureTransport)"


def document(**change):
    deny = {
        "Sid": "DenyHTTP",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": ARN,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    send = {"Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"}, "Action": "sqs:SendMessage",
            "Resource": ARN}  # fmt: skip
    return json.dumps({"Version": "2012-10-17", "Statement": [send, {**deny, **change}]})


def stack(links=True, **change):
    s = Stack()
    s.add(QUEUE, "interruption", {"arn": ARN, "url": URL, "sqsManagedSseEnabled": True})
    s.add(QUEUE_POLICY, "interruption-policy", {"queueUrl": URL, "policy": document(**change)},
          links={"queueUrl": "interruption"} if links else None)  # fmt: skip
    return s


def test_a_tls_only_policy_passes():
    assert run(POLICY, stack().args()).violations == []


def test_a_policy_found_by_url_without_a_recorded_dependency_passes():
    assert run(POLICY, stack(links=False).args()).violations == []


def test_a_missing_policy_fails():
    s = stack()
    s.remove("interruption-policy")
    assert run(POLICY, s.args()).violations == [
        ("queue interruption has no queue policy, so plain HTTP is allowed", s.urn("interruption"))
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"Effect": "Allow"},
        {"Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Action": "sqs:SendMessage"},
        {"Resource": "arn:aws:sqs:eu-central-1:123456789012:another-queue"},
        {"Principal": {"AWS": "arn:aws:iam::123456789012:root"}},
    ],
)
def test_a_weakened_statement_fails(change):
    s = stack(**change)
    assert run(POLICY, s.args()).violations == [(NO_TLS, s.urn("interruption"))]


def test_an_unknown_policy_cannot_be_judged():
    s = stack()
    s.props("interruption-policy")["policy"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args())


def test_a_stack_without_queues_is_not_applicable():
    assert run(POLICY, Stack().args()).not_applicable == "the stack has no SQS queue"
