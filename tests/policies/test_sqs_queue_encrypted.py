import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.sqs_queue_encrypted import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

QUEUE = "aws:sqs/queue:Queue"
KEY = "arn:aws:kms:eu-central-1:123456789012:key/platform"
SSE_ONLY = {"requireCustomerKey": False}
CMK = {"requireCustomerKey": True}


def queue(config, **props):
    return resource_args(QUEUE, {"name": "q", **props}, config=config)


@pytest.mark.parametrize(
    "args",
    [
        lambda: queue(SSE_ONLY, sqsManagedSseEnabled=True),
        lambda: queue(SSE_ONLY, kmsMasterKeyId="alias/aws/sqs"),
        lambda: queue(SSE_ONLY, kmsMasterKeyId=KEY),
        lambda: queue(CMK, kmsMasterKeyId=KEY),
    ],
)
def test_encrypted_queues_pass(args):
    assert run(POLICY, args()).violations == []


@pytest.mark.parametrize("props", [{}, {"sqsManagedSseEnabled": False}])
def test_an_unencrypted_queue_fails(props):
    assert run(POLICY, queue(SSE_ONLY, **props)).messages == [
        "the queue has no server-side encryption (neither SQS-managed nor KMS)"
    ]


@pytest.mark.parametrize(
    ("props", "shown"),
    [({"sqsManagedSseEnabled": True}, "not set"), ({"kmsMasterKeyId": "alias/aws/sqs"}, "alias/aws/sqs")],
)
def test_sqs_managed_or_aws_keys_fail_where_a_customer_key_is_required(props, shown):
    assert run(POLICY, queue(CMK, **props)).messages == [
        f"the queue is not encrypted with a customer-managed KMS key (kmsMasterKeyId {shown})"
    ]


def test_unknown_encryption_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, queue(SSE_ONLY, kmsMasterKeyId=UNKNOWN))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:sqs/queuePolicy:QueuePolicy", {}, config=SSE_ONLY))
    assert result.not_applicable == f"applies to {QUEUE}"
