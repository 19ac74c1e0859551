import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.ecr_repository_immutable_tags import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

REPOSITORY = "aws:ecr/repository:Repository"
TEMPLATE = "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"


@pytest.mark.parametrize("type_", [REPOSITORY, TEMPLATE])
def test_immutable_tags_pass(type_):
    assert run(POLICY, resource_args(type_, {"imageTagMutability": "IMMUTABLE"})).violations == []


@pytest.mark.parametrize("value", ["MUTABLE", "MUTABLE_WITH_EXCLUSION", None])
def test_mutable_tags_fail(value):
    assert run(POLICY, resource_args(REPOSITORY, {"imageTagMutability": value})).messages == [
        f"imageTagMutability is {value!r}, not 'IMMUTABLE'"
    ]


def test_unknown_mutability_cannot_be_judged():
    with pytest.raises(UnknownValueError):
        run(POLICY, resource_args(REPOSITORY, {"imageTagMutability": UNKNOWN}))


def test_other_types_are_not_applicable():
    result = run(POLICY, resource_args("aws:s3/bucket:Bucket", {}))
    assert result.not_applicable == f"applies to {REPOSITORY}, {TEMPLATE}"
