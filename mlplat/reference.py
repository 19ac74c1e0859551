"""Generated reference of the spec files (docs/environments.md), from the pydantic models.

`python -m mlplat.reference` rewrites the file; a test fails when it is stale.
"""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from stacks import spec

DOC = Path(__file__).resolve().parent.parent / "docs" / "environments.md"


def _type_name(annotation: typing.Any) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        name = {"_region": "region", "_key": "key", "_account_id": "account id", "_email": "e-mail",
                "_role_arn": "role ARN"}  # fmt: skip
        for meta in args[1:]:
            function = getattr(meta, "func", None)
            if function is not None and function.__name__ in name:
                return name[function.__name__]
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map of {_type_name(args[0])} to {_type_name(args[1])}"
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " or ".join(_type_name(a) for a in args if a is not type(None)) + " (optional)"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return getattr(annotation, "__name__", str(annotation))


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []

    def visit(annotation: typing.Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in found:
            found.append(annotation)
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for arg in typing.get_args(annotation):
            visit(arg)

    visit(root)
    return found


def render() -> str:
    lines = [
        "# Environment spec reference",
        "",
        "Generated from `stacks/spec.py` by `python -m mlplat.reference`; do not edit by hand.",
        "",
        "`environments/org.yaml` is an [OrganizationSpec](#organizationspec); every other",
        "`environments/<env>.yaml` (not `Pulumi.*.yaml`) is an [EnvironmentSpec](#environmentspec).",
        "Unknown fields are rejected; types are strict (quote account ids). Rules that span fields",
        "and files (OU parents, account keys, residency regions, CIDR overlaps, zones) are listed",
        "in `org_problems` and `environment_problems`.",
    ]
    for model in [*_models(spec.OrganizationSpec), *_models(spec.EnvironmentSpec)]:
        lines += ["", f"## {model.__name__}", ""]
        if model.__doc__:
            lines += [re.sub(r"\s+", " ", model.__doc__.strip()), ""]
        lines += ["| field | type | default | description |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            default = "required" if field.default is PydanticUndefined else f"`{field.default!r}`"
            description = re.sub(r"\s+", " ", field.description or "").replace("|", "\\|")
            # pydantic moves Annotated metadata off the annotation; put it back for the type name
            annotation = (
                typing.Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
            )
            lines.append(f"| `{name}` | {_type_name(annotation)} | {default} | {description} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
