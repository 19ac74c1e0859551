"""An organization stack like components/organization.py builds: SCPs attached to the root or accounts."""

from __future__ import annotations

import json

from tests.policies.harness import Stack

ORGANIZATION = "aws:organizations/organization:Organization"
POLICY = "aws:organizations/policy:Policy"
ATTACHMENT = "aws:organizations/policyAttachment:PolicyAttachment"
ACCOUNT = "aws:organizations/account:Account"

STATEMENTS = {
    "deny-leave": {
        "Sid": "DenyLeave",
        "Effect": "Deny",
        "Action": "organizations:LeaveOrganization",
        "Resource": "*",
    },
    "protect-cloudtrail": {
        "Sid": "DenyCloudTrailTampering",
        "Effect": "Deny",
        "Action": ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail"],
        "Resource": "*",
    },
    "require-imdsv2": {
        "Sid": "RequireImdsV2",
        "Effect": "Deny",
        "Action": "ec2:RunInstances",
        "Resource": "arn:aws:ec2:*:*:instance/*",
        "Condition": {"StringNotEquals": {"ec2:MetadataHttpTokens": "required"}},
    },
    "allowed-regions": {
        "Sid": "DenyUnapprovedRegions",
        "Effect": "Deny",
        "NotAction": ["iam:*"],
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {
                "aws:RequestedRegion": ["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]
            }
        },
    },
    "personal-data-regions": {
        "Sid": "DenyRegionsOutsideResidency",
        "Effect": "Deny",
        "NotAction": ["iam:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}},
    },
}


def organization_stack() -> Stack:
    s = Stack()
    s.add(ORGANIZATION, "organization", {"featureSet": "ALL"})
    s.add(ACCOUNT, "prod-data", {"name": "acme-prod-data"})
    for key, statement in STATEMENTS.items():
        content = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        s.add(POLICY, key, {"name": key, "type": "SERVICE_CONTROL_POLICY", "content": content})
        target = "prod-data" if key == "personal-data-regions" else "organization"
        s.add(
            ATTACHMENT,
            f"{key}-attachment",
            {"policyId": "p", "targetId": "t"},
            links={"policyId": key, "targetId": target},
        )
    return s


def set_statement(s: Stack, key: str, **change) -> None:
    statement = {**STATEMENTS[key], **change}
    s.props(key)["content"] = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
