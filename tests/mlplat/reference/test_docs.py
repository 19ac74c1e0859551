from mlplat.reference.spec_docs import DOC, STORAGE_POLICY_DOC, render, render_storage_policy


def test_environment_reference_is_current():
    """After changing core/platform_spec/: python -m mlplat.reference.spec_docs"""
    assert DOC.read_text(encoding="utf-8") == render()


def test_every_spec_field_is_documented():
    assert "|  |\n" not in render(), "a field has no docstring in core/platform_spec/"


def test_lake_storage_policy_is_current():
    """After changing core/platform_spec/tables/lake_classes.py or core/platform_spec/tables/tiering.py: python -m mlplat.reference.spec_docs"""
    assert STORAGE_POLICY_DOC.read_text(encoding="utf-8") == render_storage_policy()
