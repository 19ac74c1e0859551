"""Reading the spec files: YAML without surprises, validated by the models, checked across fields and files.

Both files of an environment (org.yaml and <env>.yaml) are read and checked before anything is
reported, so a user fixes every problem in one round. Every problem is one `Problem` line naming
the file, the field path, the value given and what is allowed; `SpecError` carries them all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from platform_spec.errors import MISSING, Problem, SpecError
from platform_spec.models import EnvironmentSpec, Frozen, OrganizationSpec, PlatformSpec
from platform_spec.paths import environments_dir
from platform_spec.rules import environment_problems, org_problems

ORG_SPEC = "org"
ENVIRONMENTS_DIR = environments_dir()
"""environments/ of the repository; tests point it at a copy."""


def available_environments(directory: Path | None = None) -> list[str]:
    directory = directory or ENVIRONMENTS_DIR
    return sorted(
        p.stem for p in directory.glob("*.yaml") if not p.name.startswith("Pulumi.") and p.stem != ORG_SPEC
    )


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int):
        super().__init__(key)
        self.key, self.line = key, line


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys silently; a spec would lose a VPC or an account."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line + 1)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path) -> tuple[Any, list[Problem]]:
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        return None, [Problem(shown, "", None, f"cannot read the file ({error.strerror})")]
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except _DuplicateKey as error:
        return None, [
            Problem(shown, f"line {error.line}", error.key, "this key appears twice in one mapping")
        ]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "?"
        reason = getattr(error, "problem", None) or str(error)
        lines = text.splitlines()
        source = lines[mark.line].rstrip() if mark and mark.line < len(lines) else ""
        return None, [Problem(shown, where, source, f"not valid YAML: {reason}")]
    if not isinstance(data, dict):
        return None, [Problem(shown, "", data, "the file must hold a mapping of fields")]
    return data, []


def _field_parts(loc: tuple[Any, ...]) -> list[Any]:
    """A pydantic error location without pydantic's internal validator names."""
    return [part for part in loc if not str(part).startswith(("literal[", "function-after["))]


def _loc(loc: tuple[Any, ...]) -> tuple[str, bool]:
    """The field path of a pydantic error location, and whether the error is about a mapping key."""
    parts = _field_parts(loc)  # `[key]` last marks a bad mapping key
    is_key = bool(parts) and parts[-1] == "[key]"
    if is_key:
        parts.pop()
    path = ""
    for i, part in enumerate(parts):
        if isinstance(part, int) and not (is_key and i == len(parts) - 1):
            path += f"[{part}]"  # a list index; a key of a mapping is a field name even when a number
        else:
            path += ("." if path else "") + str(part)
    return path, is_key


def _type_message(kind: str, value: Any) -> str | None:
    """What a wrong-type value should have been, in the words of the YAML a user writes."""
    given_text, given_scalar = isinstance(value, str), isinstance(value, int | float | bool)
    if kind == "string_type":
        if value is None:
            return "expected a string, not an empty value"
        return "expected a string; put the value in quotes" if given_scalar else "expected a string"
    if kind == "bool_type":
        return "expected true or false" + (" without quotes" if given_text else "")
    if kind == "int_type":
        return "expected a whole number" + (" without quotes" if given_text else "")
    if kind == "list_type":
        return "expected a list such as [a, b]"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "expected a mapping of fields" + ("; write {} for an empty one" if value is None else "")
    return None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed in the mapping that holds `loc` (an unknown field), if it is a model."""
    current: Any = model
    for part in _field_parts(loc)[:-1]:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return []
            current = field.annotation
        elif get_origin(current) in (dict, list):
            current = get_args(current)[-1]  # through a mapping key or a list index to the value
        else:
            return []
        while get_origin(current) is Annotated:
            current = get_args(current)[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _from_validation_error(file: str, model: type[BaseModel], error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        value = item.get("input")
        message = item["msg"].removeprefix("Value error, ").replace(" after validation", "")
        if item["type"] == "extra_forbidden":
            allowed = _fields_at(model, item["loc"])
            message = "unknown field" + (f"; allowed: {', '.join(allowed)}" if allowed else "")
        elif item["type"] == "missing":
            value, message = MISSING, "required field is missing"
        else:
            message = _type_message(item["type"], value) or message
        path, is_key = _loc(item["loc"])
        if is_key:
            message = f"not an allowed key; {message}"
        problems.append(Problem(file, path, value, message))
    return problems


def _validate(model: type[Frozen], path: Path) -> tuple[Any, list[Problem]]:
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, _from_validation_error(_display(path), model, error)


def load_org(directory: Path | None = None) -> OrganizationSpec:
    path = (directory or ENVIRONMENTS_DIR) / f"{ORG_SPEC}.yaml"
    org, problems = _validate(OrganizationSpec, path)
    if not problems:
        problems = list(org_problems(org, _display(path)))
    if problems:
        raise SpecError(problems)
    return org


def load_spec(environment: str, directory: Path | None = None) -> PlatformSpec:
    """Read, validate and freeze environments/<environment>.yaml with the organization spec."""
    directory = directory or ENVIRONMENTS_DIR
    known = available_environments(directory)
    if environment not in known:
        what = (
            "the organization, deployed as the `org` stack"
            if environment == ORG_SPEC
            else "no such environment"
        )
        raise SpecError(
            [
                Problem(
                    _display(directory / f"{environment}.yaml"),
                    "",
                    environment,
                    f"{what}; allowed: {', '.join(known)}",
                )
            ]
        )
    org_path, path = directory / f"{ORG_SPEC}.yaml", directory / f"{environment}.yaml"
    # Both files are checked before anything is reported, so a user fixes them in one round.
    org, problems = _validate(OrganizationSpec, org_path)
    if org is not None:
        problems = list(org_problems(org, _display(org_path)))
    env, env_problems = _validate(EnvironmentSpec, path)
    problems += env_problems
    if org is not None and env is not None and not problems:
        problems = list(environment_problems(org, env, environment, _display(path)))
    if problems:
        raise SpecError(problems)
    return PlatformSpec(org=org, env=env)
