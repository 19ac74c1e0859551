"""Pulumi deployments as a Terraform plan (`terraform show -json`) that checkov's terraform_plan
framework reads, and Kubernetes resources as manifests for its kubernetes framework.

checkov cannot read Pulumi programs, but it reads plans. The shape that makes its checks and
its graph checks work is written down in shared/research/checkov-plan-shape.md; in short:

* every resource has `mode: managed`, an `address` `<type>.<name>` and its Terraform type
  (a missing `mode`/`address` or an unknown type is skipped by checkov without a word, so an
  unmapped Pulumi type is an error here, never a guess);
* references are `<type>.<name>.<attr>` strings in place of the value (that is how checkov's
  graph connects a bucket to its public access block, versioning, logging...), made only where
  the Pulumi engine recorded the dependency (`propertyDependencies`) or, across stacks, where
  the value is unique to one resource;
* Pulumi's plural names of list blocks (`rules`) become Terraform's singular (`rule`), nested
  objects become one-element lists, policy documents are JSON strings, whole floats are ints.

The type mapping comes from the pulumi-aws bridge metadata (mlplat/gate/data/pulumi_aws_terraform.json,
an excerpt with its source); block names come from the installed SDK's own input types.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from platform_spec.errors import PlatformError

DATA = Path(__file__).resolve().parent / "data" / "pulumi_aws_terraform.json"
SECRET_SIG = "4dabf18193072939515e22adb298388d"
TERRAFORM_VERSION = "1.9.0"  # any non-empty version: checkov only requires the key
AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"
BUCKET = "aws_s3_bucket"


class PlanConversionError(PlatformError):
    """The inventory holds something the conversion cannot represent faithfully."""


# --- names -------------------------------------------------------------------------------------


def snake(name: str) -> str:
    """camelCase / PascalCase -> snake_case, as the bridge derives Pulumi names from Terraform's."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def token_parts(token: str) -> tuple[str, str, str]:
    """`aws:s3/bucketPolicy:BucketPolicy` -> ("aws", "s3", "bucketPolicy")."""
    package, module_path, _ = token.split(":", 2)
    module, _, name = module_path.partition("/")
    return package, module, name


# --- Pulumi type token -> Terraform type ---------------------------------------------------------


@dataclass(frozen=True)
class TypeMapping:
    """Pulumi type token -> Terraform resource type, for the pinned pulumi-aws SDK.

    Sources, in order: the v7 overrides, the bridge metadata excerpt, the SDK's own aliases of a
    renamed token (v7 `BucketVersioning` aliases `BucketVersioningV2`), and for tokens newer than
    the excerpt the bridge's naming rule `aws_<prefix>_<snake name>`, but only in modules whose
    every recorded token follows it with one prefix (so `ec2`, `s3` or `cloudtrail`, which have
    exceptions, never get a guessed type).
    """

    explicit: Mapping[str, str]
    rule_prefixes: Mapping[str, str]

    def terraform_type(self, token: str) -> str | None:
        if token in self.explicit:
            return self.explicit[token]
        alias = sdk_alias(token)
        if alias in self.explicit:
            return self.explicit[alias]
        package, module, name = token_parts(token)
        prefix = self.rule_prefixes.get(module) if package == "aws" else None
        return f"aws_{prefix}_{snake(name)}" if prefix else None

    def source(self, token: str) -> str:
        """Where the mapping of a token comes from (for reviews and the coverage test)."""
        if token in self.explicit:
            return "metadata"
        if sdk_alias(token) in self.explicit:
            return f"alias of {sdk_alias(token)}"
        return "module rule" if self.terraform_type(token) else "unmapped"


def _module_rule(entries: Mapping[str, str]) -> str | None:
    """The one prefix p such that every entry is `aws_<p>_<snake name>`, if there is one."""
    prefixes = set()
    for name, tf_type in entries.items():
        suffix = "_" + snake(name)
        if not tf_type.endswith(suffix) or not tf_type.startswith("aws_"):
            return None
        prefixes.add(tf_type[len("aws_") : -len(suffix)])
    return prefixes.pop() if len(prefixes) == 1 and "" not in prefixes else None


