"""`mlplat check`: the policy gate over an inventory, through the pack's own analyzer protocol.

The pack in `policies/` runs as its own process (mlplat.gate.analyzer), configured with
`policies/config/<env>.json` the way `pulumi preview --policy-pack-config` configures it: the
file is reconciled with the defaults and schemas the pack announces, then every resource of
every stack is analyzed with its inputs, and every stack with its resources' outputs. The
result says which rule found what where, and how many resources each rule judged.

Stricter than Pulumi, on purpose: a config entry that names no rule of the pack, or that omits a
property the rule's schema requires, is an input error (exit 2) instead of being ignored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import json_format
from jsonschema import Draft7Validator
from pulumi.runtime.proto import analyzer_pb2

from mlplat.gate.analyzer import LEVEL_NAMES, SEVERITY_NAMES, Diagnostic, PolicyPackProcess, provider_urn
from mlplat.gate.pack import CONFIG_DIR, PACK_DIR, config_path
from mlplat.synth.inventory import InventoryError, read_inventory
from mlplat.synth.inventory import read_json as read_document
from platform_spec.errors import PlatformError
from platform_spec.layers import environment_of

ORGANIZATION = "organization"
"""The organization name a self-managed backend reports (as in mlplat.synth)."""
SEVERITY_ORDER = ("critical", "high", "medium", "low", "unspecified")
UNEVALUATED_PREFIX = "can't run policy"
"""How pulumi-policy words a diagnostic for a rule that read a value unknown at preview (always advisory)."""


class GateInputError(PlatformError):
    """Bad input (exit 2): one line per problem, naming the file, the field, the value and what is allowed."""


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    kind: str
    """`resource` (Analyze, per resource) or `stack` (AnalyzeStack, per stack)."""
    severity: str
    level: str
    framework: dict[str, str]
    remediation: str
    tags: tuple[str, ...]

    @property
    def framework_label(self) -> str:
        if not self.framework:
            return ""
        name = " ".join(p for p in (self.framework.get("name"), self.framework.get("version")) if p)
        return f"{name}: {self.framework['reference']}" if self.framework.get("reference") else name


@dataclass(frozen=True)
class Violation:
    rule: str
    stack: str
    urn: str
    message: str
    level: str
    severity: str
    evaluated: bool = True
    """False when the rule could not run because it read a value unknown at preview."""

    @property
    def resource(self) -> str:
        return self.urn.rsplit("::", 1)[-1] if self.urn else f"(stack {self.stack})"


@dataclass
class GateResult:
    source: str
    inventory: Path
    config: Path
    pack: str
    pack_version: str
    rules: list[Rule]
    stacks: dict[str, int]
    """Stack name -> number of resources analyzed."""
    violations: list[Violation] = field(default_factory=list)
    judged: Counter = field(default_factory=Counter)
    """(rule name, stack) -> resources (resource rules) or 1 (stack rules) the rule applied to."""

    def judged_total(self, rule: str) -> int:
        return sum(count for (name, _), count in self.judged.items() if name == rule)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.level == "mandatory"]

    @property
    def advisory(self) -> list[Violation]:
        return [v for v in self.violations if v.level != "mandatory"]

    @property
    def exit_code(self) -> int:
        return 1 if self.mandatory else 0

    def by_rule(self) -> list[tuple[Rule, list[Violation]]]:
        """Rules with findings, mandatory first, then by severity and name."""
        found: dict[str, list[Violation]] = defaultdict(list)
        for violation in self.violations:
            found[violation.rule].append(violation)
        rules = {rule.name: rule for rule in self.rules}
        ordered = sorted(
            found,
            key=lambda name: (
                all(v.level != "mandatory" for v in found[name]),
                SEVERITY_ORDER.index(rules[name].severity) if name in rules else len(SEVERITY_ORDER),
                name,
            ),
        )
        return [(rules[name], found[name]) for name in ordered if name in rules]


# --- inputs ------------------------------------------------------------------------------------


def read_json(path: Path, what: str) -> Any:
    try:
        return read_document(path, what)
    except InventoryError as error:
        raise GateInputError(error.lines) from None


def load_inventory(path: Path) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """(environment or stack name, stack -> resources) of an mlplat inventory or one `pulumi stack export`,
    checked by `mlplat.synth.inventory.read_inventory` (the one loader of every `--inventory`)."""
    try:
        found = read_inventory(path)
    except InventoryError as error:
        raise GateInputError(error.lines) from None
    return found.source, found.stacks


def reconcile_config(rules: list[Rule], schemas: Mapping[str, dict], document: Any, path: Path) -> dict:
    """Policy name -> (level, properties): the pack's defaults, then `all`, then each entry, validated.

    This is what the Pulumi CLI does with `--policy-pack-config` before it calls Configure.
    """
    if not isinstance(document, dict):
        raise GateInputError(
            [f"{path}: (top level): {type(document).__name__}: an object of rule name to config"]
        )
    known = {rule.name: rule for rule in rules}
    problems: list[str] = []
    result: dict[str, tuple[str, dict[str, Any]]] = {}
    for rule in rules:
        defaults = {
            key: spec["default"]
            for key, spec in schemas[rule.name].get("properties", {}).items()
            if "default" in spec
        }
        result[rule.name] = (rule.level, defaults)
    entries: dict[str, tuple[str | None, dict[str, Any]]] = {}
    for name, value in document.items():
        if name != "all" and name not in known:
            problems.append(
                f"{path}: {name}: (entry): no such rule in the pack; allowed: all, {', '.join(known)}"
            )
            continue
        if isinstance(value, str):
            level, properties = value, {}
        elif isinstance(value, dict):
            properties = {k: v for k, v in value.items() if k != "enforcementLevel"}
            level = value.get("enforcementLevel")
        else:
            problems.append(f"{path}: {name}: {value!r}: an enforcement level or an object")
            continue
        if level is not None and level not in LEVEL_NAMES.values():
            problems.append(
                f"{path}: {name}.enforcementLevel: {level!r}: one of {', '.join(LEVEL_NAMES.values())}"
            )
            continue
        entries[name] = (level, properties)
    if "all" in entries and entries["all"][0]:
        result = {name: (entries["all"][0], props) for name, (_, props) in result.items()}
    for name, (level, properties) in entries.items():
        if name == "all":
            continue
        current_level, current = result[name]
        result[name] = (level or current_level, {**current, **properties})
    for name, (_, properties) in result.items():
        schema = {"type": "object", **{k: v for k, v in schemas[name].items() if v}}
        for error in sorted(Draft7Validator(schema).iter_errors(properties), key=lambda e: list(e.path)):
            field_path = ".".join(str(p) for p in error.path) or _missing_field(error)
            value = error.instance if error.path else "(missing)"
            problems.append(f"{path}: {name}.{field_path}: {value!r}: {_allowed(error)}")
    if problems:
        raise GateInputError(problems)
    return result


def _missing_field(error) -> str:
    if error.validator == "required":
        return error.message.split("'")[1]
    return "(properties)"


def _allowed(error) -> str:
    if error.validator == "required":
        return "required by the rule's schema"
    if error.validator == "additionalProperties":
        return error.message
    return f"must match {error.validator} {_plain_number(error.validator_value)!r}"


def _plain_number(value: Any) -> Any:
    """Schemas cross the protocol as protobuf Structs, where every number is a float."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_plain_number(v) for v in value]
    return value


