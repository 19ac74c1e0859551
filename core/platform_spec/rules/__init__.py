"""The spec's rules that span fields or files; each yields one `Problem` per finding."""

from platform_spec.rules.environment import environment_problems
from platform_spec.rules.org import org_problems

__all__ = ["environment_problems", "org_problems"]
