"""Arize Phoenix as a real backend: spans from the Python OpenTelemetry SDK go into the sidecar over
OTLP/gRPC, out of it to Phoenix (OTLP/HTTP, and OTLP/gRPC), and are read back with Phoenix's REST API.

Phoenix runs offline on loopback (/work/shared/PEERS.md): its HTTP server binds PHOENIX_HOST=127.0.0.1.
Its gRPC server binds every interface whatever PHOENIX_HOST says; the gRPC case accepts that because the
port is a random free one and lives only as long as the session (README.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import REPO, exporter, free_port, sidecar_config, wait_until

REQUIREMENTS = Path(__file__).resolve().parent / "requirements-phoenix.txt"


def phoenix_venv_path() -> Path:
    return Path(os.environ.get("OTEL_SIDECAR_PHOENIX_VENV", REPO / ".venv-phoenix"))


@pytest.fixture(scope="session")
def phoenix_venv() -> Path:
    """Phoenix in its own venv (~855 MB, a few minutes the first time), made only when missing or when
    requirements-phoenix.txt changed (a stamp holds the file's hash)."""
    venv = phoenix_venv_path()
    stamp = venv / ".requirements.sha256"
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    exe = venv / "bin" / "phoenix"
    if not (exe.exists() and stamp.exists() and stamp.read_text() == digest):
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
        (venv / ".gitignore").write_text("*\n")  # keep the venv out of git (Python < 3.13 does not write one)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                        "-r", str(REQUIREMENTS)], check=True, timeout=1800)
        stamp.write_text(digest)
    return venv


class Phoenix:
    def __init__(self, venv: Path, workdir: Path):
        self.http_port = free_port()
        self.grpc_port = free_port()
        self.log = workdir / "phoenix.log"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(workdir),
            "PHOENIX_HOST": "127.0.0.1", "PHOENIX_PORT": str(self.http_port), "PHOENIX_GRPC_PORT": str(self.grpc_port),
            "PHOENIX_WORKING_DIR": str(workdir / "data"), "PHOENIX_TELEMETRY_ENABLED": "false",
            "PHOENIX_ALLOW_EXTERNAL_RESOURCES": "false", "PHOENIX_DISABLE_AGENT_ASSISTANT": "true",
        }
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([str(venv / "bin" / "phoenix"), "serve"], stdout=log, stderr=subprocess.STDOUT,
                                         env=env, cwd=workdir)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def get(self, path: str):
        with urllib.request.urlopen(self.base + path, timeout=10) as r:
            return json.loads(r.read())

    def up(self) -> bool:
        assert self.proc.poll() is None, f"phoenix exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}"
        try:
            self.get("/v1/projects")
            return True
        except OSError:
            return False

    def spans(self, project: str) -> list[dict]:
        """Every span of a project (an unknown project: none), following the cursor."""
        out: list[dict] = []
        cursor = None
        while True:
            q = {"limit": "100"} | ({"cursor": cursor} if cursor else {})
            try:
                page = self.get(f"/v1/projects/{urllib.parse.quote(project)}/spans?{urllib.parse.urlencode(q)}")
            except urllib.error.HTTPError as e:
                if e.code == 404:
                    return []
                raise
            out += page["data"]
            cursor = page.get("next_cursor")
            if not cursor:
                return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


@pytest.fixture(scope="session")
def phoenix(phoenix_venv, tmp_path_factory):
    p = Phoenix(phoenix_venv, tmp_path_factory.mktemp("phoenix"))
    try:
        wait_until(p.up, 120, "Phoenix to answer GET /v1/projects", interval=0.5)
        yield p
    finally:
        p.stop()