# --- the run -----------------------------------------------------------------------------------


def pack_rules(pack: PolicyPackProcess) -> tuple[str, str, list[Rule], dict[str, dict]]:
    """(name, version, rules, config schemas) as the pack announces them; the version is
    PulumiPolicy.yaml's, as the engine reports it."""
    info = pack.info()
    version = (yaml.safe_load((pack.pack_dir / "PulumiPolicy.yaml").read_text(encoding="utf-8")) or {}).get(
        "version", info.version
    )
    rules, schemas = [], {}
    for policy in info.policies:
        framework = {
            key: getattr(policy.framework, key)
            for key in ("name", "version", "reference", "specification")
            if getattr(policy.framework, key)
        }
        rules.append(
            Rule(
                name=policy.name,
                description=policy.description,
                kind="stack" if policy.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                severity=SEVERITY_NAMES.get(policy.severity, "unspecified"),
                level=LEVEL_NAMES.get(policy.enforcementLevel, "advisory"),
                framework=framework,
                remediation=policy.remediation_steps,
                tags=tuple(policy.tags),
            )
        )
        schemas[policy.name] = {
            "properties": json_format.MessageToDict(policy.configSchema.properties),
            "required": list(policy.configSchema.required),
        }
    return info.name, str(version), rules, schemas


