import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ec2_launch_template_imdsv2 import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
CONFIG = {"maximumHopLimit": 1}
GOOD = {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1}


def template(options):
    return resource_args(TEMPLATE, {"metadataOptions": options}, config=CONFIG)


def test_imdsv2_with_one_hop_passes():
    assert run(POLICY, template(GOOD)).violations == []


def test_a_disabled_metadata_service_passes():
    assert run(POLICY, template({"httpEndpoint": "disabled"})).violations == []


@pytest.mark.parametrize(
    ("options", "messages"),
    [
        ({**GOOD, "httpTokens": "optional"}, ["IMDSv1 is allowed (httpTokens optional, not required)"]),
        ({**GOOD, "httpPutResponseHopLimit": 2},
         ["the metadata hop limit is 2: containers one hop away reach the node's credentials; at most 1"]),
        ({"httpTokens": "required"},
         ["the metadata hop limit is not set (AMIs registered for IMDSv2 default to 2); set at most 1"]),
        (None, ["IMDSv1 is allowed (httpTokens not set, not required)",
                "the metadata hop limit is not set (AMIs registered for IMDSv2 default to 2); set at most 1"]),
    ],
)  # fmt: skip
def test_imdsv1_or_more_hops_fail(options, messages):
    assert run(POLICY, template(options)).messages == messages


def test_unknown_tokens_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, template({**GOOD, "httpTokens": UNKNOWN}))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:ec2/instance:Instance", {}, config=CONFIG))
    assert result.not_applicable == f"applies to {TEMPLATE}"
