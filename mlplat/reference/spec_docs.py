"""Generated references: the spec files (docs/environments.md, from the pydantic models) and the
lake's storage policy (docs/lake-storage-policy.md, from the tables in components/).

`python -m mlplat.reference.spec_docs` rewrites both; a test fails when either is stale.
"""

from __future__ import annotations

import re
import sys
import typing

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from platform_spec import models
from platform_spec.paths import project_root
from platform_spec.tables import lake_classes, tiering

DOCS = project_root() / "docs"
DOC = DOCS / "environments.md"
STORAGE_POLICY_DOC = DOCS / "lake-storage-policy.md"


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
        "Generated from `core/platform_spec/` by `python -m mlplat.reference.spec_docs`; do not edit by hand.",
        "",
        "`environments/org.yaml` is an [OrganizationSpec](#organizationspec); every other",
        "`environments/<env>.yaml` (not `Pulumi.*.yaml`) is an [EnvironmentSpec](#environmentspec).",
        "Unknown fields are rejected; types are strict (quote account ids). Rules that span fields",
        "and files (OU parents, account keys, residency regions, CIDR overlaps, zones) are listed",
        "in `org_problems` and `environment_problems`.",
    ]
    for model in [*_models(models.OrganizationSpec), *_models(models.EnvironmentSpec)]:
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


def _days(value: int | None, none: str = "none") -> str:
    return none if value is None else f"{value} days"


def render_storage_policy() -> str:
    lines = [
        "# Lake storage policy",
        "",
        "Generated from `core/platform_spec/tables/lake_classes.py` and `core/platform_spec/tables/tiering.py` by",
        "`python -m mlplat.reference.spec_docs`; do not edit by hand. Why each row is what it is: the comments",
        "in those files and [data-lake.md](data-lake.md).",
        "",
        "## Per data class",
        "",
        "| data class | zones | default access profile | noncurrent versions kept | Object Lock (compliance) "
        "| replication | safety-relevant |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in lake_classes.LAKE_CLASSES.items():
        lock = f"at least {row.object_lock_min_days} days" if row.object_lock_min_days else "no"
        lines.append(
            f"| `{name}` | {', '.join(row.zones)} | `{row.access}` | {_days(row.noncurrent_days)} | {lock} "
            f"| {'allowed' if row.replication else 'no'} | {'yes' if row.safety_relevant else 'no'} |"
        )
    lines += [
        "",
        "Personal-data classes (`personal_data: true` in environments/org.yaml) also need a retention",
        "(GDPR storage limitation), stay in the residency regions, replicas included, and get no",
        "consumer access points.",
        "",
        "## Access profiles",
        "",
        "| profile | when | transitions (object age) | Intelligent-Tiering archive tiers |",
        "|---|---|---|---|",
    ]
    for name, profile in tiering.ACCESS_PROFILES.items():
        steps = (
            ", ".join(f"{t.storage_class} at day {t.days}" for t in profile.transitions)
            or "stays in STANDARD"
        )
        archive = profile.intelligent_tiering
        tiers = (
            f"Archive Access after {_days(archive.archive_days)}, Deep Archive Access after "
            f"{_days(archive.deep_archive_days)}"
            if archive
            else "-"
        )
        lines.append(f"| `{name}` | {profile.description} | {steps} | {tiers} |")
    lines += [
        "",
        "Every lake bucket also removes noncurrent versions after the class's period and aborts",
        f"incomplete multipart uploads after {tiering.ABORT_INCOMPLETE_UPLOADS_DAYS} days. Objects under 128 KiB",
        "are never transitioned (`all_storage_classes_128K`).",
        "",
        "## S3 rules every plan is checked against",
        "",
        "| storage class | minimum storage duration |",
        "|---|---|",
        *[f"| `{c}` | {_days(d)} |" for c, d in tiering.MINIMUM_DAYS.items()],
        "",
        f"Transitions go down the waterfall {' > '.join(tiering.WATERFALL)}, never",
        "ONEZONE_IA > GLACIER_IR; STANDARD_IA and ONEZONE_IA only from day 30; each transition and the",
        "expiry wait for the minimum duration of the class the object is in.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    STORAGE_POLICY_DOC.write_text(render_storage_policy(), encoding="utf-8")
    print(f"wrote {DOC} and {STORAGE_POLICY_DOC}", file=sys.stderr)