def send_with_sdk(target: str, project: str, n_parents: int) -> list[dict]:
    """Spans made by the OpenTelemetry SDK (BatchSpanProcessor + OTLP/gRPC exporter) into the sidecar; returns
    what the SDK recorded, as dicts comparable with Phoenix's REST answer."""
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExportResult
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.trace import Status, StatusCode

    results: list[SpanExportResult] = []

    class Recording(OTLPSpanExporter):
        def export(self, spans):
            r = super().export(spans)
            results.append(r)
            return r

    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource({"service.name": "e2e-phoenix", "openinference.project.name": project}))
    provider.add_span_processor(BatchSpanProcessor(Recording(endpoint=target, insecure=True), schedule_delay_millis=100))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("e2e.phoenix")
    for i in range(n_parents):
        with tracer.start_as_current_span(f"agent step {i}", attributes={
                "e2e.index": i, "e2e.ratio": i / 4, "e2e.flag": i % 2 == 0, "e2e.word": f"word-{i}",
                "e2e.list": ["alpha", "beta"], "openinference.span.kind": "CHAIN"}):
            with tracer.start_as_current_span(f"tool call {i}", attributes={"e2e.index": i, "openinference.span.kind": "TOOL"}) as child:
                if i % 3 == 0:
                    child.set_status(Status(StatusCode.ERROR, f"tool failed {i}"))
    assert provider.force_flush(30_000)
    provider.shutdown()
    assert results and all(r == SpanExportResult.SUCCESS for r in results), f"the sidecar did not take every export: {results}"
    made = []
    for s in memory.get_finished_spans():
        made.append({
            "name": s.name, "trace_id": format(s.context.trace_id, "032x"), "span_id": format(s.context.span_id, "016x"),
            "parent_id": format(s.parent.span_id, "016x") if s.parent else None,
            "status_code": s.status.status_code.name, "status_message": s.status.description or "",
            "attributes": {k: list(v) if isinstance(v, tuple) else v for k, v in s.attributes.items()},
        })
    return made


def comparable(span: dict) -> dict:
    """The fields the SDK and Phoenix both have. Phoenix lifts `openinference.span.kind` into `span_kind`."""
    attrs = {k: v for k, v in span["attributes"].items() if k != "openinference.span.kind"}
    return {"name": span["name"], "trace_id": span["trace_id"], "span_id": span["span_id"], "parent_id": span["parent_id"],
            "status_code": span["status_code"], "status_message": span["status_message"], "attributes": attrs}


def flatten(attrs: dict, prefix: str = "") -> dict:
    """Phoenix answers dotted keys either flat or nested: make them flat."""
    out = {}
    for k, v in attrs.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out |= flatten(v, key + ".")
        else:
            out[key] = v
    return out


@pytest.mark.parametrize("protocol", ["http/protobuf", "grpc"])
def test_phoenix(phoenix, sidecars, protocol):
    project = f"e2e-{protocol.split('/')[0]}-{uuid.uuid4().hex[:10]}"
    endpoint = f"http://127.0.0.1:{phoenix.http_port if protocol == 'http/protobuf' else phoenix.grpc_port}"
    # always_on: the default parent-based sampler drops the SDK's child spans (test_sdk_sampling.py, a known bug).
    sc = sidecars.start(sidecar_config([exporter("phoenix", endpoint, protocol=protocol, timeout="10s")],
                                       processors={"sampling": {"sampler": "always_on"}}))

    made = send_with_sdk(sc.grpc_target, project, n_parents=15)
    assert len(made) == 30

    got = wait_until(lambda: (lambda s: s if len(s) >= len(made) else None)(phoenix.spans(project)), 90,
                     lambda: f"Phoenix to show {len(made)} spans in project {project} (has {len(phoenix.spans(project))})",
                     interval=0.5)
    phoenix_spans = []
    for s in got:
        phoenix_spans.append(comparable({
            "name": s["name"], "trace_id": s["context"]["trace_id"], "span_id": s["context"]["span_id"],
            "parent_id": s.get("parent_id"), "status_code": s["status_code"], "status_message": s.get("status_message") or "",
            "attributes": flatten(s.get("attributes") or {}),
        }))
    key = lambda s: s["span_id"]  # noqa: E731
    assert sorted(phoenix_spans, key=key) == sorted((comparable(s) for s in made), key=key)
    kinds = {s["name"].split()[0]: s["span_kind"] for s in got}
    assert kinds == {"agent": "CHAIN", "tool": "TOOL"}

    a = sc.wait_balanced("phoenix")
    assert a["received"] == a["sent"] == len(made), str(a)
    assert not any(a["dropped"].values()), str(a)
    m = sc.metrics()
    assert m.get("otel_sidecar_exporter_export_attempts_total", exporter="phoenix", outcome="success") >= 1
    assert m.get("otel_sidecar_exporter_export_attempts_total", exporter="phoenix", outcome="retryable") == 0
    assert m.get("otel_sidecar_exporter_export_attempts_total", exporter="phoenix", outcome="permanent") == 0
