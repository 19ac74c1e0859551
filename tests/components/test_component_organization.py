import json

import pulumi
import pytest

from components.organization import MemberAccountArgs, Organization, OrganizationArgs
from tests.support.synthesis import run_component

ARGS = OrganizationArgs(
    organizational_units={"security": None, "workloads": None, "prod": "workloads"},
    accounts={
        "log-archive": MemberAccountArgs(name="acme-log-archive", email="log@acme.example", ou="security"),
        "prod-data": MemberAccountArgs(
            name="acme-prod-data", email="data@acme.example", ou="prod", personal_data=True
        ),
        "prod-training": MemberAccountArgs(name="acme-prod-training", email="train@acme.example", ou="prod"),
    },
    member_access_role_name="OrganizationAccountAccessRole",
    allowed_regions=["eu-central-1", "eu-west-1", "us-west-2"],
    personal_data_regions=["eu-central-1", "eu-west-1"],
)


@pytest.fixture(scope="module")
def recorded():
    return run_component(
        lambda p: Organization("org", ARGS, pulumi.ResourceOptions(provider=p)), account="111111111111"
    )


def test_creates_exactly_the_organization_ous_accounts_and_policies(recorded):
    assert recorded.counts() == {
        "aws:organizations/account:Account": 3,
        "aws:organizations/organization:Organization": 1,
        "aws:organizations/organizationalUnit:OrganizationalUnit": 3,
        "aws:organizations/policy:Policy": 5,
        "aws:organizations/policyAttachment:PolicyAttachment": 5,
    }
    assert recorded.names("aws:organizations/policy:Policy") == [
        "org-allowed-regions", "org-deny-leave-organization", "org-personal-data-regions",
        "org-protect-cloudtrail", "org-require-imdsv2",
    ]  # fmt: skip


def test_accounts_are_protected_retained_and_never_closed(recorded):
    for account in recorded.of_type("aws:organizations/account:Account"):
        assert account.protect and account.retain_on_delete
        assert account.inputs["closeOnDeletion"] is False
        assert account.inputs["roleName"] == "OrganizationAccountAccessRole"
        assert account.ignore_changes == ["roleName"]
        assert account.parent.endswith("mlplatform:org:Organization::org")
    organization = recorded.one("aws:organizations/organization:Organization", "org")
    assert organization.protect and organization.inputs["featureSet"] == "ALL"
    assert organization.inputs["enabledPolicyTypes"] == ["SERVICE_CONTROL_POLICY"]


def test_nested_ou_is_created_under_its_parent(recorded):
    prod = recorded.one("aws:organizations/organizationalUnit:OrganizationalUnit", "org-prod")
    workloads = recorded.one("aws:organizations/organizationalUnit:OrganizationalUnit", "org-workloads")
    assert prod.inputs["parentId"] == workloads.id
    security = recorded.one("aws:organizations/organizationalUnit:OrganizationalUnit", "org-security")
    assert security.inputs["parentId"].startswith("r-")


def test_personal_data_scp_is_attached_only_to_personal_data_accounts(recorded):
    attachments = recorded.names("aws:organizations/policyAttachment:PolicyAttachment")
    assert [a for a in attachments if "personal-data" in a] == ["org-personal-data-regions-prod-data"]
    personal = recorded.one("aws:organizations/policy:Policy", "org-personal-data-regions")
    (statement,) = json.loads(personal.inputs["content"])["Statement"]
    assert statement["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == ["eu-central-1", "eu-west-1"]
    data_account = recorded.one("aws:organizations/account:Account", "org-prod-data")
    attachment = recorded.one(
        "aws:organizations/policyAttachment:PolicyAttachment", "org-personal-data-regions-prod-data"
    )
    assert attachment.inputs["targetId"] == data_account.id
    assert attachment.inputs["policyId"] == personal.id


def test_guardrail_policies_are_attached_to_the_root(recorded):
    root_attachments = [
        r
        for r in recorded.of_type("aws:organizations/policyAttachment:PolicyAttachment")
        if r.urn.endswith("-root")
    ]
    assert len(root_attachments) == 4
    assert {r.inputs["targetId"] for r in root_attachments} == {root_attachments[0].inputs["targetId"]}
    assert root_attachments[0].inputs["targetId"].startswith("r-")


def test_every_problem_is_reported_at_once():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        OrganizationArgs(
            organizational_units={"a": "missing"},
            accounts={"x": MemberAccountArgs(name="x", email="x@e.example", ou="nowhere")},
            member_access_role_name="r",
            allowed_regions=["eu-central-1"],
            personal_data_regions=["us-east-1"],
            imds_max_hop_limit=0,
        )
    assert [e["property_path"] for e in raised.value.errors] == [
        "organizational_units.a", "accounts.x.ou", "personal_data_regions", "imds_max_hop_limit",
    ]  # fmt: skip


def test_ou_cycle_is_reported_as_an_argument_problem():
    with pytest.raises(pulumi.InputPropertiesError) as raised:
        OrganizationArgs(
            organizational_units={"a": "b", "b": "a"},
            accounts={},
            member_access_role_name="r",
            allowed_regions=["eu-central-1"],
            personal_data_regions=[],
        )
    assert raised.value.errors == [
        {
            "property_path": "organizational_units",
            "reason": "{'a': 'b', 'b': 'a'}: OU parents form a cycle among ['a', 'b']",
        }
    ]
