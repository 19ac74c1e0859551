import json

import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.iam_role_team_products_only import POLICY
from tests.policies.harness import UNKNOWN, Stack, run

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
CONFIG = {"teams": ["behavior", "data-engineering", "engineering", "perception"]}
DATA = "arn:aws:s3:eu-central-1:111111111111:accesspoint"
SCRATCH = "arn:aws:s3:eu-central-1:222222222222:accesspoint"
KEY = "arn:aws:kms:eu-central-1:111111111111:key/camera"
READ = ["s3:GetObject", "s3:ListBucket"]
VIA_S3 = {"StringEquals": {"kms:ViaService": "s3.eu-central-1.amazonaws.com"}}


def trust(service="pods.eks.amazonaws.com"):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": ["sts:AssumeRole", "sts:TagSession"]}]})  # fmt: skip


def document(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def access_point(name, actions=READ, sid="CuratedRead"):
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": [name, f"{name}/object/*"]}


def key(condition=VIA_S3, actions=("kms:Decrypt", "kms:DescribeKey")):
    statement = {"Sid": "CuratedReadKey", "Effect": "Allow", "Action": list(actions), "Resource": KEY}
    return {**statement, "Condition": condition} if condition is not None else statement


def team(s, name, *, tag=True, namespace=None):
    """A team role as components/team_tenancy.py builds it: read grant, scratch grant, Pod Identity."""
    role = f"{name}-role"
    s.add(ROLE, role, {"name": f"{role}-1a2b3c", "arn": f"arn:aws:iam::222222222222:role/{role}-1a2b3c",
                       "assumeRolePolicy": trust(), **({"tags": {"team": name}} if tag else {})})  # fmt: skip
    s.add(ROLE_POLICY, f"{name}-reads", {"role": f"{role}-1a2b3c", "policy": document(
        access_point(f"{DATA}/camera-frames-curated-{name}"), key())}, links={"role": role})  # fmt: skip
    s.add(ROLE_POLICY, f"{name}-scratch", {"role": f"{role}-1a2b3c", "policy": document(
        access_point(f"{SCRATCH}/scratch-{name}", ["s3:PutObject"], "ScratchWrite"))}, links={"role": role})  # fmt: skip
    s.add(ASSOCIATION, f"{name}-jobs", {"namespace": namespace or f"team-{name}", "serviceAccount": "jobs"},
          links={"roleArn": role})  # fmt: skip


def stack():
    s = Stack()
    team(s, "perception")
    team(s, "data-engineering")
    # Karpenter's controller: a Pod Identity role of kube-system, not a team role; its reach is its own rule's.
    s.add(ROLE, "karpenter", {"name": "karpenter", "assumeRolePolicy": trust()})
    s.add(ROLE_POLICY, "karpenter-policy", {"policy": document({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})},
          links={"role": "karpenter"})  # fmt: skip
    s.add(ASSOCIATION, "karpenter-association", {"namespace": "kube-system"}, links={"roleArn": "karpenter"})
    return s


def with_reads(*statements, team_name="perception"):
    s = stack()
    s.props(f"{team_name}-reads")["policy"] = document(*statements)
    return s


def test_team_roles_reaching_their_own_access_points_pass():
    assert run(POLICY, stack().args(CONFIG)).violations == []


def test_deny_statements_and_policies_found_by_role_name_pass():
    s = with_reads(access_point(f"{DATA}/camera-frames-curated-perception"),
                   {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})  # fmt: skip
    s.specs["perception-reads"]["links"] = {}
    assert run(POLICY, s.args(CONFIG)).violations == []


@pytest.mark.parametrize(
    ("statement", "reaches"),
    [
        (access_point(f"{DATA}/camera-frames-curated-behavior"),
         f"{DATA}/camera-frames-curated-behavior, an access point of team behavior"),
        (access_point(f"{SCRATCH}/scratch-behavior"), f"{SCRATCH}/scratch-behavior, an access point of team behavior"),
        ({"Sid": "Bucket", "Effect": "Allow", "Action": READ, "Resource": "arn:aws:s3:::acme-prod-camera-frames/*"},
         "arn:aws:s3:::acme-prod-camera-frames/*, not an access point of the team's products"),
        ({"Sid": "All", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
         "*, not an access point of the team's products"),
        (access_point(f"{DATA}/camera-frames-curated-perception", ["*"]),
         f"{DATA}/camera-frames-curated-perception with non-S3 actions *"),
        ({"Sid": "Rest", "Effect": "Allow", "Action": "s3:GetObject", "NotResource": f"{DATA}/x-raw-behavior"},
         "NotAction/NotResource reach everything not listed"),
        (key(condition=None), f"key {KEY} outside S3 (no kms:ViaService s3.<region>.amazonaws.com)"),
        (key(condition={"StringEquals": {"kms:ViaService": "secretsmanager.eu-central-1.amazonaws.com"}}),
         f"key {KEY} outside S3 (no kms:ViaService s3.<region>.amazonaws.com)"),
        (key(actions=("kms:Decrypt", "s3:GetObject")), f"{KEY} with non-KMS actions kms:Decrypt, s3:GetObject"),
    ],
)  # fmt: skip
def test_reaching_beyond_the_teams_products_fails(statement, reaches):
    s = with_reads(statement)
    sid = statement.get("Sid") or "a statement"
    assert run(POLICY, s.args(CONFIG)).violations == [
        (f"team role perception-role of team perception: {sid} of perception-reads reaches {reaches}",
         s.urn("perception-reads"))
    ]  # fmt: skip


def test_the_longest_team_name_decides_whose_access_point_it_is():
    """`...-data-engineering` belongs to data-engineering, not to a team `engineering`."""
    s = stack()
    team(s, "engineering")
    s.props("engineering-reads")["policy"] = document(
        access_point(f"{DATA}/camera-frames-curated-data-engineering")
    )
    assert run(POLICY, s.args(CONFIG)).messages == [
        f"team role engineering-role of team engineering: CuratedRead of engineering-reads reaches "
        f"{DATA}/camera-frames-curated-data-engineering, an access point of team data-engineering"
    ]


def test_an_inline_policy_of_the_role_is_judged_too():
    s = stack()
    s.props("perception-role")["inlinePolicies"] = [
        {
            "name": "extra",
            "policy": document({"Sid": "Logs", "Effect": "Allow", "Action": "logs:*", "Resource": "*"}),
        }
    ]
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("team role perception-role of team perception: Logs of perception-role reaches *, not an access point of "
         "the team's products", s.urn("perception-role"))
    ]  # fmt: skip


def test_a_managed_policy_fails():
    s = stack()
    s.add(ATTACHMENT, "perception-s3", {"role": "perception-role-1a2b3c",
          "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, links={"role": "perception-role"})  # fmt: skip
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("team role perception-role has managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess attached; "
         "team roles carry only the grants of components/product_access.py", s.urn("perception-s3"))
    ]  # fmt: skip


def test_another_namespace_given_the_role_fails():
    s = stack()
    s.add(
        ASSOCIATION,
        "perception-to-behavior",
        {"namespace": "team-behavior"},
        links={"roleArn": "perception-role"},
    )
    assert run(POLICY, s.args(CONFIG)).violations == [
        ("team role perception-role of team perception is given to pods of namespace team-behavior, not "
         "team-perception", s.urn("perception-to-behavior"))
    ]  # fmt: skip


def test_a_team_namespace_role_without_a_team_tag_fails():
    s = Stack()
    team(s, "perception", tag=False)
    assert run(POLICY, s.args(CONFIG)).messages == [
        "team role perception-role has no `team` tag: the lake's access points admit principals by it"
    ]


def test_a_tag_for_an_unknown_team_fails():
    s = Stack()
    team(s, "robotics")
    assert run(POLICY, s.args(CONFIG)).messages == [
        "team role robotics-role is tagged for team 'robotics', not a team of "
        "['behavior', 'data-engineering', 'engineering', 'perception']",
        f"team role robotics-role of team robotics: CuratedRead of robotics-reads reaches "
        f"{DATA}/camera-frames-curated-robotics, not an access point of the team's products",
        f"team role robotics-role of team robotics: ScratchWrite of robotics-scratch reaches "
        f"{SCRATCH}/scratch-robotics, not an access point of the team's products",
    ]


def test_an_unknown_policy_cannot_be_judged():
    s = stack()
    s.props("perception-reads")["policy"] = UNKNOWN
    with pytest.raises(UnknownValueError):
        run(POLICY, s.args(CONFIG))


def test_a_stack_without_team_roles_is_not_applicable():
    s = stack()
    for name in ("perception", "data-engineering"):
        for suffix in ("role", "reads", "scratch", "jobs"):
            s.remove(f"{name}-{suffix}")
    assert run(POLICY, s.args(CONFIG)).not_applicable == (
        "the stack has no team role (Pod Identity role with a team tag or team namespace)"
    )
