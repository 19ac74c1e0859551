"""Run a CrossGuard policy pack the way `pulumi preview --policy-pack` runs it, without the Pulumi CLI.

The Pulumi engine starts a Python pack through its `pulumi-analyzer-policy-python` shim: in the
pack directory, `<virtualenv>/bin/python -u -m pulumi.policy <engine address> .`, with the
virtualenv's `bin` first on PATH and PYTHONHOME unset. The pack prints the port of its gRPC
server as the first line of stdout; the engine then speaks the Analyzer protocol to it
(Handshake, ConfigureStack, GetAnalyzerInfo, Configure, then Analyze per resource with its
inputs and AnalyzeStack once with every resource's outputs) and stops the process when done.
This module does the same with the stubs shipped in the `pulumi` package, and gives the pack a
real engine endpoint that collects whatever it logs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterable, Mapping
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc, engine_pb2_grpc

from platform_spec.errors import PlatformError

SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How the engine sends a value it cannot know; an exported secret's plaintext is one of those."""

MAX_MESSAGE = 400 * 1024 * 1024  # as the engine and the pack configure gRPC
START_TIMEOUT_S = 30.0
LEVELS = {
    "advisory": analyzer_pb2.ADVISORY,
    "mandatory": analyzer_pb2.MANDATORY,
    "remediate": analyzer_pb2.REMEDIATE,
    "disabled": analyzer_pb2.DISABLED,
}
LEVEL_NAMES = {value: name for name, value in LEVELS.items()}
SEVERITY_NAMES = {
    analyzer_pb2.POLICY_SEVERITY_UNSPECIFIED: "unspecified",
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}


class AnalyzerError(PlatformError):
    """The pack could not be started or broke the protocol; the lines say what happened."""

    exit_code = 1


@dataclass(frozen=True)
class PackLaunch:
    argv: list[str]
    cwd: Path
    env: dict[str, str]


