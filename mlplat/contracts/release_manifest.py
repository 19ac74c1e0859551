"""Release manifests: the hand-off contract of every artefact in the edge-artefact store.

A release manifest (docs/release-manifest.md) names the model and its approved version in the
registry, the training snapshots, code commit and images it came from, the SoC and compiler it was
built for, its quantization, the validation metrics and thresholds it passed, the approver and the
safety classification. `problems(manifest)` checks it against
`mlplat/schemas/release-manifest.schema.json` and then against the rules a schema cannot express.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = "release-manifest.schema.json"
KINDS = ("release", "snapshot")
NEEDS_NO_CALIBRATION = frozenset({"fp16"})

_DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$"
)


class LoadError(Exception):
    """A manifest file that cannot be read or is not JSON; the message is one line."""


@cache
def schema() -> dict[str, Any]:
    return json.loads(
        resources.files("mlplat.contracts.schemas").joinpath(SCHEMA).read_text(encoding="utf-8")
    )


def load(path: str | Path) -> Any:
    """The JSON document in `path`; `LoadError` with a one-line reason when there is none."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadError("cannot read: no such file") from None
    except OSError as error:
        raise LoadError(f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise LoadError(f"not JSON: not UTF-8 text (byte {error.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise LoadError(f"not JSON: line {error.lineno} column {error.colno}: {error.msg}") from None
    except ValueError as error:
        raise LoadError(f"not JSON: {error}") from None


def kind_of(document: Any) -> str:
    """`snapshot` for a training snapshot manifest (it has `snapshot_id` and `files`), else `release`."""
    if isinstance(document, dict) and "snapshot_id" in document and "files" in document:
        return "snapshot"
    return "release"


def problems(manifest: Any) -> list[str]:
    """Every way `manifest` breaks the schema or the release rules; empty when it is valid.

    Schema errors come first, sorted, one `<field path>: <message>` line each; the rules the schema
    cannot express are checked only on a manifest the schema accepts.
    """
    validator = jsonschema.Draft202012Validator(schema(), format_checker=_format_checker())
    found = sorted(
        {
            f"{'.'.join(str(p) for p in error.absolute_path) or '(top level)'}: {_message(error)}"
            for error in validator.iter_errors(manifest)
        }
    )
    if found:
        return found
    return list(_rule_problems(manifest))


def _rule_problems(m: dict[str, Any]) -> Iterator[str]:
    group = m["registry"]["model_package_arn"].split(":model-package/", 1)[1].rsplit("/", 1)[0]
    if group != m["registry"]["model_package_group"]:
        yield (
            f"registry.model_package_arn: {m['registry']['model_package_arn']!r}: a version of group "
            f"{group!r}, not of model_package_group {m['registry']['model_package_group']!r}"
        )

    uri = m["artefact"]["uri"]
    prefix = f"releases/{m['model']['name']}/{m['model']['version']}/"
    key = uri.removeprefix("s3://").partition("/")[2] if uri.startswith("s3://") else ""
    if not key.startswith(prefix) or key == prefix:
        yield f"artefact.uri: {uri!r}: expected s3://<edge-artefact bucket>/{prefix}<file>"

    retain_until = _instant(m["artefact"]["object_lock"]["retain_until"])
    approved_at = _instant(m["approval"]["approved_at"])
    if retain_until <= approved_at:
        yield (
            f"artefact.object_lock.retain_until: {m['artefact']['object_lock']['retain_until']!r}: "
            f"must be after approval.approved_at ({m['approval']['approved_at']})"
        )

    scheme, calibration = m["quantization"]["scheme"], m["quantization"]["calibration_dataset"]
    if scheme in NEEDS_NO_CALIBRATION and calibration is not None:
        yield f"quantization.calibration_dataset: {calibration!r}: must be null: {scheme} needs no calibration"
    if scheme not in NEEDS_NO_CALIBRATION and calibration is None:
        yield (
            f"quantization.calibration_dataset: null: {scheme} needs a calibration dataset: "
            "one of training.snapshot_ids or another snapshot id"
        )

    training = set(m["training"]["snapshot_ids"])
    for i, snapshot in enumerate(m["validation"]["snapshot_ids"]):
        if snapshot in training:
            yield f"validation.snapshot_ids.{i}: {snapshot!r}: validation data must be held out: it is a training snapshot"
        elif snapshot == calibration:
            yield f"validation.snapshot_ids.{i}: {snapshot!r}: validation data must be held out: it is the calibration dataset"

    seen: set[str] = set()
    for i, metric in enumerate(m["validation"]["metrics"]):
        if metric["name"] in seen:
            yield f"validation.metrics.{i}.name: {metric['name']!r}: named twice; metric names are unique"
        seen.add(metric["name"])
        value, threshold, comparison = metric["value"], metric["threshold"], metric["comparison"]
        if not (value >= threshold if comparison == ">=" else value <= threshold):
            yield (
                f"validation.metrics.{i}.value: {metric['name']} = {value} does not pass {comparison} "
                f"{threshold}, yet passed is true"
            )


def _message(error: jsonschema.ValidationError) -> str:
    """jsonschema's message, with the reason when the failing rule is an if/then or an anyOf."""
    message = error.message
    if error.validator == "pattern":  # the pattern as written in the schema, backslashes not doubled
        message = f"{error.instance!r} does not match '{error.validator_value}'"
    reason = None
    if error.validator in ("anyOf", "oneOf"):
        reason = error.schema.get("description")
    elif "then" in error.absolute_schema_path:
        node: Any = schema()
        for step in error.absolute_schema_path:
            node = node[step]
            if step == "$ref":  # the path goes on inside the definition: "#/$defs/<name>"
                target = schema()
                for part in node.removeprefix("#/").split("/"):
                    target = target[part]
                node = target
            elif step == "then":
                reason = node.get("description", reason)
    return f"{message} ({reason})" if reason else message


@cache
def _format_checker() -> jsonschema.FormatChecker:
    """jsonschema's format checker, with an RFC 3339 `date-time` that needs no extra package."""
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            return False
        _instant(value)
        return True

    return checker


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.upper().replace("Z", "+00:00"))


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise ValueError(f"duplicate key {key!r}: each field may appear once")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
