"""The model against the evaluation examples AWS documents: IAM User Guide "Policy evaluation logic"
and "Cross-account policy evaluation logic", the KMS Developer Guide on key policies (with and without
the statement that delegates to IAM) and grants, the S3 User Guide "Delegating access control to
access points", and the Organizations User Guide on SCPs."""

from __future__ import annotations

import json

import pytest

from mlplat.access import (
    Inventory,
    InventoryError,
    Outcome,
    Principal,
    Request,
    RequestError,
    evaluate,
)
from mlplat.access.unknown import UNKNOWN_VALUE
from tests.mlplat.access.access_world import ALICE, BOB, MANAGEMENT, World, allow, deny, statements

BUCKET = "amzn-s3-demo-bucket"
OBJECT = f"arn:aws:s3:::{BUCKET}/reports/q1.csv"


def decide(inventory: Inventory, role: str, action: str, resource: str, **options: object):
    context = options.pop("context", {})
    return evaluate(inventory, Request(Principal(role, **options), action, resource, context))  # type: ignore[arg-type]


def sids(decision) -> set[str | None]:
    return {ref.sid for ref in decision.statements}


# -- identity-based, resource-based and explicit deny, within one account ---------------------------


def test_an_identity_policy_allows_and_nothing_else_denies() -> None:
    world = World()
    role = world.role("reader", ALICE, allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", Sid="Read"))
    world.bucket(BUCKET, ALICE)
    decision = decide(world.inventory(), role, "s3:GetObject", OBJECT)
    assert decision.outcome is Outcome.ALLOW
    assert sids(decision) == {"Read"}
    assert (
        decision.statements[0].source.urn
        == "urn:pulumi:test::project::aws:iam/rolePolicy:RolePolicy::reader-0"
    )


def test_no_policy_allows_means_implicit_deny() -> None:
    world = World()
    role = world.role("reader", ALICE, allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))
    world.bucket(BUCKET, ALICE)
    decision = decide(world.inventory(), role, "s3:PutObject", OBJECT)
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert "identity-based policies of arn:aws:iam::123456789012:role/reader" in decision.reason


def test_an_explicit_deny_overrides_any_allow() -> None:
    world = World()
    role = world.role(
        "admin", ALICE, statements(allow("s3:*", Sid="All"), deny("s3:DeleteObject", Sid="NoDelete"))
    )
    world.bucket(
        BUCKET,
        ALICE,
        allow("s3:*", f"arn:aws:s3:::{BUCKET}/*", Principal={"AWS": f"arn:aws:iam::{ALICE}:role/admin"}),
    )
    inventory = world.inventory()
    assert decide(inventory, role, "s3:GetObject", OBJECT).outcome is Outcome.ALLOW
    decision = decide(inventory, role, "s3:DeleteObject", OBJECT)
    assert decision.outcome is Outcome.EXPLICIT_DENY
    assert sids(decision) == {"NoDelete"}


