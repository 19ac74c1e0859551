"""ARNs: their parts, and the wildcard matching IAM applies to actions, resources and ARN conditions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    @classmethod
    def parse(cls, text: str) -> Arn | None:
        """The parts of `arn:partition:service:region:account:resource`; None for anything else."""
        parts = text.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn" or not parts[2]:
            return None
        return cls(parts[1], parts[2], parts[3], parts[4], parts[5])


def account_of(arn: str) -> str | None:
    """The account id an ARN names (empty for S3 buckets and other global names: None)."""
    parsed = Arn.parse(arn)
    return parsed.account if parsed and parsed.account else None


def root_arn(account: str, partition: str = "aws") -> str:
    return f"arn:{partition}:iam::{account}:root"


def _glob_regex(pattern: str, *, one_segment: bool) -> str:
    """`*` and `?` of a policy pattern as a regex. Inside an ARN segment they stop at `:`, except a `*`
    that ends the segment, which IAM lets run on past the colons (IAM User Guide, Resource element)."""
    out = []
    for position, char in enumerate(pattern):
        if char == "*":
            out.append("[^:]*" if one_segment and position < len(pattern) - 1 else ".*")
        elif char == "?":
            out.append("[^:]" if one_segment else ".")
        else:
            out.append(re.escape(char))
    return "".join(out)


@lru_cache(maxsize=4096)
def _arn_pattern(pattern: str) -> re.Pattern[str]:
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return re.compile(_glob_regex(pattern, one_segment=False) + r"\Z", re.DOTALL)
    head = ":".join(_glob_regex(part, one_segment=True) for part in parts[:5])
    return re.compile(head + ":" + _glob_regex(parts[5], one_segment=False) + r"\Z", re.DOTALL)


def arn_matches(pattern: str, arn: str) -> bool:
    """Whether a policy's resource pattern (or an ArnLike value) matches an ARN; case-sensitive, as IAM is."""
    return pattern == "*" or _arn_pattern(pattern).match(arn) is not None


@lru_cache(maxsize=4096)
def _text_pattern(pattern: str, fold: bool) -> re.Pattern[str]:
    return re.compile(
        _glob_regex(pattern, one_segment=False) + r"\Z", re.DOTALL | (re.IGNORECASE if fold else 0)
    )


def glob_matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """StringLike matching (`*` any run, `?` one character)."""
    return _text_pattern(pattern, ignore_case).match(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """Action names match case-insensitively, with wildcards (`s3:Get*`, `*`)."""
    return glob_matches(pattern, action, ignore_case=True)
