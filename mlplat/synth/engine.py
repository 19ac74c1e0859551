"""Run a Pulumi program in-process under Pulumi's mock runtime and record every registration.

The program is the real one (`stacks.main.main`, the same function `pulumi up` runs); only
the engine is replaced. Pulumi's `MockMonitor` is extended to record what a deployment's
state records (parent, provider, dependencies, protect, component and stack outputs) and to
answer `StackReference` reads with the outputs earlier stacks exported.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime import config as pulumi_config
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime import stack as pulumi_stack
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from mlplat.synth.fakecloud import FakeCloud

ORGANIZATION = "organization"
"""The organization name a self-managed (DIY) backend reports; StackReferences use it."""

SECRET_SIG = rpc._special_sig_key
SECRET_VALUE = rpc._special_secret_sig
MASKED = "[secret]"


class UnsupportedInvoke(Exception):
    """The program called a provider function the offline runner does not answer."""


class DuplicateUrn(Exception):
    """Two resources of one stack have the same URN; the Pulumi engine refuses this too."""


@dataclass
class Registration:
    urn: str
    type: str
    custom: bool
    id: str = ""
    parent: str = ""
    provider: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    ignore_changes: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    """URNs this resource had before (`ResourceOptions.aliases`): a rename, not a replacement."""


@dataclass
class StackRun:
    stack: str
    registrations: list[Registration]
    exports: dict[str, Any]
    """Stack outputs as the program produced them (secrets still wrapped)."""
    warnings: list[str]


class _NoInvokes(mocks.Mocks):
    def call(self, args: mocks.MockCallArgs) -> tuple[dict, list | None]:
        raise UnsupportedInvoke(
            f"the program called {args.token}; the offline plan answers no provider functions, "
            "so compute the value in the program or pass it through the spec"
        )

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict]:
        raise AssertionError("registrations are answered by RecordingMonitor")


class RecordingMonitor(mocks.MockMonitor):
    def __init__(
        self, references: Mapping[str, Mapping[str, Any]], on_register: Callable[[Registration], None]
    ):
        super().__init__(_NoInvokes())
        self.cloud = FakeCloud()
        self.references = references
        self.on_register = on_register
        self.registrations: dict[str, Registration] = {}

    def _claim(self, urn: str) -> None:
        if urn in self.registrations:
            raise DuplicateUrn(f"duplicate resource URN {urn}: give the resource a unique name")

    def _alias_urns(self, request) -> list[str]:
        """The URNs of the resource's aliases, as the engine resolves them: a spec alias keeps
        whatever it does not name (name, type, parent, stack, project) from the resource."""
        urns = list(request.aliasURNs)
        for alias in request.aliases:
            if alias.WhichOneof("alias") == "urn":
                urns.append(alias.urn)
                continue
            spec = alias.spec
            parent = "" if spec.noParent else (spec.parentUrn or request.parent)
            stack, project, type_and_name = self.make_urn(
                parent, spec.type or request.type, spec.name or request.name
            ).split("::", 2)
            stack = f"urn:pulumi:{spec.stack}" if spec.stack else stack
            urns.append(f"{stack}::{spec.project or project}::{type_and_name}")
        return sorted(set(urns) - {self.make_urn(request.parent, request.type, request.name)})

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        self._claim(urn)
        registration = Registration(
            urn=urn,
            type=request.type,
            custom=bool(request.custom),
            parent=request.parent,
            provider=request.provider,
            dependencies=sorted(set(request.dependencies)),
            property_dependencies={
                key: sorted(set(deps.urns))
                for key, deps in sorted(request.propertyDependencies.items())
                if deps.urns
            },
            protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            ignore_changes=list(request.ignoreChanges),
            aliases=self._alias_urns(request),
        )
        self.registrations[urn] = registration
        self.on_register(registration)
        if not request.custom:
            return resource_pb2.RegisterResourceResponse(urn=urn)

        _ensure_event_loop()
        inputs = rpc.deserialize_properties(request.object)
        if request.type.startswith("pulumi:providers:") and request.version:
            inputs["version"] = request.version  # the engine records the plugin version here
        created = self.cloud.create(urn, request.type, request.name, inputs, request.provider)
        registration.id = created.id
        registration.inputs = created.inputs
        registration.outputs = created.outputs
        state = _sync_await(rpc.serialize_properties(created.outputs, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=created.id, object=state)

    def ReadResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type != "pulumi:pulumi:StackReference":
            raise UnsupportedInvoke(
                f"the program reads {request.type} {request.id!r}; the offline plan cannot read live state"
            )
        _ensure_event_loop()
        self._claim(urn)
        name = rpc.deserialize_properties(request.properties)["name"]
        if name not in self.references:
            known = ", ".join(sorted(self.references)) or "none"
            raise UnsupportedInvoke(
                f"StackReference {name!r} names no stack synthesized earlier (known: {known})"
            )
        state = {"name": name, "outputs": dict(self.references[name]), "secretOutputNames": []}
        registration = Registration(
            urn=urn,
            type=request.type,
            custom=True,
            id=name,
            parent=request.parent,
            provider=request.provider,
            inputs={"name": name},
            outputs=state,
        )
        self.registrations[urn] = registration
        self.on_register(registration)
        return resource_pb2.ReadResourceResponse(
            urn=urn, properties=_sync_await(rpc.serialize_properties(state, {}))
        )

    def RegisterResourceOutputs(self, request):
        _ensure_event_loop()
        self.registrations[request.urn].outputs = rpc.deserialize_properties(request.outputs)
        return super().RegisterResourceOutputs(request)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def synthesize(
    *,
    project: str,
    stack: str,
    config: Mapping[str, str],
    program: Callable[[], None],
    references: Mapping[str, Mapping[str, Any]],
    on_register: Callable[[Registration], None] = lambda _: None,
) -> StackRun:
    """Run `program` as stack `stack` of `project` under mocks; return what it registered.

    Each run gets a fresh context, so the Pulumi runtime's context-local settings (root stack
    resource, config, outstanding RPCs) never leak from one stack into the next.
    """
    monitor = RecordingMonitor(references, on_register)
    logger = logging.getLogger(f"mlplat.synth.{stack}")
    logger.propagate = False
    collector = _WarningCollector()
    logger.handlers = [collector]

    # As Pulumi's language-host shim does: a failed run abandons futures by design, and
    # asyncio would print each of them again when it is garbage-collected.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    def run() -> None:
        settings.configure(
            mocks.MockSettings(
                monitor=monitor,
                monitor_features=set(monitor.GetDeploymentInfo(None).supportedFeatures),
                engine=mocks.MockEngine(logger),
                project=project,
                stack=stack,
                dry_run=False,
                organization=ORGANIZATION,
                callbacks=None,
            )
        )
        pulumi_config.set_all_config(dict(config), [])
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(pulumi_stack.run_in_stack(program))
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            asyncio.set_event_loop(None)
            loop.close()

    contextvars.Context().run(run)
    root = next(r for r in monitor.registrations.values() if r.type == "pulumi:pulumi:Stack")
    return StackRun(stack, list(monitor.registrations.values()), dict(root.outputs), collector.messages)