def test_a_bucket_policy_deny_applies_to_everyone() -> None:
    world = World()
    role = world.role("admin", ALICE, allow("s3:*"))
    world.bucket(
        BUCKET,
        ALICE,
        deny(
            "s3:*",
            [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
            Principal="*",
            Sid="DenyInsecureTransport",
            Condition={"Bool": {"aws:SecureTransport": "false"}},
        ),
    )
    inventory = world.inventory()
    assert decide(inventory, role, "s3:GetObject", OBJECT).outcome is Outcome.ALLOW  # TLS by default
    insecure = decide(inventory, role, "s3:GetObject", OBJECT, context={"aws:SecureTransport": False})
    assert (insecure.outcome, sids(insecure)) == (Outcome.EXPLICIT_DENY, {"DenyInsecureTransport"})


def test_within_an_account_a_resource_policy_naming_the_role_allows_on_its_own() -> None:
    world = World()
    role = world.role("reader", ALICE)
    world.bucket(
        BUCKET,
        ALICE,
        allow(
            "s3:GetObject",
            f"arn:aws:s3:::{BUCKET}/*",
            Principal={"AWS": f"arn:aws:iam::{ALICE}:role/reader"},
            Sid="Reader",
        ),
    )
    decision = decide(world.inventory(), role, "s3:GetObject", OBJECT)
    assert (decision.outcome, sids(decision)) == (Outcome.ALLOW, {"Reader"})


def test_a_resource_policy_naming_only_the_account_delegates_to_iam_policies() -> None:
    world = World()
    role = world.role("reader", ALICE)
    world.bucket(
        BUCKET,
        ALICE,
        allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", Principal={"AWS": f"arn:aws:iam::{ALICE}:root"}),
    )
    assert decide(world.inventory(), role, "s3:GetObject", OBJECT).outcome is Outcome.IMPLICIT_DENY


# -- permissions boundaries and session policies ------------------------------------------------------


def boundary_world(resource_principal: str | None = None) -> tuple[Inventory, str]:
    world = World()
    boundary = world.managed_policy(
        "s3-read-only", ALICE, allow(["s3:GetObject", "s3:ListBucket"], Sid="Ceiling")
    )
    role = world.role("dev", ALICE, allow("s3:*", Sid="Everything"), boundary=boundary)
    policy = None
    if resource_principal:
        policy = allow(
            "s3:PutObject", f"arn:aws:s3:::{BUCKET}/*", Principal={"AWS": resource_principal}, Sid="Put"
        )
    world.bucket(BUCKET, ALICE, policy)
    return world.inventory(), role


def test_a_permissions_boundary_limits_identity_based_policies() -> None:
    inventory, role = boundary_world()
    allowed = decide(inventory, role, "s3:GetObject", OBJECT)
    assert (allowed.outcome, sids(allowed)) == (Outcome.ALLOW, {"Everything", "Ceiling"})
    limited = decide(inventory, role, "s3:PutObject", OBJECT)
    assert limited.outcome is Outcome.IMPLICIT_DENY
    assert "permissions boundary arn:aws:iam::123456789012:policy/s3-read-only" in limited.reason


def test_a_boundary_limits_a_resource_policy_that_names_the_role_but_not_one_that_names_the_session() -> None:
    role_arn = f"arn:aws:iam::{ALICE}:role/dev"
    inventory, role = boundary_world(role_arn)
    assert decide(inventory, role, "s3:PutObject", OBJECT, session_name="s1").outcome is Outcome.IMPLICIT_DENY
    session_arn = f"arn:aws:sts::{ALICE}:assumed-role/dev/s1"
    inventory, role = boundary_world(session_arn)
    decision = decide(inventory, role, "s3:PutObject", OBJECT, session_name="s1")
    assert (decision.outcome, sids(decision)) == (Outcome.ALLOW, {"Put"})
    assert decide(inventory, role, "s3:PutObject", OBJECT, session_name="s2").outcome is Outcome.IMPLICIT_DENY


def test_an_explicit_deny_in_a_boundary_denies() -> None:
    world = World()
    boundary = world.managed_policy(
        "no-delete", ALICE, statements(allow("*"), deny("s3:DeleteObject", Sid="Never"))
    )
    role = world.role("dev", ALICE, allow("s3:*"), boundary=boundary)
    world.bucket(BUCKET, ALICE)
    decision = decide(world.inventory(), role, "s3:DeleteObject", OBJECT)
    assert (decision.outcome, sids(decision)) == (Outcome.EXPLICIT_DENY, {"Never"})


def test_a_session_policy_caps_the_session() -> None:
    world = World()
    role = world.role("dev", ALICE, allow("s3:*"))
    world.bucket(BUCKET, ALICE)
    inventory = world.inventory()
    capped = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    assert decide(inventory, role, "s3:GetObject", OBJECT, session_policy=capped).outcome is Outcome.ALLOW
    assert (
        decide(inventory, role, "s3:PutObject", OBJECT, session_policy=capped).outcome
        is Outcome.IMPLICIT_DENY
    )


# -- across accounts: both sides must allow ------------------------------------------------------------


@pytest.mark.parametrize(
    ("identity", "bucket_principal", "expected"),
    [
        (True, f"arn:aws:iam::{ALICE}:root", Outcome.ALLOW),
        (True, f"arn:aws:iam::{ALICE}:role/reader", Outcome.ALLOW),
        (True, None, Outcome.IMPLICIT_DENY),  # the trusting account does not allow
        (False, f"arn:aws:iam::{ALICE}:role/reader", Outcome.IMPLICIT_DENY),  # the trusted account does not
    ],
)
def test_cross_account_access_needs_both_sides(
    identity: bool, bucket_principal: str | None, expected: Outcome
) -> None:
    world = World()
    role = world.role(
        "reader", ALICE, *([allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*")] if identity else [])
    )
    policy = (
        allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", Principal={"AWS": bucket_principal})
        if bucket_principal
        else None
    )
    world.bucket(BUCKET, BOB, policy)
    assert decide(world.inventory(), role, "s3:GetObject", OBJECT).outcome is expected


def test_a_resource_in_another_account_without_a_resource_policy_type_is_out_of_reach() -> None:
    world = World()
    role = world.role("ops", ALICE, allow("ec2:StopInstances"))
    decision = decide(
        world.inventory(), role, "ec2:StopInstances", f"arn:aws:ec2:eu-central-1:{BOB}:instance/i-1"
    )
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert "account 444455556666" in decision.reason


def test_a_principal_outside_the_inventory_is_decided_by_the_resource_side_alone_when_that_denies() -> None:
    world = World()
    world.bucket(BUCKET, BOB)
    outsider = "arn:aws:iam::999999999999:role/anyone"
    inventory = world.inventory()
    decision = decide(inventory, outsider, "s3:GetObject", OBJECT)
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert decision.unknowns == ("role arn:aws:iam::999999999999:role/anyone is not in the inventory",)
    granted = decide(inventory, outsider, "s3:GetObject", OBJECT, identity_policies=(allow("*"),))
    assert granted.outcome is Outcome.IMPLICIT_DENY  # even if its own account grants everything


# -- KMS: the key policy must allow -------------------------------------------------------------------


def key_policy(*extra: dict, delegate: bool) -> dict:
    """The default key policy's "Enable IAM User Permissions" statement, or only a key administrator."""
    first = (
        allow(
            "kms:*", "*", Principal={"AWS": f"arn:aws:iam::{ALICE}:root"}, Sid="Enable IAM User Permissions"
        )
        if delegate
        else allow(
            ["kms:Describe*", "kms:Put*"],
            "*",
            Principal={"AWS": f"arn:aws:iam::{ALICE}:role/key-admin"},
            Sid="KeyAdministrators",
        )
    )
    return statements(first, *extra)


def test_a_key_policy_that_delegates_to_iam_lets_an_iam_policy_allow() -> None:
    world = World()
    key = world.key("data", ALICE, key_policy(delegate=True))
    role = world.role("app", ALICE, allow("kms:Decrypt", key, Sid="UseKey"))
    decision = decide(world.inventory(), role, "kms:Decrypt", key)
    assert (decision.outcome, sids(decision)) == (Outcome.ALLOW, {"Enable IAM User Permissions", "UseKey"})


def test_a_key_policy_without_the_iam_delegation_denies_an_iam_allowed_principal() -> None:
    world = World()
    key = world.key("data", ALICE, key_policy(delegate=False))
    role = world.role("app", ALICE, allow("kms:*", "*"))
    decision = decide(world.inventory(), role, "kms:Decrypt", key)
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert f"the key policy of {key}" in decision.reason


def test_a_key_policy_naming_the_role_allows_without_an_iam_policy() -> None:
    world = World()
    user_statement = allow(
        "kms:Decrypt", "*", Principal={"AWS": f"arn:aws:iam::{ALICE}:role/app"}, Sid="KeyUsers"
    )
    key = world.key("data", ALICE, key_policy(user_statement, delegate=False))
    role = world.role("app", ALICE)
    assert decide(world.inventory(), role, "kms:Decrypt", key).outcome is Outcome.ALLOW


def test_a_key_without_a_policy_in_the_inventory_has_kms_default_key_policy() -> None:
    world = World()
    key = world.key("data", ALICE)
    role = world.role("app", ALICE, allow("kms:Decrypt", key))
    decision = decide(world.inventory(), role, "kms:Decrypt", key)
    assert decision.outcome is Outcome.ALLOW
    assert any("KMS default key policy" in ref.source.name for ref in decision.statements)


@pytest.mark.parametrize(
    ("external_iam", "expected"), [(True, Outcome.ALLOW), (False, Outcome.IMPLICIT_DENY)]
)
def test_a_key_shared_with_another_account_needs_that_accounts_iam_policy(
    external_iam: bool, expected: Outcome
) -> None:
    world = World()
    shared = allow(
        ["kms:Decrypt"], "*", Principal={"AWS": f"arn:aws:iam::{BOB}:root"}, Sid="AllowExternalAccount"
    )
    key = world.key("data", ALICE, key_policy(shared, delegate=True))
    role = world.role("consumer", BOB, *([allow("kms:Decrypt", key)] if external_iam else []))
    assert decide(world.inventory(), role, "kms:Decrypt", key).outcome is expected


def test_a_grant_allows_its_operations_to_its_grantee() -> None:
    world = World()
    key = world.key("data", ALICE, key_policy(delegate=False))
    role = world.role("app", BOB)
    world.grant(
        "app-decrypt", ALICE, key, role, ["Decrypt"], [{"encryptionContextEquals": {"Department": "IT"}}]
    )
    inventory = world.inventory()
    decision = decide(inventory, role, "kms:Decrypt", key, context={"kms:EncryptionContext:Department": "IT"})
    assert decision.outcome is Outcome.ALLOW
    assert [ref.source.kind for ref in decision.statements] == ["grant"]
    other_context = decide(
        inventory, role, "kms:Decrypt", key, context={"kms:EncryptionContext:Department": "HR"}
    )
    assert other_context.outcome is Outcome.IMPLICIT_DENY
    assert (
        decide(inventory, role, "kms:Encrypt", key).outcome is Outcome.IMPLICIT_DENY
    )  # not a grant operation


# -- S3 access points: delegation from the bucket policy ----------------------------------------------


def access_point_world(*, delegate: bool, team_tag: str = "finance") -> tuple[Inventory, str, str]:
    world = World()
    delegation = allow(
        "s3:*",
        [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
        Principal={"AWS": "*"},
        Sid="DelegateToOwnAccessPoints",
        Condition={"StringEquals": {"s3:DataAccessPointAccount": BOB}},
    )
    world.bucket(BUCKET, BOB, delegation if delegate else None)
    point = world.access_point(
        "finance",
        BOB,
        BUCKET,
        allow(
            "s3:GetObject",
            f"arn:aws:s3:eu-central-1:{BOB}:accesspoint/finance/object/*",
            Sid="TeamAccess",
            Principal={"AWS": f"arn:aws:iam::{ALICE}:root"},
            Condition={"StringEquals": {"aws:PrincipalTag/team": "finance"}},
        ),
    )
    role = world.role(
        "analyst",
        ALICE,
        allow("s3:GetObject", f"{point}/object/*", Sid="ReadThroughAccessPoint"),
        tags={"team": team_tag},
    )
    return world.inventory(), role, f"{point}/object/reports/q1.csv"


def test_a_bucket_that_delegates_to_its_access_points_lets_the_access_point_policy_decide() -> None:
    inventory, role, target = access_point_world(delegate=True)
    decision = decide(inventory, role, "s3:GetObject", target)
    assert decision.outcome is Outcome.ALLOW
    assert sids(decision) == {"DelegateToOwnAccessPoints", "TeamAccess", "ReadThroughAccessPoint"}


def test_without_delegation_the_bucket_policy_must_allow_too() -> None:
    inventory, role, target = access_point_world(delegate=False)
    decision = decide(inventory, role, "s3:GetObject", target)
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert f"the bucket policy of {BUCKET}" in decision.reason


def test_the_access_point_policy_reads_the_principals_tags_and_session_tags_override_them() -> None:
    inventory, role, target = access_point_world(delegate=True, team_tag="marketing")
    assert decide(inventory, role, "s3:GetObject", target).outcome is Outcome.IMPLICIT_DENY
    tagged = decide(inventory, role, "s3:GetObject", target, session_tags={"team": "finance"})
    assert tagged.outcome is Outcome.ALLOW


def test_the_bucket_policy_is_read_with_the_buckets_own_object_arn() -> None:
    world = World()
    world.bucket(
        BUCKET, ALICE, deny("s3:GetObject", f"arn:aws:s3:::{BUCKET}/private/*", Principal="*", Sid="Private")
    )
    point = world.access_point("ap", ALICE, BUCKET)
    role = world.role("reader", ALICE, allow("s3:GetObject", f"{point}/object/*"))
    inventory = world.inventory()
    assert decide(inventory, role, "s3:GetObject", f"{point}/object/public/a").outcome is Outcome.ALLOW
    denied = decide(inventory, role, "s3:GetObject", f"{point}/object/private/a")
    assert (denied.outcome, sids(denied)) == (Outcome.EXPLICIT_DENY, {"Private"})


# -- SCPs ---------------------------------------------------------------------------------------------


def organization_world(**options: bool) -> tuple[World, str]:
    world = World()
    world.organization({ALICE: "ou-workloads"}, {"ou-workloads": "r-root"})
    role = world.role("admin", ALICE, allow("*"))
    world.bucket(BUCKET, ALICE)
    return world, role


def test_an_scp_deny_denies_even_an_administrator() -> None:
    world, role = organization_world()
    world.scp("deny-s3-delete", deny("s3:DeleteObject", Sid="NoDeletes"), "ou-workloads")
    inventory = world.inventory()
    assert (
        decide(inventory, role, "s3:GetObject", OBJECT).outcome is Outcome.ALLOW
    )  # FullAWSAccess everywhere
    decision = decide(inventory, role, "s3:DeleteObject", OBJECT)
    assert (decision.outcome, sids(decision)) == (Outcome.EXPLICIT_DENY, {"NoDeletes"})


def test_a_level_without_an_scp_that_allows_is_an_implicit_deny() -> None:
    """The allow-list strategy: FullAWSAccess replaced, at the OU, by an SCP that allows only EC2."""
    world, role = organization_world()
    world.scp("full", allow("*"), "r-root", ALICE)
    world.scp("ec2-only", allow("ec2:*", Sid="OnlyEc2"), "ou-workloads")
    decision = decide(world.inventory(assume_full_aws_access=False), role, "s3:GetObject", OBJECT)
    assert decision.outcome is Outcome.IMPLICIT_DENY
    assert "SCPs attached to ou-workloads (ou-workloads)" in decision.reason


def test_scps_leave_the_management_account_alone() -> None:
    world, _ = organization_world()
    world.scp("deny-all", deny("*"), "r-root")
    admin = world.role("org-admin", MANAGEMENT, allow("*"))
    world.bucket("management-bucket", MANAGEMENT)
    decision = decide(world.inventory(), admin, "s3:GetObject", "arn:aws:s3:::management-bucket/k")
    assert decision.outcome is Outcome.ALLOW


def test_an_scp_region_deny_reads_the_requested_region() -> None:
    world, role = organization_world()
    world.scp(
        "regions",
        deny(
            "*",
            "*",
            Sid="DenyOtherRegions",
            Condition={"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1"]}},
        ),
        "r-root",
    )
    inventory = world.inventory()
    assert decide(inventory, role, "s3:GetObject", OBJECT).outcome is Outcome.ALLOW  # the bucket's region
    elsewhere = decide(inventory, role, "ec2:StopInstances", f"arn:aws:ec2:us-east-1:{ALICE}:instance/i-1")
    assert (elsewhere.outcome, sids(elsewhere)) == (Outcome.EXPLICIT_DENY, {"DenyOtherRegions"})


# -- NotAction, the trust policy and service principals ----------------------------------------------


def test_not_action_allows_everything_but_the_listed_actions() -> None:
    world = World()
    role = world.role(
        "power-user",
        ALICE,
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"}],
        },
    )
    world.bucket(BUCKET, ALICE)
    inventory = world.inventory()
    assert decide(inventory, role, "s3:GetObject", OBJECT).outcome is Outcome.ALLOW
    assert (
        decide(inventory, role, "iam:CreateRole", f"arn:aws:iam::{ALICE}:role/x").outcome
        is Outcome.IMPLICIT_DENY
    )


def test_assuming_a_role_needs_its_trust_policy() -> None:
    world = World()
    ci = world.role("ci", ALICE, allow("sts:AssumeRole", "*"))
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "TrustCi", "Effect": "Allow", "Principal": {"AWS": ci}, "Action": "sts:AssumeRole"}
        ],
    }
    deploy = world.role("deploy", BOB, trust=trust)
    stranger = world.role("stranger", ALICE, allow("sts:AssumeRole", "*"))
    inventory = world.inventory()
    decision = decide(inventory, ci, "sts:AssumeRole", deploy)
    assert (decision.outcome, sids(decision) >= {"TrustCi"}) == (Outcome.ALLOW, True)
    assert decide(inventory, stranger, "sts:AssumeRole", deploy).outcome is Outcome.IMPLICIT_DENY


