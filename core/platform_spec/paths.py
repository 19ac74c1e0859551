"""Where the project is: the one place that finds the repository root.

The root is the nearest directory holding `Pulumi.yaml`, looked for above this package (an
editable install, as `make install` and `pulumi install` make it) and then above the working
directory (the core installed as a plain distribution, e.g. beside the policy pack).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MARKER = "Pulumi.yaml"


@cache
def project_root() -> Path:
    """The repository root; the working directory when no `Pulumi.yaml` is found above it either."""
    here = Path(__file__).resolve().parent
    cwd = Path.cwd().resolve()
    for start in (here, cwd):
        for directory in (start, *start.parents):
            if (directory / MARKER).is_file():
                return directory
    return cwd


def environments_dir() -> Path:
    """environments/: the spec files a user edits."""
    return project_root() / "environments"
