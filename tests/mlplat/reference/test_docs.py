from mlplat.reference import DOC, STORAGE_POLICY_DOC, render, render_storage_policy


def test_environment_reference_is_current():
    """After changing stacks/spec.py: python -m mlplat.reference"""
    assert DOC.read_text(encoding="utf-8") == render()


def test_every_spec_field_is_documented():
    assert "|  |\n" not in render(), "a field has no docstring in stacks/spec.py"


def test_lake_storage_policy_is_current():
    """After changing components/lake_classes.py or components/tiering.py: python -m mlplat.reference"""
    assert STORAGE_POLICY_DOC.read_text(encoding="utf-8") == render_storage_policy()
