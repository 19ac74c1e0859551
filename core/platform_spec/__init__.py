"""The platform's spec: the typed, validated form of environments/<env>.yaml and org.yaml.

The spec files are the single source of truth a user edits. They are read once (`load_spec`),
validated by the models (`platform_spec.models`) and the rules that span fields and files
(`platform_spec.rules`), and frozen; stacks derive every resource from them and environments
differ only by values. The reviewed tables of what the platform may run (`platform_spec.tables`)
and the physical names it builds (`platform_spec.naming`) live here too, so the spec, the
components and the policy pack check the same facts. Nothing here imports Pulumi.
"""

from platform_spec.errors import PlatformError, Problem, SpecError
from platform_spec.loader import available_environments, load_org, load_spec
from platform_spec.models import EnvironmentSpec, OrganizationSpec, PlatformSpec

__all__ = [
    "EnvironmentSpec",
    "OrganizationSpec",
    "PlatformError",
    "PlatformSpec",
    "Problem",
    "SpecError",
    "available_environments",
    "load_org",
    "load_spec",
]