def test_a_service_principal_is_allowed_by_resource_policies_only() -> None:
    world = World()
    world.bucket(
        BUCKET,
        ALICE,
        allow(
            "s3:PutObject",
            f"arn:aws:s3:::{BUCKET}/*",
            Principal={"Service": "logging.s3.amazonaws.com"},
            Sid="ServiceDelivery",
        ),
    )
    inventory = world.inventory()
    assert decide(inventory, "logging.s3.amazonaws.com", "s3:PutObject", OBJECT).outcome is Outcome.ALLOW
    assert (
        decide(inventory, "cloudtrail.amazonaws.com", "s3:PutObject", OBJECT).outcome is Outcome.IMPLICIT_DENY
    )


# -- managed policies ------------------------------------------------------------------------------------


def test_customer_and_aws_managed_policies_attached_to_a_role() -> None:
    world = World()
    custom = world.managed_policy(
        "read-reports", ALICE, allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", Sid="Reports")
    )
    role = world.role(
        "app", ALICE, managed=(custom, "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly")
    )
    world.bucket(BUCKET, ALICE)
    inventory = world.inventory()
    assert sids(decide(inventory, role, "s3:GetObject", OBJECT)) == {"Reports"}
    pull = decide(inventory, role, "ecr:BatchGetImage", f"arn:aws:ecr:eu-central-1:{ALICE}:repository/r")
    assert pull.outcome is Outcome.UNKNOWN  # the repository is not in this inventory
    token = decide(inventory, role, "ecr:GetAuthorizationToken", "*")
    assert token.outcome is Outcome.ALLOW
    assert (
        token.statements[0].source.name
        == "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly (AWS managed)"
    )


