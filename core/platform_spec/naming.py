"""Physical names the platform gives AWS resources, and the limits AWS sets on them.

The spec loader checks every name a stack would build against these limits, so a key that is
too long fails at plan time with the field that causes it, not halfway through a deploy; the
components build the same names with the same functions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from platform_spec import formats

ACCOUNT_NAME_MAX = 50
"""AWS Organizations account names: 1 to 50 characters."""
BUCKET_NAME_MAX = 63
"""S3 bucket names: 3 to 63 characters."""


MAX_EMAIL_SUBSCRIBERS = 10
MAX_NOTIFICATIONS = 10
BUDGET_NAME_MAX = 100 - len("-team-") - 32
"""AWS Budgets names take 100 characters; a team budget appends `-team-<team>` (a team key: up to 32)."""


def access_log_bucket_name(org_name: str, region: str) -> str:
    """`<org>-cloudtrail-archive-access-logs-<region>`: the archive's access-log bucket (S3 allows 63 characters)."""
    return f"{org_name}-cloudtrail-archive-access-logs-{region}"


def scratch_bucket_name(name_prefix: str, region: str) -> str:
    """`<org>-<env>-scratch-<region>`: the scratch bucket of the cluster in `region` (S3 allows 63 characters)."""
    return f"{name_prefix}-scratch-{region}"


def tag_key_problem(key: str) -> str | None:
    """Why a key cannot be activated, or None: a user-defined tag key, not AWS's `aws:` prefix."""
    if key.lower().startswith("aws:"):
        return "aws: is AWS's own prefix; a user-defined tag key does not start with it"
    if not formats.matches(formats.TAG_KEY, key):
        return "a tag key: 1 to 128 letters, digits, spaces and _ . : / = + - @"
    return None


def resource_suffix(key: str) -> str:
    """The part of a key's resource name that names it: lower case, every run of other characters than
    a-z, 0-9 and - made one -. Two keys with the same suffix (`Team`, `team`) would be one resource."""
    return re.sub(r"[^a-z0-9-]+", "-", key.lower())


def suffix_collisions(tag_keys: Sequence[str]) -> dict[int, int]:
    """Index of each key whose resource suffix an earlier key has already -> the index of that earlier key."""
    first: dict[str, int] = {}
    found = {}
    for i, key in enumerate(tag_keys):
        j = first.setdefault(resource_suffix(key), i)
        if j != i:
            found[i] = j
    return found
