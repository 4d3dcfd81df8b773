#!/usr/bin/env python3
"""A stand-in for an MCP proxy/gateway that reports to otel-sidecar both ways a real one would.

1. The event protocol (docs/protocol.md): newline-delimited JSON over the Unix stream socket
   (default /run/otel-sidecar/events.sock) — a `resource` line, then `span`, `metric` and `log`
   lines for every simulated MCP request. Standard library only.
2. The OpenTelemetry Python SDK over OTLP/gRPC on the sidecar's Unix socket
   (default unix:///run/otel-sidecar/otlp-grpc.sock): a server span per request with a client
   child span, and an `mcp.calls` counter.

Both carry the resource attribute `openinference.project.name`, which names the Arize Phoenix
project the spans land in.

    python3 proxy.py                          # forever, 2 requests/s
    python3 proxy.py --count 20 --no-sdk      # 20 requests, event protocol only (stdlib)

Environment: OTEL_SIDECAR_EVENTS_SOCKET, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME,
PHOENIX_PROJECT_NAME. Errors the sidecar answers on the event socket ({"error": ..., "line": N})
are printed to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import socket
import sys
import threading
import time

# Simulated MCP traffic: (JSON-RPC method, tool or resource, typical latency in ms, error rate).
OPERATIONS = [
    ("tools/call", "search", 40, 0.05),
    ("tools/call", "fetch_document", 120, 0.10),
    ("tools/call", "run_query", 250, 0.15),
    ("tools/list", None, 5, 0.0),
    ("resources/read", "file:///docs/readme.md", 15, 0.02),
    ("prompts/get", "summarize", 8, 0.0),
]

# Values the sidecar's PII redaction masks before anything leaves it (see docs/configuration.md).
SAMPLE_ARGUMENTS = [
    "weather in Paris",
    "contact jane.doe@example.com about invoice 42",
    "card 4111 1111 1111 1111 expires 12/29",
    "quarterly revenue by region",
]


def log(msg: str) -> None:
    print(f"proxy: {msg}", file=sys.stderr, flush=True)


class EventSocket:
    """One connection to the sidecar's event socket, reconnecting when it goes away."""

    def __init__(self, path: str, resource: dict[str, str]):
        self.path = path
        self.resource = resource
        self.sock: socket.socket | None = None
        self.lock = threading.Lock()

    def connect(self, deadline: float) -> None:
        while True:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.path)
                break
            except OSError as e:
                s.close()
                if time.monotonic() > deadline:
                    raise SystemExit(f"proxy: cannot connect to {self.path}: {e}")
                time.sleep(0.5)
        self.sock = s
        threading.Thread(target=self._read_errors, args=(s,), daemon=True).start()
        # The resource applies to every later line on this connection.
        self._send_raw(s, {"type": "resource", "attributes": self.resource})
        log(f"connected to {self.path}")

    def _read_errors(self, s: socket.socket) -> None:
        buf = b""
        try:
            while chunk := s.recv(4096):
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    log(f"sidecar rejected a line: {line.decode(errors='replace')}")
        except OSError:
            pass

    @staticmethod
    def _send_raw(s: socket.socket, event: dict) -> None:
        s.sendall(json.dumps(event, separators=(",", ":")).encode() + b"\n")

    def send(self, *events: dict) -> None:
        with self.lock:
            for attempt in (1, 2):
                if self.sock is None:
                    self.connect(time.monotonic() + 30)
                try:
                    for e in events:
                        self._send_raw(self.sock, e)
                    return
                except OSError as err:
                    log(f"event socket: {err}; reconnecting")
                    self.sock.close()
                    self.sock = None
                    if attempt == 2:
                        raise

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_WR)
                self.sock.settimeout(1.0)
                while self.sock.recv(4096):
                    pass
            except OSError:
                pass
            self.sock.close()


def setup_sdk(endpoint: str, resource: dict[str, str]):
    """Tracer and meter from the OpenTelemetry SDK, exporting OTLP/gRPC to the sidecar."""
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    res = Resource.create(resource)
    # insecure=True: without it the gRPC exporter tries TLS over the Unix socket.
    tracer_provider = TracerProvider(resource=res)
    tracer_provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint, insecure=True), schedule_delay_millis=1000)
    )
    reader = PeriodicExportingMetricReader(OTLPMetricExporter(endpoint=endpoint, insecure=True),
                                           export_interval_millis=10_000)
    meter_provider = MeterProvider(resource=res, metric_readers=[reader])
    tracer = tracer_provider.get_tracer("mcp-proxy-standin", "1.0.0")
    meter = meter_provider.get_meter("mcp-proxy-standin", "1.0.0")
    return tracer_provider, meter_provider, tracer, meter