@cache
def sdk_resource_classes() -> dict[str, tuple[str, str]]:
    """Every resource token of the installed pulumi_aws -> (python module, class name)."""
    import pulumi_aws

    source = Path(pulumi_aws.__file__).read_text(encoding="utf-8")
    match = re.search(r'resource_modules="""(.*?)"""', source, re.S)
    if match is None:  # pragma: no cover - the SDK layout is pinned
        raise RuntimeError("pulumi_aws/__init__.py: no resource module registry found")
    return {
        token: (entry["fqn"], cls)
        for entry in json.loads(match.group(1))
        for token, cls in entry["classes"].items()
    }


@cache
def sdk_module(token: str) -> str | None:
    """The python module that defines a resource token's class in the installed SDK."""
    entry = sdk_resource_classes().get(token)
    if entry is None:
        return None
    package, class_name = entry
    return getattr(importlib.import_module(package), class_name).__module__


@cache
def sdk_alias(token: str) -> str | None:
    """The older token a resource class declares as its alias (`pulumi.Alias(type_=...)`), if one."""
    module = sdk_module(token)
    if module is None:
        return None
    source = Path(importlib.import_module(module).__file__).read_text(encoding="utf-8")
    found = sorted(set(re.findall(r'pulumi\.Alias\(type_="([^"]+)"\)', source)) - {token})
    return found[0] if len(found) == 1 else None


@cache
def load_type_mapping(path: Path = DATA) -> TypeMapping:
    data = json.loads(path.read_text(encoding="utf-8"))
    explicit: dict[str, str] = {}
    rule_prefixes: dict[str, str] = {}
    for module, entries in data["resources"].items():
        for name, tf_type in entries.items():
            explicit[f"aws:{module}/{name}:{name[0].upper()}{name[1:]}"] = tf_type
        prefix = _module_rule(entries)
        if prefix:
            rule_prefixes[module] = prefix
    for token, override in data["v7_overrides"].items():
        explicit[token] = override["terraform"]
    return TypeMapping(explicit, rule_prefixes)


@cache
def renamed_properties(path: Path = DATA) -> dict[str, dict[str, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))["renamed_properties"]
    return {token: names for token, names in data.items() if not token.startswith("_")}


# --- property names and values, from the SDK's input types ---------------------------------------

_ARGS = re.compile(r"ForwardRef\('(\w+)Args'\)")
_LIST_OF_ARGS = re.compile(r"^typing\.Union\[typing\.Sequence\[typing\.Union\[ForwardRef\('(\w+)Args'\)")


@dataclass(frozen=True)
class Field:
    terraform: str
    nested: str | None  # the nested input type's name (without "Args"), if the field is a block
    is_list: bool
    is_string: bool


@cache
def _fields(module: str, type_name: str) -> dict[str, Field]:
    """Pulumi property name -> what Terraform calls it, for one SDK input type (`<type_name>Args`).

    `module` is the resource's own module for its arguments and `<package>._inputs` for nested
    types: a package namespace can shadow one with the other (v7 `s3.Bucket` has a nested
    `BucketServerSideEncryptionConfigurationArgs` as well as the resource of that name).
    """
    from pulumi import _types

    namespace = importlib.import_module(module)
    # codegen names a resource's arguments `<Class>InitArgs` where a nested type took `<Class>Args`
    args = getattr(namespace, type_name + "InitArgs", None) if not module.endswith("._inputs") else None
    args = args or getattr(namespace, type_name + "Args", None)
    if args is None:
        return {}
    names = _types.input_type_py_to_pulumi_names(args)
    fields = {}
    for py_name, annotation in args.__init__.__annotations__.items():
        if py_name == "return":
            continue
        text = str(annotation)
        pulumi_name = names.get(py_name, py_name)
        listed = _LIST_OF_ARGS.match(text)
        nested = listed or _ARGS.search(text)
        nested_name = nested.group(1) if nested else None
        terraform = snake(pulumi_name)
        if listed and nested_name.startswith(type_name) and len(nested_name) > len(type_name):
            # The bridge pluralises a list block's name for Pulumi and names its type from the
            # singular: `rules` of `BucketLifecycleConfigurationRule` is Terraform's `rule`.
            terraform = snake(nested_name[len(type_name) :])
        # A string field (`policy` may also take a PolicyDocument object): Terraform holds text.
        is_string = (
            "Mapping" not in text and "Sequence" not in text and re.search(r"(?<![\w'])str(?![\w'])", text)
        )
        fields[pulumi_name] = Field(terraform, nested_name, bool(listed), bool(is_string))
    return fields


