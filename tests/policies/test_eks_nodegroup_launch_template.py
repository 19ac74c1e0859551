import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.eks_nodegroup_launch_template import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
TEMPLATE = {"id": "lt-0123", "version": "1"}


def test_a_group_with_its_launch_template_passes():
    assert run(POLICY, resource_args(NODE_GROUP, {"launchTemplate": TEMPLATE})).violations == []


@pytest.mark.parametrize("template", [None, {}, {"version": "1"}])
def test_a_group_without_a_launch_template_fails(template):
    assert run(POLICY, resource_args(NODE_GROUP, {"launchTemplate": template})).messages == [
        "the node group names no launch template: EKS's generated one allows IMDSv1 and does not "
        "encrypt volumes with the platform key"
    ]


def test_ssh_access_fails():
    args = resource_args(NODE_GROUP, {"launchTemplate": TEMPLATE, "remoteAccess": {"ec2SshKey": "ops"}})
    assert run(POLICY, args).messages == ["the node group opens SSH (remoteAccess); use SSM Session Manager"]


def test_a_new_templates_unknown_id_still_names_one():
    """In a preview, a launch template created in the same deployment has no id yet."""
    assert (
        run(
            POLICY, resource_args(NODE_GROUP, {"launchTemplate": {"id": UNKNOWN, "version": UNKNOWN}})
        ).violations
        == []
    )


def test_unknown_remote_access_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(NODE_GROUP, {"launchTemplate": TEMPLATE, "remoteAccess": UNKNOWN}))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:ec2/launchTemplate:LaunchTemplate", {}))
    assert result.not_applicable == f"applies to {NODE_GROUP}"
