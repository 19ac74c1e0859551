"""The gate's reports, written next to the inventory: Markdown for a pull-request comment, SARIF 2.1.0 for
code scanning (Microsoft's `sarif-om` object model) and JUnit XML for CI (`junitparser`).

Every report is a function of the GateResult only, with findings sorted, so the same inventory and
config give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import attr
import sarif_om as sarif
from junitparser import Failure, JUnitXml, Skipped, TestCase, TestSuite

from mlplat.gate.check import GateResult, Violation

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"mandatory": "error", "advisory": "warning"}
REPORTS = {"markdown": "gate.md", "sarif": "gate.sarif", "junit": "gate.junit.xml"}


def write_reports(result: GateResult, directory: Path) -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = {kind: directory / name for kind, name in REPORTS.items()}
    paths["markdown"].write_text(markdown(result), encoding="utf-8")
    paths["sarif"].write_text(json.dumps(sarif_log(result), indent=2) + "\n", encoding="utf-8")
    junit(result).write(str(paths["junit"]), pretty=True)
    return paths


def _sorted(violations: list[Violation]) -> list[Violation]:
    return sorted(violations, key=lambda v: (v.stack, v.urn, v.message))


def _level(violation: Violation) -> str:
    return violation.level if violation.evaluated else "not evaluated"


# --- Markdown ----------------------------------------------------------------------------------


def markdown(result: GateResult) -> str:
    mandatory, advisory = len(result.mandatory), len(result.advisory)
    verdict = "❌ **blocked**" if result.exit_code else "✅ **passed**"
    lines = [
        f"## Policy gate: {result.source}",
        "",
        f"{verdict}: {mandatory} mandatory and {advisory} advisory finding(s); "
        f"{len(result.rules)} rules of `{result.pack}` {result.pack_version} over "
        f"{sum(result.stacks.values())} resources (components and providers included) in {len(result.stacks)} stack(s) "
        f"({', '.join(f'`{s}`' for s in result.stacks)}), config `{_display(result.config)}`.",
        "",
    ]
    grouped = result.by_rule()
    if grouped:
        lines += ["| level | severity | rule | findings | framework |", "|---|---|---|---:|---|"]
        for rule, found in grouped:
            levels = sorted({_level(v) for v in found})
            lines.append(
                f"| {', '.join(levels)} | {rule.severity} | `{rule.name}` | {len(found)} | {rule.framework_label} |"
            )
        lines.append("")
        for rule, found in grouped:
            lines += [
                f"<details><summary><code>{rule.name}</code>: {len(found)} finding(s)</summary>",
                "",
                f"{rule.description}",
                "",
                f"Remediation: {rule.remediation}",
                "",
            ]
            lines += [
                f"- `{v.stack}` `{v.resource}` ({_level(v)}): {_one_line(v.message)}" for v in _sorted(found)
            ]
            lines += ["", "</details>", ""]
    unjudged = [
        rule.name for rule in result.rules if rule.level != "disabled" and not result.judged_total(rule.name)
    ]
    disabled = [rule.name for rule in result.rules if rule.level == "disabled"]
    if unjudged:
        lines += [f"Not applicable to anything here: {', '.join(f'`{n}`' for n in unjudged)}.", ""]
    if disabled:
        lines += [f"Disabled by the config: {', '.join(f'`{n}`' for n in disabled)}.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# --- SARIF -------------------------------------------------------------------------------------


def sarif_log(result: GateResult) -> dict[str, Any]:
    rules = [
        sarif.ReportingDescriptor(
            id=rule.name,
            name=rule.name,
            short_description=sarif.MultiformatMessageString(text=rule.description),
            full_description=sarif.MultiformatMessageString(text=rule.description),
            help=sarif.MultiformatMessageString(text=rule.remediation or rule.description),
            default_configuration=sarif.ReportingConfiguration(
                level=SARIF_LEVEL.get(rule.level, "note"), enabled=rule.level != "disabled"
            ),
            properties={
                "tags": [t for t in ("policy", rule.kind, rule.severity, *rule.tags) if t],
                "severity": rule.severity,
                "enforcementLevel": rule.level,
                "framework": rule.framework,
            },
        )
        for rule in result.rules
    ]
    index = {rule.name: i for i, rule in enumerate(result.rules)}
    artifact = _display(result.inventory)
    results = [
        sarif.Result(
            rule_id=v.rule,
            rule_index=index.get(v.rule, -1),
            level=SARIF_LEVEL.get(v.level, "note") if v.evaluated else "note",
            message=sarif.Message(text=v.message),
            locations=[
                sarif.Location(
                    physical_location=sarif.PhysicalLocation(
                        artifact_location=sarif.ArtifactLocation(uri=artifact)
                    ),
                    logical_locations=[
                        sarif.LogicalLocation(fully_qualified_name=v.urn or v.stack, kind="resource")
                    ],
                )
            ],
            partial_fingerprints={
                "policyFinding/v1": hashlib.sha256(f"{v.rule}\0{v.urn}\0{v.message}".encode()).hexdigest()
            },
            properties={"stack": v.stack, "enforcementLevel": v.level, "evaluated": v.evaluated},
        )
        for v in _sorted(result.violations)
    ]
    log = sarif.SarifLog(
        version="2.1.0",
        schema_uri=SARIF_SCHEMA,
        runs=[
            sarif.Run(
                tool=sarif.Tool(
                    driver=sarif.ToolComponent(
                        name=result.pack,
                        version=result.pack_version,
                        semantic_version=result.pack_version,
                        rules=rules,
                    )
                ),
                automation_details=sarif.RunAutomationDetails(id=f"mlplat-check/{result.source}/"),
                results=results,
                properties={"stacks": result.stacks, "config": _display(result.config)},
            )
        ],
    )
    return _to_json(log)


def _to_json(value: Any) -> Any:
    """An object of the SARIF object model as its JSON form: schema property names, defaults left out."""
    if attr.has(type(value)):
        document = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            default = field.default.factory() if isinstance(field.default, attr.Factory) else field.default
            if item is None or (field.default is not attr.NOTHING and item == default):
                continue
            document[field.metadata["schema_property_name"]] = _to_json(item)
        return document
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    return value


# --- JUnit -------------------------------------------------------------------------------------


def junit(result: GateResult) -> JUnitXml:
    """One test suite per stack and one test case per rule: failed on a mandatory finding, skipped when
    the rule applied to nothing in the stack; advisory findings go to the case's output."""
    document = JUnitXml(name=f"mlplat check {result.source}")
    by_key: dict[tuple[str, str], list[Violation]] = {}
    for violation in result.violations:
        by_key.setdefault((violation.rule, violation.stack), []).append(violation)
    for stack in result.stacks:
        suite = TestSuite(f"{result.pack}: {stack}")
        for rule in result.rules:
            case = TestCase(name=rule.name, classname=f"{result.pack}.{stack}")
            found = _sorted(by_key.get((rule.name, stack), []))
            blocking = [v for v in found if v.level == "mandatory"]
            if blocking:
                failure = Failure(message=f"{len(blocking)} mandatory finding(s)", type_=rule.severity)
                failure.text = "\n".join(f"{v.resource}: {v.message}" for v in blocking)
                case.result = [failure]
            elif rule.level == "disabled":
                case.result = [Skipped(message="disabled by the config")]
            elif not result.judged[rule.name, stack] and not found:
                case.result = [Skipped(message="not applicable to anything in this stack")]
            others = [v for v in found if v.level != "mandatory"]
            if others:
                case.system_out = "\n".join(f"{_level(v)}: {v.resource}: {v.message}" for v in others)
            suite.add_testcase(case)
        document.add_testsuite(suite)
    return document