def test_an_attached_policy_that_no_stack_holds_makes_the_decision_unknown() -> None:
    world = World()
    role = world.role("app", ALICE, managed=(f"arn:aws:iam::{ALICE}:policy/elsewhere",))
    world.bucket(BUCKET, ALICE)
    decision = decide(world.inventory(), role, "s3:GetObject", OBJECT)
    assert decision.outcome is Outcome.UNKNOWN
    assert decision.unknowns == ("policy arn:aws:iam::123456789012:policy/elsewhere is not in the inventory",)


# -- values unknown until deployment ----------------------------------------------------------------


def test_an_unknown_value_makes_a_decision_unknown_never_allowed() -> None:
    world = World()
    role = world.role("app", ALICE, allow("s3:GetObject", f"arn:aws:s3:::{UNKNOWN_VALUE}/*"))
    world.bucket(BUCKET, ALICE)
    decision = decide(world.inventory(), role, "s3:GetObject", OBJECT)
    assert decision.outcome is Outcome.UNKNOWN
    assert "not known until deployment" in decision.reason


def test_an_unknown_deny_makes_an_allow_unknown_and_a_certain_deny_stays_a_deny() -> None:
    world = World()
    role = world.role(
        "app",
        ALICE,
        statements(
            allow("s3:*"),
            deny("s3:GetObject", f"arn:aws:s3:::{UNKNOWN_VALUE}/*"),
            deny("s3:DeleteObject", Sid="Never"),
        ),
    )
    world.bucket(BUCKET, ALICE)
    inventory = world.inventory()
    assert decide(inventory, role, "s3:GetObject", OBJECT).outcome is Outcome.UNKNOWN
    assert decide(inventory, role, "s3:DeleteObject", OBJECT).outcome is Outcome.EXPLICIT_DENY