def run_gate(
    pack: PolicyPackProcess,
    stacks: Mapping[str, list[dict[str, Any]]],
    config_document: Any,
    *,
    source: str,
    inventory: Path,
    config: Path,
    project: str = "mlplatform",
) -> GateResult:
    """Configure the running pack and analyze every stack: Analyze per resource, then AnalyzeStack."""
    name, version, rules, schemas = pack_rules(pack)
    reconciled = reconcile_config(rules, schemas, config_document, config)
    pack.configure(reconciled)
    rules = [
        Rule(**{**rule.__dict__, "level": reconciled[rule.name][0]})
        for rule in rules  # the level in force
    ]
    enabled = {rule.name: rule for rule in rules if rule.level != "disabled"}
    result = GateResult(source, inventory, config, name, version, rules, {})
    for stack, resources in stacks.items():
        result.stacks[stack] = len(resources)
        pack.configure_stack(stack=stack, project=project, organization=ORGANIZATION)
        providers = {r["urn"]: r for r in resources if r["type"].startswith("pulumi:providers:")}
        for resource in resources:
            analysis = pack.analyze(resource, providers.get(provider_urn(resource)))
            for rule in enabled.values():
                if rule.kind == "resource" and rule.name not in analysis.not_applicable:
                    result.judged[rule.name, stack] += 1
            # The engine attributes a resource's findings to that resource, whatever URN the pack gave.
            result.violations += [_violation(d, stack, resource["urn"]) for d in analysis.diagnostics]
        analysis = pack.analyze_stack(resources, providers)
        for rule in enabled.values():
            if rule.kind == "stack" and rule.name not in analysis.not_applicable:
                result.judged[rule.name, stack] += 1
        result.violations += [_violation(d, stack, d.urn) for d in analysis.diagnostics]
    return result


def _violation(diagnostic: Diagnostic, stack: str, urn: str) -> Violation:
    message = diagnostic.message
    if message.startswith(diagnostic.description + "\n"):
        message = message[len(diagnostic.description) + 1 :]
    return Violation(
        rule=diagnostic.policy,
        stack=stack,
        urn=urn,
        message=message.strip(),
        level=diagnostic.level,
        severity=diagnostic.severity,
        evaluated=not diagnostic.message.startswith(UNEVALUATED_PREFIX),
    )


def check_inventory(
    inventory: Path,
    config: Path | None = None,
    *,
    pack_dir: Path = PACK_DIR,
    pack: PolicyPackProcess | None = None,
) -> GateResult:
    """Load and check an inventory; the config defaults to the one of its environment."""
    source, stacks = load_inventory(inventory)
    if config is None:
        environment = (
            source if (CONFIG_DIR / f"{source}.json").is_file() else environment_of(source) or source
        )
        config = config_path(environment)
        if not config.is_file():
            known = ", ".join(sorted(p.stem for p in CONFIG_DIR.glob("*.json")))
            where = f"{inventory}: environment: {environment!r}"
            raise GateInputError(
                [f"{where}: no policies/config/{environment}.json; pass --config FILE or one of: {known}"]
            )
    document = read_json(config, "a policy pack config (rule name -> enforcement level and properties)")
    if pack is not None:
        return run_gate(pack, stacks, document, source=source, inventory=inventory, config=config)
    with PolicyPackProcess(pack_dir) as started:
        return run_gate(started, stacks, document, source=source, inventory=inventory, config=config)
