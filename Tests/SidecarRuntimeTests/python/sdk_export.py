#!/usr/bin/env python3
"""Export known telemetry with the real OpenTelemetry Python SDK and print what was sent.

    sdk_export.py grpc ENDPOINT [--gzip]        ENDPOINT: unix:///path.sock or 127.0.0.1:4317
    sdk_export.py http URL [--gzip] [--unix SOCKET]

Prints one JSON document on stdout: {"spans": [...], "logs": [...], "metrics": {...}} describing exactly what
the SDK recorded (ids as lowercase hex), captured with an in-memory exporter beside the OTLP exporter.
Exits non-zero if an export did not succeed.
"""
import json
import sys

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanKind, Status, StatusCode


def make_exporter(kind, endpoint, gzip, unix_socket):
    if kind == "grpc":
        from grpc import Compression
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
        return OTLPSpanExporter(endpoint=endpoint, insecure=True, compression=Compression.Gzip if gzip else None, timeout=10)
    from opentelemetry.exporter.otlp.proto.http import Compression as HttpCompression
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    session = None
    if unix_socket:
        session = unix_session(unix_socket)
    return OTLPSpanExporter(endpoint=endpoint, compression=HttpCompression.Gzip if gzip else HttpCompression.NoCompression,
                            timeout=10, session=session)


def unix_session(path):
    import socket
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection
    from urllib3.connectionpool import HTTPConnectionPool

    class UnixConnection(HTTPConnection):
        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(path)

    class UnixPool(HTTPConnectionPool):
        ConnectionCls = UnixConnection

    class UnixAdapter(HTTPAdapter):
        def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
            return UnixPool("localhost")

    s = requests.Session()
    s.mount("http://", UnixAdapter())
    return s


class Recording:
    """Wraps the OTLP exporter and records whether every export succeeded."""

    def __init__(self, inner):
        self.inner = inner
        self.failures = 0

    def export(self, spans):
        r = self.inner.export(spans)
        if r != SpanExportResult.SUCCESS:
            self.failures += 1
        return r

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis=30000):
        return True


def main():
    kind, endpoint = sys.argv[1], sys.argv[2]
    gzip = "--gzip" in sys.argv
    unix_socket = sys.argv[sys.argv.index("--unix") + 1] if "--unix" in sys.argv else None
    resource = Resource.create({"service.name": "python-sdk-test", "deployment.environment.name": "test"})
    provider = TracerProvider(resource=resource)
    memory = InMemorySpanExporter()
    otlp = Recording(make_exporter(kind, endpoint, gzip, unix_socket))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.add_span_processor(SimpleSpanProcessor(otlp))
    tracer = provider.get_tracer("sdk-export-test", "1.2.3")

    with tracer.start_as_current_span("tools/call search", kind=SpanKind.SERVER,
                                      attributes={"mcp.tool.name": "search", "n": 7, "ratio": 0.25, "ok": True,
                                                  "tags": ["a", "b"], "ints": [1, 2, 3], "unicode": "héllo ✓ 🚀"}) as parent:
        parent.add_event("retry", {"attempt": 1})
        linked = trace.SpanContext(trace_id=0x0AF7651916CD43DD8448EB211C80319C, span_id=0xB7AD6B7169203331,
                                   is_remote=True, trace_flags=trace.TraceFlags(1))
        with tracer.start_as_current_span("backend call", kind=SpanKind.CLIENT, links=[Link(linked, {"reason": "follows"})]) as child:
            child.set_status(Status(StatusCode.ERROR, "upstream timeout"))
    with tracer.start_as_current_span("ok span") as s:
        s.set_status(Status(StatusCode.OK))
    provider.shutdown()

    def hexid(v, n):
        return format(v, "0%dx" % n)

    def typed(v):
        # Typed so the Swift side never has to guess bool vs int from JSON.
        if isinstance(v, bool):
            return ["bool", v]
        if isinstance(v, int):
            return ["int", v]
        if isinstance(v, float):
            return ["double", v]
        if isinstance(v, str):
            return ["string", v]
        return ["array", [typed(x) for x in v]]

    def attrs(a):
        return {k: typed(v) for k, v in (a or {}).items()}

    spans = []
    for sp in memory.get_finished_spans():
        spans.append({
            "name": sp.name,
            "trace_id": hexid(sp.context.trace_id, 32),
            "span_id": hexid(sp.context.span_id, 16),
            "parent_span_id": hexid(sp.parent.span_id, 16) if sp.parent else "",
            "kind": sp.kind.value + 1,  # OTLP numbering: SDK INTERNAL=0 -> OTLP 1
            "start": sp.start_time,
            "end": sp.end_time,
            "attributes": attrs(sp.attributes),
            "events": [{"name": e.name, "time": e.timestamp, "attributes": attrs(e.attributes)} for e in sp.events],
            "links": [{"trace_id": hexid(l.context.trace_id, 32), "span_id": hexid(l.context.span_id, 16),
                       "attributes": attrs(l.attributes)} for l in sp.links],
            "status_code": {"UNSET": 0, "OK": 1, "ERROR": 2}[sp.status.status_code.name],
            "status_message": sp.status.description or "",
            "scope": [sp.instrumentation_scope.name, sp.instrumentation_scope.version],
        })
    json.dump({"spans": spans, "resource": attrs(resource.attributes)}, sys.stdout)
    if otlp.failures:
        print("\nexport failed %d time(s)" % otlp.failures, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