def test_an_unknown_key_policy_is_not_evaluable() -> None:
    world = World()
    key = world.key("data", ALICE)
    world.resources[-1]["outputs"]["policy"] = UNKNOWN_VALUE
    role = world.role("app", ALICE, allow("kms:Decrypt", key))
    decision = decide(world.inventory(), role, "kms:Decrypt", key)
    assert decision.outcome is Outcome.UNKNOWN
    assert decision.unknowns == ("the document of test: key-policy data is not known until deployment",)


# -- bad requests and bad inventories ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "action", "resource", "message"),
    [
        (f"arn:aws:iam::{ALICE}:role/app", "s3:GetObjekt", OBJECT, "s3 has no action 'GetObjekt'"),
        (f"arn:aws:iam::{ALICE}:role/app", "s4:GetObject", OBJECT, "no AWS service has the prefix 's4'"),
        (
            f"arn:aws:iam::{ALICE}:role/app",
            "s3:GetObject",
            f"arn:aws:s3:::{BUCKET}",
            "acts on accesspointobject, object",
        ),
        (
            f"arn:aws:iam::{ALICE}:user/jane",
            "s3:GetObject",
            OBJECT,
            "an IAM role ARN or an AWS service principal",
        ),
    ],
)
def test_requests_the_model_cannot_read(principal: str, action: str, resource: str, message: str) -> None:
    with pytest.raises(RequestError, match=message):
        decide(World().inventory(), principal, action, resource)


