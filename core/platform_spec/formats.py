"""Formats of pinned, version-like values that the spec (core/platform_spec/) and the components both check.

One definition each: the spec's schema takes the patterns as `Field(pattern=...)`, the components'
args check them with `matches`. Anchored, so both read them the same way. No Pulumi import: the spec
loads this module without the SDKs.
"""

from __future__ import annotations

import re

CHART_VERSION = r"^\d+\.\d+\.\d+$"
"""A Helm chart version, pinned: X.Y.Z."""
KARPENTER_DURATION = r"^(([0-9]+(s|m|h))+|Never)$"
"""Karpenter's duration format (consolidateAfter, expireAfter): e.g. 30s, 10m, 720h, or Never."""
IMAGE = r"^[a-z0-9.-]+(:[0-9]+)?(/[a-z0-9._-]+)+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$"
"""A container image pinned by tag or digest: `registry[:port]/path:tag` or `registry/path@sha256:<64 hex>`."""
AMI_ALIAS = r"^al2023@v\d{8}$"
"""An EKS-optimized AL2023 AMI release as Karpenter names it: `al2023@vYYYYMMDD` (never @latest)."""
KUBERNETES_VERSION = r"^1\.\d{2}$"
"""A Kubernetes minor version, pinned: 1.NN."""
ADDON_VERSION = r"^v\d+\.\d+\.\d+-eksbuild\.\d+$"
"""A pinned EKS add-on version: vX.Y.Z-eksbuild.N."""

TAG_KEY = r"^[\w.:/=+\-@ ]{1,128}$"
"""An AWS tag key: 1 to 128 letters, digits, spaces and `_ . : / = + - @` (user-defined keys never start `aws:`)."""


def matches(pattern: str, value: str) -> bool:
    """Whether the whole of `value` has the format."""
    return re.fullmatch(pattern, value) is not None
