"""Generated rule reference (docs/policies.md), from the pack's registry and its config files.

`python -m mlplat.reference.policy_docs` rewrites the file; a test fails when it is stale. The registry is
imported the way the analyzer imports it (pack directory first on `sys.path`); the pack's
`__main__.py` is never imported, since constructing the PolicyPack serves forever.
"""

from __future__ import annotations

import json
import sys
from types import ModuleType

from pulumi_policy import StackValidationPolicy

from mlplat.gate.pack import CONFIG_DIR, pack_module
from platform_spec.paths import project_root

DOC = project_root() / "docs" / "policies.md"
ENVIRONMENTS = ("dev", "staging", "prod")


def registry() -> ModuleType:
    return pack_module("registry")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render() -> str:
    rules = registry().RULES
    levels = {
        env: json.loads((CONFIG_DIR / f"{env}.json").read_text(encoding="utf-8")) for env in ENVIRONMENTS
    }
    lines = [
        "# Policy reference",
        "",
        "Generated from `policies/registry.py` and `policies/config/*.json` by `python -m mlplat.reference.policy_docs`;",
        "do not edit by hand.",
        "",
        f"The pack has {len(rules)} rules. Resource rules judge each resource (its inputs, options and",
        "provider); stack rules judge a whole stack (every resource's outputs and the links between them).",
        "Levels are per environment, from `policies/config/<env>.json`: `mandatory` blocks (`mlplat check`",
        "exits 1, `pulumi preview --policy-pack` fails), `advisory` reports. Run the gate with",
        "`mlplat check ENV` or `pulumi preview --policy-pack policies --policy-pack-config",
        "policies/config/<env>.json`.",
        "",
        "| rule | kind | framework | severity | dev / staging / prod | what it checks | remediation |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in rules:
        framework = rule.framework
        label = ""
        if framework is not None:
            label = " ".join(p for p in (framework.name, framework.version) if p)
            label += f": {framework.reference}" if framework.reference else ""
        per_env = " / ".join(
            str(levels[env].get(rule.name, {}).get("enforcementLevel", "-")) for env in ENVIRONMENTS
        )
        kind = "stack" if isinstance(rule, StackValidationPolicy) else "resource"
        lines.append(
            f"| `{rule.name}` | {kind} | {_cell(label)} | {rule.severity.value} | {per_env} | "
            f"{_cell(rule.description)} | {_cell(rule.remediation_steps or '')} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)