def pack_launch(pack_dir: Path, engine_address: str) -> PackLaunch:
    """The command Pulumi's analyzer shim runs for a Python pack, read from its PulumiPolicy.yaml."""
    project_file = pack_dir / "PulumiPolicy.yaml"
    try:
        project = yaml.safe_load(project_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise AnalyzerError([f"{project_file}: cannot read the policy pack project: {error}"]) from None
    runtime = project.get("runtime")
    name = runtime.get("name") if isinstance(runtime, Mapping) else runtime
    options = (runtime.get("options") if isinstance(runtime, Mapping) else None) or {}
    if name != "python":
        raise AnalyzerError([f"{project_file}: runtime: {name!r}: only Python packs run offline"])
    env = dict(os.environ)
    python = "python3"
    if options.get("virtualenv"):
        virtualenv = (pack_dir / str(options["virtualenv"])).resolve()
        if not (virtualenv / "bin" / "python").is_file():
            raise AnalyzerError(
                [
                    f"{project_file}: runtime.options.virtualenv: {str(virtualenv)!r}: not a virtualenv (run `make install`)"
                ]
            )
        python = str(virtualenv / "bin" / "python")
        env["PATH"] = f"{virtualenv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        env.pop("PYTHONHOME", None)
    return PackLaunch([python, "-u", "-m", "pulumi.policy", engine_address, "."], pack_dir, env)


class _Engine(engine_pb2_grpc.EngineServicer):
    """The engine endpoint a pack is given; it keeps what the pack logs."""

    def __init__(self) -> None:
        self.logs: list[str] = []

    def Log(self, request, context):
        self.logs.append(request.message)
        return empty_pb2.Empty()


@dataclass(frozen=True)
class Diagnostic:
    policy: str
    message: str
    description: str
    level: str
    severity: str
    urn: str


@dataclass
class Analysis:
    """What one Analyze or AnalyzeStack call returned."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    not_applicable: dict[str, str] = field(default_factory=dict)


class PolicyPackProcess:
    """One running policy pack and a client of its Analyzer service. Use as a context manager."""

    def __init__(self, pack_dir: Path):
        self.pack_dir = pack_dir.resolve()
        self._engine = _Engine()
        self._engine_server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
        engine_pb2_grpc.add_EngineServicer_to_server(self._engine, self._engine_server)
        engine_port = self._engine_server.add_insecure_port("127.0.0.1:0")
        self._engine_server.start()
        self.engine_address = f"127.0.0.1:{engine_port}"
        launch = pack_launch(self.pack_dir, self.engine_address)
        self._stderr: list[str] = []
        try:
            self.process = subprocess.Popen(
                launch.argv,
                cwd=launch.cwd,
                env=launch.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
        except OSError as error:
            self._engine_server.stop(None)
            raise AnalyzerError([f"{self.pack_dir}: cannot start the policy pack: {error}"]) from None
        threading.Thread(target=self._collect, args=(self.process.stderr, self._stderr), daemon=True).start()
        try:
            self.port = self._read_port()
            self.channel = grpc.insecure_channel(
                f"127.0.0.1:{self.port}",
                options=[
                    ("grpc.max_receive_message_length", MAX_MESSAGE),
                    ("grpc.max_send_message_length", MAX_MESSAGE),
                ],
            )
            grpc.channel_ready_future(self.channel).result(timeout=START_TIMEOUT_S)
        except BaseException:
            self.close()
            raise
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self._handshake()

    @staticmethod
    def _collect(stream, sink: list[str]) -> None:
        for line in stream:
            sink.append(line.rstrip("\n"))

    def _read_port(self) -> int:
        """The first line the pack prints is its port (what the engine's plugin loader reads)."""
        first: list[str] = []
        reader = threading.Thread(target=lambda: first.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_TIMEOUT_S)
        line = first[0].strip() if first else ""
        if not line.isdigit():
            self.process.poll()
            self._wait_stderr()
            detail = self._stderr[-12:] or [f"no port within {START_TIMEOUT_S:g} s"]
            raise AnalyzerError(
                [f"{self.pack_dir}: the policy pack did not start: {line or 'no output'}", *detail]
            )
        threading.Thread(target=self._collect, args=(self.process.stdout, []), daemon=True).start()
        return int(line)

    def _wait_stderr(self) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=2)

    def _handshake(self) -> None:
        """Pulumi's first call; Python packs do not implement it, and the engine carries on then too."""
        request = analyzer_pb2.AnalyzerHandshakeRequest(
            engine_address=self.engine_address,
            root_directory=str(self.pack_dir),
            program_directory=str(self.pack_dir),
        )
        try:
            self.stub.Handshake(request)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._failure("Handshake", error) from None

    def _failure(self, call: str, error: grpc.RpcError) -> AnalyzerError:
        details = (error.details() or str(error.code())).strip().splitlines()
        return AnalyzerError(
            [
                f"policy pack {self.pack_dir.name}: {call} failed: {details[0] if details else ''}",
                *details[1:],
            ]
        )

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        try:
            return self.stub.GetAnalyzerInfo(empty_pb2.Empty())
        except grpc.RpcError as error:
            raise self._failure("GetAnalyzerInfo", error) from None

    def configure(self, config: Mapping[str, tuple[str, Mapping[str, Any]]]) -> None:
        """Policy name -> (enforcement level, properties), as the engine sends the reconciled config."""
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, (level, properties) in config.items():
            entry = analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[level])
            entry.properties.update(dict(properties))
            request.policyConfig[name].CopyFrom(entry)
        try:
            self.stub.Configure(request)
        except grpc.RpcError as error:
            raise self._failure("Configure", error) from None

    def configure_stack(self, *, stack: str, project: str, organization: str) -> None:
        request = analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=stack, project=project, organization=organization, dry_run=False
        )
        try:
            self.stub.ConfigureStack(request)
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.UNIMPLEMENTED:
                raise self._failure("ConfigureStack", error) from None

    def analyze(self, resource: Mapping[str, Any], provider: Mapping[str, Any] | None) -> Analysis:
        """Analyze one resource of a deployment: its inputs, options and provider."""
        request = analyzer_pb2.AnalyzeRequest(
            type=resource["type"],
            urn=resource["urn"],
            name=urn_name(resource["urn"]),
            properties=struct(resource.get("inputs") or {}),
            options=_options(resource),
        )
        if provider is not None:
            request.provider.CopyFrom(_provider(provider))
        try:
            response = self.stub.Analyze(request)
        except grpc.RpcError as error:
            raise self._failure(f"Analyze({resource['urn']})", error) from None
        return _analysis(response, default_urn=resource["urn"])

    def analyze_stack(
        self, resources: Iterable[Mapping[str, Any]], providers: Mapping[str, Mapping[str, Any]]
    ) -> Analysis:
        """Analyze a whole stack: every resource's outputs, parents and dependencies."""
        request = analyzer_pb2.AnalyzeStackRequest()
        for resource in resources:
            entry = analyzer_pb2.AnalyzerResource(
                type=resource["type"],
                urn=resource["urn"],
                name=urn_name(resource["urn"]),
                properties=struct(resource.get("outputs") or {}),
                options=_options(resource),
                parent=resource.get("parent", ""),
                dependencies=list(resource.get("dependencies") or []),
            )
            provider = providers.get(provider_urn(resource))
            if provider is not None:
                entry.provider.CopyFrom(_provider(provider))
            for key, urns in (resource.get("propertyDependencies") or {}).items():
                if urns:
                    entry.propertyDependencies[key].urns.extend(urns)
            request.resources.append(entry)
        try:
            response = self.stub.AnalyzeStack(request)
        except grpc.RpcError as error:
            raise self._failure("AnalyzeStack", error) from None
        return _analysis(response, default_urn="")

    @property
    def stderr(self) -> list[str]:
        return list(self._stderr)

    @property
    def engine_logs(self) -> list[str]:
        return list(self._engine.logs)

    def close(self) -> None:
        """Stop the pack as Ctrl-C would (it stops its server on KeyboardInterrupt); kill it if it hangs."""
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.close()
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGINT)
                self.process.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                if self.process.poll() is None:
                    os.killpg(self.process.pid, signal.SIGKILL)
                    self.process.wait()
        self._engine_server.stop(None)

    def __enter__(self) -> PolicyPackProcess:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