def test_an_inventory_with_a_policy_aws_would_refuse_names_each_problem() -> None:
    world = World()
    world.role("app", ALICE, {"Statement": [{"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}]})
    with pytest.raises(InventoryError) as raised:
        world.inventory()
    assert raised.value.problems == ['test: identity app-0: Statement[0].Effect: "Maybe": Allow or Deny']


def test_the_mlplat_inventory_file_and_plain_exports_read_alike() -> None:
    world = World()
    role = world.role("reader", ALICE, allow("s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))
    world.bucket(BUCKET, ALICE)
    wrapped = Inventory(
        json.loads(json.dumps({"format": "mlplat-inventory", "stacks": {"test": world.document()}}))
    )
    assert decide(wrapped, role, "s3:GetObject", OBJECT).outcome is Outcome.ALLOW


def test_a_grant_with_an_encryption_context_subset_constraint() -> None:
    world = World()
    key = world.key("data", ALICE, key_policy(delegate=False))
    role = world.role("app", ALICE)
    world.grant(
        "app-decrypt", ALICE, key, role, ["Decrypt"], [{"encryptionContextSubset": {"Department": "IT"}}]
    )
    inventory = world.inventory()
    wider = {"kms:EncryptionContext:Department": "IT", "kms:EncryptionContext:Project": "lidar"}
    assert decide(inventory, role, "kms:Decrypt", key, context=wider).outcome is Outcome.ALLOW
    other = {"kms:EncryptionContext:Project": "lidar"}
    assert decide(inventory, role, "kms:Decrypt", key, context=other).outcome is Outcome.IMPLICIT_DENY