def _normalise(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _is_secret(value: Any) -> bool:
    return isinstance(value, Mapping) and SECRET_SIG in value


def convert_properties(token: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Pulumi inputs of a resource -> Terraform `values` (names, blocks as lists, JSON strings).

    Secret values are left out: their value is unknown offline, as an unknown is in a plan.
    """
    package, type_name = _resource_module(token)
    return _convert_object(inputs, package, type_name, renamed_properties().get(token, {}), top=True)


def _resource_module(token: str) -> tuple[str, str]:
    """(python package, class name) of a resource token in the installed SDK."""
    return sdk_resource_classes()[token]


def _fields_of(package: str, type_name: str, top: bool) -> dict[str, Field]:
    if top:
        return _fields(getattr(importlib.import_module(package), type_name).__module__, type_name)
    return _fields(f"{package}._inputs", type_name)


def _convert_object(
    obj: Mapping[str, Any], fqn: str, type_name: str, renames: Mapping[str, str], top: bool = False
) -> dict[str, Any]:
    fields = _fields_of(fqn, type_name, top)
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if _is_secret(value):
            continue
        spec = fields.get(key)
        name = renames.get(key) or (spec.terraform if spec else snake(key))
        out[name] = _convert_value(value, spec, fqn)
    return out


def _convert_value(value: Any, spec: Field | None, fqn: str) -> Any:
    if spec and spec.is_string and isinstance(value, (Mapping, list)):
        return json.dumps(value)  # a policy given as an object: Terraform holds the JSON text
    if spec and spec.nested and isinstance(value, (Mapping, list)):
        items = value if isinstance(value, list) else [value]
        return [
            _convert_object(item, fqn, spec.nested, {}) if isinstance(item, Mapping) else _normalise(item)
            for item in items
            if not _is_secret(item)
        ]
    if isinstance(value, Mapping):
        return {k: _convert_value(v, None, fqn) for k, v in value.items() if not _is_secret(v)}
    if isinstance(value, list):
        return [_convert_value(v, None, fqn) for v in value if not _is_secret(v)]
    return _normalise(value)


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class PlanResource:
    address: str
    type: str
    name: str
    urn: str
    stack: str
    values: dict[str, Any]


@dataclass
class ConvertedPlan:
    """A Terraform plan document plus what was converted, skipped and could not be mapped."""

    resources: list[PlanResource]
    manifests: list[Manifest] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def by_address(self) -> dict[str, PlanResource]:
        return {r.address: r for r in self.resources}

    def document(self) -> dict[str, Any]:
        return {
            "format_version": "1.2",
            "terraform_version": TERRAFORM_VERSION,
            "planned_values": {
                "root_module": {
                    "resources": [
                        {
                            "address": r.address,
                            "mode": "managed",
                            "type": r.type,
                            "name": r.name,
                            "provider_name": AWS_PROVIDER,
                            "schema_version": 0,
                            "values": r.values,
                        }
                        for r in self.resources
                    ]
                }
            },
        }


def _resources(stack_document: Any) -> list[dict[str, Any]]:
    """A stack's resources from a `pulumi stack export` document or a plain resource list."""
    if isinstance(stack_document, list):
        return stack_document
    if isinstance(stack_document, Mapping) and isinstance(stack_document.get("deployment"), Mapping):
        return list(stack_document["deployment"].get("resources") or [])
    raise PlanConversionError(["a stack is neither a `pulumi stack export` document nor a resource list"])


def _logical_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _terraform_name(logical: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_-]", "_", logical)
    return name if re.match(r"[A-Za-z_]", name) else f"r_{name}"


def convert(stacks: Mapping[str, Any], mapping: TypeMapping | None = None) -> ConvertedPlan:
    """Every AWS resource of every stack -> one Terraform plan; Kubernetes resources -> manifests."""
    mapping = mapping or load_type_mapping()
    aws: list[tuple[str, dict[str, Any], str]] = []
    plan = ConvertedPlan(resources=[])
    by_urn: dict[str, dict[str, Any]] = {}
    for stack, document in stacks.items():
        for resource in _resources(document):
            by_urn[resource["urn"]] = resource
            token = resource.get("type", "")
            if not resource.get("custom") or token.startswith("pulumi:"):
                continue
            if token.startswith("aws:"):
                tf_type = mapping.terraform_type(token)
                if tf_type is None or token not in sdk_resource_classes():
                    plan.unmapped[token] += 1
                else:
                    aws.append((stack, resource, tf_type))
            elif token.startswith("kubernetes:"):
                manifest = kubernetes_manifest(resource)
                if manifest is None:
                    plan.skipped[token] += 1
                else:
                    plan.manifests.append(manifest)
            else:
                plan.skipped[token] += 1

    names = _unique_names(aws)
    for (stack, resource, tf_type), name in zip(aws, names, strict=True):
        values = convert_properties(resource["type"], resource.get("inputs") or {})
        plan.resources.append(
            PlanResource(f"{tf_type}.{name}", tf_type, name, resource["urn"], stack, values)
        )
    _add_references(plan, by_urn)
    return plan


def _unique_names(aws: list[tuple[str, dict[str, Any], str]]) -> list[str]:
    """Terraform names from Pulumi logical names; a short URN hash where a type has two alike."""
    wanted = [(tf_type, _terraform_name(_logical_name(r["urn"]))) for _, r, tf_type in aws]
    counts = Counter(wanted)
    return [
        name
        if counts[(tf_type, name)] == 1
        else f"{name}_{hashlib.sha256(r['urn'].encode()).hexdigest()[:8]}"
        for (tf_type, name), (_, r, _) in zip(wanted, aws, strict=True)
    ]


# --- references ----------------------------------------------------------------------------------

_REFERENCE_PREFERENCE = ("id", "arn")
_IDENTIFYING = {"arn", "name", "bucket", "url"}
"""Outputs that identify a resource (besides `id` and `*Id`/`*Arn`); a policy text does not."""


def _referenceable(resource: Mapping[str, Any]) -> dict[str, str]:
    """Value -> the attribute it is, for the values other resources may hold of this one."""
    values: dict[str, str] = {}
    outputs = resource.get("outputs") or {}
    for key in sorted(outputs):
        value = outputs[key]
        identifying = key in _IDENTIFYING or key.endswith(("Id", "Arn"))
        if identifying and isinstance(value, str) and len(value) > 2 and value[0] not in "{[":
            values.setdefault(value, snake(key))
    for key in reversed(_REFERENCE_PREFERENCE):
        if key == "id" and resource.get("id"):
            values[resource["id"]] = "id"
        elif isinstance(outputs.get(key), str):
            values[outputs[key]] = snake(key)
    return values


def _add_references(plan: ConvertedPlan, by_urn: Mapping[str, Mapping[str, Any]]) -> None:
    """Replace values that are another resource's id, ARN or name by `<type>.<name>.<attr>`.

    Within a stack only where the engine recorded the dependency; across stacks (the value came
    through a StackReference) only where exactly one converted resource has that value. A bucket
    is referenced only from a `bucket` attribute: checkov's connections are undirected, so the
    logging target, a replication destination or an inventory destination referenced as a
    bucket would make *that* bucket pass the logging or replication check it does not meet.
    """
    address_of = {r.urn: r for r in plan.resources}
    values_of = {urn: _referenceable(by_urn[urn]) for urn in address_of}
    global_index: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for urn, values in values_of.items():
        for value, attr in values.items():
            global_index[value].append((urn, attr))

    for resource in plan.resources:
        source = by_urn[resource.urn]
        inputs = source.get("inputs") or {}
        dependencies = source.get("propertyDependencies") or {}
        for pulumi_key in inputs:
            deps = dependencies.get(pulumi_key, [])
            targets = [u for u in deps if u in address_of and u != resource.urn]
            cross_stack = any(by_urn.get(u, {}).get("type") == "pulumi:pulumi:StackReference" for u in deps)
            if not targets and not cross_stack:
                continue
            tf_key = _tf_key(source, pulumi_key)
            if tf_key is None or tf_key not in resource.values:
                continue

            def lookup(
                value: str, top: bool, targets=targets, cross_stack=cross_stack, own=resource.urn
            ) -> str | None:
                found = [(u, values_of[u][value]) for u in targets if value in values_of[u]]
                if not found and cross_stack:
                    candidates = [c for c in global_index.get(value, []) if c[0] != own]
                    found = candidates if len(candidates) == 1 else []
                found = [(u, a) for u, a in found if top or address_of[u].type != BUCKET]
                if len({u for u, _ in found}) != 1:
                    return None
                urn, attr = found[0]
                return f"{address_of[urn].address}.{attr}"

            resource.values[tf_key] = _replace(resource.values[tf_key], lookup, top=(tf_key == "bucket"))


def _tf_key(source: Mapping[str, Any], pulumi_key: str) -> str | None:
    package, type_name = _resource_module(source["type"])
    spec = _fields_of(package, type_name, top=True).get(pulumi_key)
    return renamed_properties().get(source["type"], {}).get(pulumi_key) or (
        spec.terraform if spec else snake(pulumi_key)
    )


def _replace(value: Any, lookup, top: bool) -> Any:
    if isinstance(value, str):
        return lookup(value, top) or value
    if isinstance(value, list):
        return [_replace(v, lookup, top) for v in value]
    if isinstance(value, dict):
        return {k: _replace(v, lookup, False) for k, v in value.items()}
    return value


# --- Kubernetes ----------------------------------------------------------------------------------

_K8S_TOKEN = re.compile(r"^kubernetes:(?P<group>[\w.-]+)/(?P<version>v\w+):(?P<kind>\w+)$")
_NOT_MANIFESTS = {"helm.sh"}  # a Helm release is a chart install, not an object checkov can read


@dataclass(frozen=True)
class Manifest:
    id: str
    """checkov's resource id: `Kind.namespace.name`."""
    urn: str
    body: dict[str, Any]


def kubernetes_manifest(resource: Mapping[str, Any]) -> Manifest | None:
    """A Kubernetes resource's inputs as the manifest the API server would receive."""
    match = _K8S_TOKEN.match(resource.get("type", ""))
    if match is None or match["group"] in _NOT_MANIFESTS or match["kind"].endswith("List"):
        return None
    group, version, kind = match["group"], match["version"], match["kind"]
    body = _convert_value(dict(resource.get("inputs") or {}), None, "")
    body["apiVersion"] = version if group == "core" else f"{group}/{version}"
    body["kind"] = kind
    metadata = body.setdefault("metadata", {})
    outputs_metadata = (resource.get("outputs") or {}).get("metadata") or {}
    metadata.setdefault("name", outputs_metadata.get("name") or _logical_name(resource["urn"]))
    namespace = metadata.get("namespace") or "default"
    return Manifest(f"{kind}.{namespace}.{metadata['name']}", resource["urn"], body)


def write_manifests(manifests: Iterable[Manifest], directory: Path) -> list[Path]:
    """One YAML file per manifest (checkov's kubernetes framework reads a directory of them)."""
    import yaml

    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, manifest in enumerate(manifests):
        path = directory / f"{i:04d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', manifest.id)}.yaml"
        path.write_text(yaml.safe_dump(manifest.body, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths
