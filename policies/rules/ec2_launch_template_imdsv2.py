"""ec2-launch-template-imdsv2: with IMDSv1, or a hop limit above 1, any pod on a node can read the node
role's credentials from the metadata service (SSRF included); pods get their own through Pod Identity."""

from __future__ import annotations

from pulumi_policy import Severity

from rules._compute import LAUNCH_TEMPLATE
from rules._support import GDPR_SECURITY, number, resource_rule


def check(args, report_violation) -> None:
    options = args.props.get("metadataOptions") or {}
    if options.get("httpEndpoint") == "disabled":
        return  # no metadata service at all
    maximum = args.get_config()["maximumHopLimit"]
    tokens = options.get("httpTokens")
    if tokens != "required":
        report_violation(f"IMDSv1 is allowed (httpTokens {tokens or 'not set'}, not required)")
    hops = number(options.get("httpPutResponseHopLimit"))
    if hops is None:
        report_violation(
            f"the metadata hop limit is not set (AMIs registered for IMDSv2 default to 2); set at most {maximum}"
        )
    elif hops > maximum:
        report_violation(
            f"the metadata hop limit is {int(hops)}: containers one hop away reach the node's credentials; "
            f"at most {maximum}"
        )


POLICY = resource_rule(
    name="ec2-launch-template-imdsv2",
    description="Checks whether every launch template requires IMDSv2 session tokens with a response hop "
    "limit of at most the configured maximum.",
    types=[LAUNCH_TEMPLATE],
    check=check,
    severity=Severity.HIGH,
    framework=GDPR_SECURITY,
    config={"maximumHopLimit": {"type": "integer", "minimum": 1, "maximum": 64}},
    remediation="Set `metadata_options={'http_endpoint': 'enabled', 'http_tokens': 'required', "
    "'http_put_response_hop_limit': 1}` (components/node_group.py does).",
)
