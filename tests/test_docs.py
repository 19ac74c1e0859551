from mlplat.reference import DOC, render


def test_environment_reference_is_current():
    """After changing stacks/spec.py: python -m mlplat.reference"""
    assert DOC.read_text(encoding="utf-8") == render()


def test_every_spec_field_is_documented():
    assert "|  |\n" not in render(), "a field has no docstring in stacks/spec.py"
