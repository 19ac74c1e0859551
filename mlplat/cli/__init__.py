"""The `mlplat` command line: one module per job, each registering its commands on one app."""

from mlplat.cli import contracts, cost, gate, live, plan, review  # noqa: F401  (they register the commands)
from mlplat.cli.app import app

__all__ = ["app"]