# --- conversions -------------------------------------------------------------------------------


def urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def provider_urn(resource: Mapping[str, Any]) -> str:
    """A resource's `provider` field is `<provider urn>::<provider id>`."""
    reference = resource.get("provider") or ""
    return reference.rsplit("::", 1)[0] if reference else ""


def wire_value(value: Any) -> Any:
    """A state value as the engine marshals it: an exported secret (ciphertext only) becomes a secret
    whose value is unknown, so a rule that reads it is reported as not evaluable."""
    if isinstance(value, Mapping):
        if value.get(SECRET_SIG_KEY) == SECRET_SIG and "value" not in value:
            return {SECRET_SIG_KEY: SECRET_SIG, "value": UNKNOWN_STRING}
        return {str(k): wire_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [wire_value(v) for v in value]
    return value


def struct(properties: Mapping[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(wire_value(dict(properties)))
    return message


def _options(resource: Mapping[str, Any]) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=bool(resource.get("protect")),
        ignoreChanges=list(resource.get("ignoreChanges") or []),
        parent=resource.get("parent", ""),
        aliases=[a for a in resource.get("aliases") or [] if isinstance(a, str)],
        additionalSecretOutputs=list(resource.get("additionalSecretOutputs") or []),
    )


def _provider(provider: Mapping[str, Any]) -> analyzer_pb2.AnalyzerProviderResource:
    """The engine sends a provider's inputs, not its outputs."""
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider["type"],
        urn=provider["urn"],
        name=urn_name(provider["urn"]),
        properties=struct(provider.get("inputs") or {}),
    )


def _analysis(response: analyzer_pb2.AnalyzeResponse, *, default_urn: str) -> Analysis:
    analysis = Analysis()
    for d in response.diagnostics:
        analysis.diagnostics.append(
            Diagnostic(
                policy=d.policyName,
                message=d.message,
                description=d.description,
                level=LEVEL_NAMES.get(d.enforcementLevel, "advisory"),
                severity=SEVERITY_NAMES.get(d.severity, "unspecified"),
                urn=d.urn or default_urn,
            )
        )
    for entry in response.not_applicable:
        analysis.not_applicable[entry.policy_name] = entry.reason
    return analysis


def struct_to_dict(message: struct_pb2.Struct) -> dict[str, Any]:
    return json_format.MessageToDict(message)