def one_request(events: EventSocket | None, sdk, calls_counter, rng: random.Random) -> None:
    method, target, latency_ms, error_rate = rng.choice(OPERATIONS)
    name = f"{method} {target}" if target else method
    duration = max(1.0, rng.gauss(latency_ms, latency_ms / 4))
    failed = rng.random() < error_rate
    attributes = {"mcp.method.name": method, "rpc.system": "jsonrpc", "network.transport": "pipe"}
    if method == "tools/call":
        attributes["mcp.tool.name"] = target
        attributes["mcp.tool.arguments"] = rng.choice(SAMPLE_ARGUMENTS)
    elif method == "resources/read":
        attributes["mcp.resource.uri"] = target
    elif method == "prompts/get":
        attributes["mcp.prompt.name"] = target
    status = {"code": "error", "message": "upstream tool failed"} if failed else {"code": "ok"}

    if events is not None:
        trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
        end_ns = time.time_ns()
        span = {
            "type": "span", "name": name, "kind": "server",
            # A root span: explicit ids. (A "traceparent" field would name the caller's span, the
            # parent, as in W3C Trace Context; the sidecar then gives this span a new id.)
            "traceId": trace_id, "spanId": span_id,
            "startTimeUnixNano": end_ns - int(duration * 1e6), "endTimeUnixNano": end_ns,
            "attributes": attributes, "status": status,
        }
        metric_attrs = {"mcp.method.name": method, "error": failed}
        batch = [
            span,
            {"type": "metric", "name": "mcp.calls", "kind": "counter", "value": 1, "unit": "{call}",
             "attributes": metric_attrs},
            {"type": "metric", "name": "mcp.call.duration", "kind": "histogram", "value": duration / 1000,
             "unit": "s", "attributes": metric_attrs},
        ]
        if failed:
            batch.append({"type": "log", "severity": "error", "traceId": trace_id, "spanId": span_id,
                          "body": f"{name} failed: upstream tool failed",
                          "attributes": {"mcp.method.name": method}})
        events.send(*batch)

    if sdk is not None:
        from opentelemetry.trace import SpanKind, Status, StatusCode

        _, _, tracer, _ = sdk
        with tracer.start_as_current_span(name, kind=SpanKind.SERVER, attributes=attributes) as server:
            with tracer.start_as_current_span(f"backend {target or method}", kind=SpanKind.CLIENT,
                                              attributes={"server.address": "backend"}):
                time.sleep(min(duration, 50) / 1000)
            server.set_status(Status(StatusCode.ERROR, "upstream tool failed") if failed else Status(StatusCode.OK))
        calls_counter.add(1, {"mcp.method.name": method, "error": failed})


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--events-socket", default=os.environ.get("OTEL_SIDECAR_EVENTS_SOCKET",
                                                             "/run/otel-sidecar/events.sock"))
    p.add_argument("--otlp-endpoint", default=os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT",
                                                             "unix:///run/otel-sidecar/otlp-grpc.sock"))
    p.add_argument("--service-name", default=os.environ.get("OTEL_SERVICE_NAME", "mcp-proxy"))
    p.add_argument("--project", default=os.environ.get("PHOENIX_PROJECT_NAME", "mcp-gateway"),
                   help="openinference.project.name (the Phoenix project)")
    p.add_argument("--rate", type=float, default=2.0, help="requests per second")
    p.add_argument("--count", type=int, default=0, help="stop after N requests (0 = run until SIGTERM)")
    p.add_argument("--no-events", action="store_true", help="do not use the event socket")
    p.add_argument("--no-sdk", action="store_true", help="do not use the OpenTelemetry SDK")
    p.add_argument("--seed", type=int, default=None)
    args = p.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    resource = {"service.name": args.service_name, "service.version": "1.0.0",
                "openinference.project.name": args.project}
    events = None
    if not args.no_events:
        events = EventSocket(args.events_socket, resource)
        events.connect(time.monotonic() + 60)
    sdk = calls_counter = None
    if not args.no_sdk:
        sdk = setup_sdk(args.otlp_endpoint, dict(resource, **{"service.name": args.service_name + "-sdk"}))
        calls_counter = sdk[3].create_counter("mcp.calls", unit="{call}", description="MCP requests handled")

    rng = random.Random(args.seed)
    sent = 0
    interval = 1.0 / args.rate if args.rate > 0 else 0.0
    log(f"sending MCP-like traffic at {args.rate}/s" + (f", {args.count} requests" if args.count else ""))
    while not stop.is_set() and (args.count == 0 or sent < args.count):
        one_request(events, sdk, calls_counter, rng)
        sent += 1
        if sent % 100 == 0:
            log(f"{sent} requests")
        stop.wait(interval)

    if sdk is not None:
        sdk[0].shutdown()   # flushes the span batch
        sdk[1].shutdown()
    if events is not None:
        events.close()
    log(f"done: {sent} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
