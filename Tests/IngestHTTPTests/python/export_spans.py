#!/usr/bin/env python3
"""Exports spans with the OpenTelemetry Python SDK's OTLP/HTTP exporter to the sidecar, then prints the
ExportTraceServiceRequest it sent, walked field by field from the protobuf message (Python's protobuf
runtime, not the sidecar's decoder), so the Swift test can compare every field with what arrived.

usage: export_spans.py (--endpoint http://127.0.0.1:PORT | --unix PATH) [--compression none|gzip|deflate] --tag TAG

Output: one line `SENT <json>` (the request), then `RESULT SUCCESS` or `RESULT FAILURE`.
Ids are hex, 64-bit integers decimal strings, doubles the hex of their IEEE-754 bits (exact).
"""
import argparse
import json
import socket
import struct
import sys

from requests import Session
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection
from urllib3.connectionpool import HTTPConnectionPool

from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags, TraceState


# --- requests over a Unix socket (the HTTP exporter has no unix:// scheme) ---

class UnixConnection(HTTPConnection):
    def __init__(self, *args, socket_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.socket_path = socket_path

    def _new_conn(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if isinstance(self.timeout, (int, float)):
            s.settimeout(self.timeout)
        s.connect(self.socket_path)
        return s


class UnixPool(HTTPConnectionPool):
    ConnectionCls = UnixConnection

    def __init__(self, socket_path, **kwargs):
        super().__init__("localhost", socket_path=socket_path, **kwargs)


class UnixAdapter(HTTPAdapter):
    def __init__(self, socket_path):
        super().__init__()
        self.pool = UnixPool(socket_path, maxsize=1)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        return self.pool

    def get_connection(self, url, proxies=None):
        return self.pool

    def close(self):
        self.pool.close()
        super().close()


# --- the spans ---

def make_spans(tag):
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({
        "service.name": f"http-test-{tag}",
        "deployment.environment": "test",
        "host.cpu.count": 2,
    }))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    shop = provider.get_tracer("otel-sidecar.test.shop", "1.2.3", schema_url="https://opentelemetry.io/schemas/1.21.0")
    queue = provider.get_tracer("otel-sidecar.test.queue")

    remote = SpanContext(
        trace_id=0x0AF7651916CD43DD8448EB211C80319C,
        span_id=0xB7AD6B7169203331,
        is_remote=True,
        trace_flags=TraceFlags(TraceFlags.SAMPLED),
        trace_state=TraceState([("vendor", "abc"), ("rojo", "00f067aa0ba902b7")]),
    )
    with shop.start_as_current_span("GET /checkout", kind=SpanKind.SERVER, attributes={
        "http.request.method": "GET",
        "http.response.status_code": 502,
        "big.int": 2**53 + 1,
        "negative.int": -42,
        "ratio": 0.1,
        "retry": True,
        "tags": ["a", "b", "ü"],
        "codes": [1, 2, 3],
        "flags": [True, False],
        "weights": [1.5, -2.25],
        "tag": tag,
    }) as root:
        root.add_event("cache.miss", {"cache.key.length": 12, "cache.name": "sessions"})
        root.add_event("retry.scheduled", {"attempt": 2})
        with shop.start_as_current_span("db.query", kind=SpanKind.CLIENT,
                                        links=[Link(remote, {"link.reason": "follows-from", "link.count": 7})]) as db:
            db.set_attribute("db.system", "postgresql")
            db.set_status(Status(StatusCode.OK))
        root.set_status(Status(StatusCode.ERROR, "payment declined"))
    with queue.start_as_current_span("Überweisung ✓ 日本", kind=SpanKind.PRODUCER) as p:
        p.set_attribute("messaging.destination.name", "zahlungen/€")
        p.add_event("enqueued")
    provider.shutdown()
    return memory.get_finished_spans()


# --- the request, walked from the protobuf message ---

def any_value(v):
    which = v.WhichOneof("value")
    if which is None:
        return ["empty"]
    if which == "string_value":
        return ["s", v.string_value]
    if which == "bool_value":
        return ["b", v.bool_value]
    if which == "int_value":
        return ["i", str(v.int_value)]
    if which == "double_value":
        return ["d", struct.pack(">d", v.double_value).hex()]
    if which == "bytes_value":
        return ["x", v.bytes_value.hex()]
    if which == "array_value":
        return ["a", [any_value(x) for x in v.array_value.values]]
    if which == "kvlist_value":
        return ["m", attributes(v.kvlist_value.values)]
    raise ValueError(which)


def attributes(kvs):
    return [[kv.key, any_value(kv.value)] for kv in kvs]


def span_json(s):
    return {
        "trace_id": s.trace_id.hex(),
        "span_id": s.span_id.hex(),
        "trace_state": s.trace_state,
        "parent_span_id": s.parent_span_id.hex(),
        "flags": s.flags,
        "name": s.name,
        "kind": s.kind,
        "start": str(s.start_time_unix_nano),
        "end": str(s.end_time_unix_nano),
        "attributes": attributes(s.attributes),
        "dropped_attributes_count": s.dropped_attributes_count,
        "events": [{
            "time": str(e.time_unix_nano), "name": e.name, "attributes": attributes(e.attributes),
            "dropped_attributes_count": e.dropped_attributes_count,
        } for e in s.events],
        "dropped_events_count": s.dropped_events_count,
        "links": [{
            "trace_id": l.trace_id.hex(), "span_id": l.span_id.hex(), "trace_state": l.trace_state,
            "attributes": attributes(l.attributes), "dropped_attributes_count": l.dropped_attributes_count,
            "flags": l.flags,
        } for l in s.links],
        "dropped_links_count": s.dropped_links_count,
        "status": {"code": s.status.code, "message": s.status.message} if s.HasField("status") else None,
    }


def request_json(req):
    out = []
    for rs in req.resource_spans:
        out.append({
            "resource": {
                "attributes": attributes(rs.resource.attributes),
                "dropped_attributes_count": rs.resource.dropped_attributes_count,
            } if rs.HasField("resource") else None,
            "schema_url": rs.schema_url,
            "scope_spans": [{
                "scope": {
                    "name": ss.scope.name, "version": ss.scope.version,
                    "attributes": attributes(ss.scope.attributes),
                    "dropped_attributes_count": ss.scope.dropped_attributes_count,
                } if ss.HasField("scope") else None,
                "schema_url": ss.schema_url,
                "spans": [span_json(s) for s in ss.spans],
            } for ss in rs.scope_spans],
        })
    return {"resource_spans": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--endpoint")
    ap.add_argument("--unix")
    ap.add_argument("--compression", default="none", choices=["none", "gzip", "deflate"])
    ap.add_argument("--tag", required=True)
    args = ap.parse_args()

    compression = {"none": Compression.NoCompression, "gzip": Compression.Gzip, "deflate": Compression.Deflate}[args.compression]
    if args.unix:
        session = Session()
        session.mount("http://sidecar/", UnixAdapter(args.unix))
        exporter = OTLPSpanExporter(endpoint="http://sidecar/v1/traces", compression=compression, session=session, timeout=10)
    else:
        exporter = OTLPSpanExporter(endpoint=args.endpoint.rstrip("/") + "/v1/traces", compression=compression, timeout=10)

    spans = make_spans(args.tag)
    print("SENT " + json.dumps(request_json(encode_spans(spans)), ensure_ascii=True), flush=True)
    result = exporter.export(spans)
    exporter.shutdown()
    print("RESULT " + ("SUCCESS" if result == SpanExportResult.SUCCESS else "FAILURE"), flush=True)
    return 0 if result == SpanExportResult.SUCCESS else 1


if __name__ == "__main__":
    sys.exit(main())
