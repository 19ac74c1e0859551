"""Where the policy pack is, and its modules imported the way the analyzer imports them.

Pulumi's Python policy host runs `policies/__main__.py` with the pack directory first on
`sys.path`, so the rules import as `rules.<module>` and the registry as `registry`. The review
tool reads the same modules (rule names for the generated config, the registry for the rule
reference) the same way. The pack's `__main__.py` is never imported: constructing the PolicyPack
serves forever.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

from platform_spec.paths import project_root

PACK_DIR = project_root() / "policies"
CONFIG_DIR = PACK_DIR / "config"
"""Enforcement levels and rule config per environment (the files `pulumi preview --policy-pack-config` takes)."""


def config_path(environment: str) -> Path:
    return CONFIG_DIR / f"{environment}.json"


def pack_module(name: str) -> ModuleType:
    """A module of the pack (`registry`, `rules.<rule module>`), imported from the pack directory."""
    if str(PACK_DIR) not in sys.path:
        sys.path.insert(0, str(PACK_DIR))
    return importlib.import_module(name)


def rule_name(module: str) -> str:
    """The rule name (`NAME`) of a rule module of the pack."""
    return str(pack_module(f"rules.{module}").NAME)
