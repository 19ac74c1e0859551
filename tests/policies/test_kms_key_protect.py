import pytest
from pulumi_policy.proxy import UnknownValueError

from rules.kms_key_protect import POLICY
from tests.policies.harness import UNKNOWN, resource_args, run

KEY = "aws:kms/key:Key"


def test_a_protected_key_passes():
    assert run(POLICY, resource_args(KEY, {}, protect=True)).violations == []


def test_an_unprotected_key_fails():
    assert run(POLICY, resource_args(KEY, {})).messages == [
        "the key is not protected: `pulumi destroy` or a rename would schedule its deletion"
    ]


def test_unknown_properties_do_not_matter_to_protection():
    # The rule reads only the resource option, which is always known.
    assert run(POLICY, resource_args(KEY, {"policy": UNKNOWN}, protect=True)).violations == []
    with pytest.raises(UnknownValueError):
        resource_args(KEY, {"policy": UNKNOWN}).props["policy"]


def test_other_types_are_not_applicable():
    assert run(POLICY, resource_args("aws:kms/alias:Alias", {})).not_applicable == f"applies to {KEY}"
