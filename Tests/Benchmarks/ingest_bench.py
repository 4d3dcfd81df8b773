#!/usr/bin/env python3
"""Ingest benchmarks run side by side with their baselines (part of `make bench`).

    ingest_bench.py --sidecar .build/release/otel-sidecar [--lines 200000] [--seconds 10] [--out FILE]

1. Event protocol over a Unix socket: 200k span lines of ~470 bytes over 1 and 4 connections into the
   sidecar (redaction on, console exporter to /dev/null = discard), beside the raw Unix-socket rate of the
   same bytes (`socat` to /dev/null) with the same client.
2. OTLP/gRPC ingest: pre-encoded 512-span requests at a fixed offered rate into the sidecar (discarding
   exporter, redaction on) and into rotel (`--exporter blackhole`, no redaction), same client, same load:
   CPU-µs per span and peak RSS of each server from /proc.
Prints a Markdown section; the numbers are wall-clock rates and /proc CPU times on this machine.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
LINE = ('{"type":"span","name":"tools/call search_docs","traceparent":"00-0af7651916cd43dd8448eb211c80319c-%016x-01",'
        '"kind":"server","startTimeUnixNano":"1763800000000000000","durationMs":12.5,"attributes":{"mcp.method.name":"tools/call",'
        '"mcp.tool.name":"search_docs","mcp.server.name":"github","mcp.session.id":"sess-42-4f1c9a7e","server.address":'
        '"github.internal.example.com","server.port":8443,"user.id":"u-4711","gen_ai.usage.input_tokens":512},"status":{"code":"ok"}}\n')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def wait_for(cond, timeout=60.0, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.01)
    raise SystemExit("timed out waiting for " + what)


def send_lines(path, payload, connections):
    """Writes `payload` split over `connections` Unix stream connections in parallel; returns seconds."""
    chunk = len(payload) // connections
    parts = []
    start = 0
    for i in range(connections):
        end = len(payload) if i == connections - 1 else payload.index(b"\n", start + chunk) + 1
        parts.append(payload[start:end])
        start = end

    def run(part):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(part)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
        s.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in parts]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return t0


def metric(port, name, labels):
    body = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5).read().decode()
    for line in body.splitlines():
        if line.startswith(name + "{") and all(('%s="%s"' % kv) in line for kv in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def start_sidecar(binary, tmp, grpc_port=0, events=True):
    metrics_port = free_port()
    cfg = os.path.join(tmp, "bench.yaml")
    with open(cfg, "w") as f:
        f.write("receivers:\n  events:\n    socket: %s/events.sock\n    max_line_bytes: 65536\n" % tmp)
        f.write("  otlp:\n    grpc:\n      socket: ''\n      endpoint: 127.0.0.1:%d\n      max_message_bytes: 16MiB\n" % (grpc_port or free_port()))
        f.write("    http:\n      enabled: false\n")
        f.write("prometheus:\n  endpoint: 127.0.0.1:%d\n" % metrics_port)
        f.write("exporters:\n  - name: discard\n    protocol: console\n    path: /dev/null\n")
        f.write("logging:\n  level: warning\n")
    p = subprocess.Popen([binary, "run", "--config", cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: _ready(metrics_port), what="the sidecar to be ready")
    return p, metrics_port


def _ready(port):
    try:
        return urllib.request.urlopen("http://127.0.0.1:%d/readyz" % port, timeout=1).status == 200
    except Exception:  # noqa: BLE001
        return False


def event_protocol(binary, lines, tmp):
    payload = "".join(LINE % (i + 1) for i in range(lines)).encode()
    rows = []
    for conns in (1, 4):
        # Baseline: the raw Unix-socket rate of the same bytes, socat into /dev/null.
        raw = os.path.join(tmp, "raw-%d.sock" % conns)
        sink = subprocess.Popen(["socat", "-u", "UNIX-LISTEN:%s,fork" % raw, "OPEN:/dev/null"], stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(raw), what="socat")
        t0 = send_lines(raw, payload, conns)
        raw_s = time.perf_counter() - t0
        sink.terminate()
        sink.wait()
        # The sidecar: until every line is counted by the receiver.
        side, mport = start_sidecar(binary, tmp)
        cpu0 = proc_cpu_seconds(side.pid)
        t0 = send_lines(os.path.join(tmp, "events.sock"), payload, conns)
        wait_for(lambda: metric(mport, "otel_sidecar_event_lines_total", {"receiver": "events"}) >= lines, what="all lines")
        side_s = time.perf_counter() - t0
        cpu = proc_cpu_seconds(side.pid) - cpu0
        exported = metric(mport, "otel_sidecar_exporter_sent_items_total", {"exporter": "discard", "signal": "traces"})
        side.send_signal(signal.SIGTERM)
        side.wait(timeout=30)
        rows.append((conns, lines / raw_s, lines / side_s, cpu * 1e6 / lines, exported))
    return rows, len(payload) // lines


def otlp_request(spans):
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource

    def kv(k, v):
        return KeyValue(key=k, value=AnyValue(int_value=v) if isinstance(v, int) else AnyValue(string_value=v))

    out = []
    for i in range(spans):
        attrs = [kv("mcp.method.name", "tools/call"), kv("mcp.tool.name", "search_docs"), kv("mcp.server.name", "github"),
                 kv("mcp.session.id", "sess-%d-4f1c9a7e" % (i % 97)), kv("server.address", "github.internal.example.com"),
                 kv("server.port", 8443), kv("user.id", "jane.doe@example.com" if i % 20 == 0 else "u-%d" % i),
                 kv("gen_ai.usage.input_tokens", 100 + i % 900)]
        out.append(Span(trace_id=os.urandom(16), span_id=os.urandom(8), name="tools/call search_docs", kind=3,
                        start_time_unix_nano=1763800000000000000 + i, end_time_unix_nano=1763800000005000000 + i,
                        attributes=attrs, status={"code": 2} if i % 33 == 0 else None))
    req = ExportTraceServiceRequest(resource_spans=[ResourceSpans(
        resource=Resource(attributes=[kv("service.name", "mcp-gateway")]), scope_spans=[ScopeSpans(spans=out)])])
    return req.SerializeToString()


def drive_grpc(port, body, rate_spans, seconds, spans_per_request):
    import grpc
    channel = grpc.insecure_channel("127.0.0.1:%d" % port)
    call = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
                               request_serializer=None, response_deserializer=None)
    interval = spans_per_request / rate_spans
    sent = errors = 0
    t0 = time.perf_counter()
    nxt = t0
    while time.perf_counter() - t0 < seconds:
        try:
            call(body, timeout=10)
            sent += spans_per_request
        except grpc.RpcError:
            errors += 1
        nxt += interval
        delay = nxt - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
    channel.close()
    return sent, errors, time.perf_counter() - t0


def grpc_ingest(binary, tmp, rates, seconds):
    import rotel
    body = otlp_request(512)
    agent = os.path.join(os.path.dirname(rotel.__file__), "rotel-agent")
    rows = []
    for rate in rates:
        for who in ("otel-sidecar", "rotel"):
            port = free_port()
            if who == "otel-sidecar":
                p, _ = start_sidecar(binary, tmp, grpc_port=port)
            else:
                p = subprocess.Popen([agent, "start", "--otlp-grpc-endpoint", "127.0.0.1:%d" % port,
                                      "--otlp-http-endpoint", "127.0.0.1:%d" % free_port(), "--exporter", "blackhole"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wait_for(lambda: _listening(port), what="rotel")
            cpu0 = proc_cpu_seconds(p.pid)
            sent, errors, wall = drive_grpc(port, body, rate, seconds, 512)
            time.sleep(0.5)
            cpu = proc_cpu_seconds(p.pid) - cpu0
            rss = proc_peak_rss_mib(p.pid)
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
            rows.append((who, rate, sent / wall, cpu * 1e6 / max(sent, 1), rss, errors))
    return rows


def _listening(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sidecar", required=True)
    ap.add_argument("--lines", type=int, default=200000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rates", default="10000,50000")
    ap.add_argument("--json")
    a = ap.parse_args()
    if not shutil.which("socat"):
        raise SystemExit("socat is needed: apt-get install socat")
    tmp = tempfile.mkdtemp(prefix="otel-sidecar-bench-")
    ev, line_bytes = event_protocol(a.sidecar, a.lines, tmp)
    print("\n## Event protocol ingest (%d span lines of %d bytes, Unix socket)\n" % (a.lines, line_bytes))
    print("| connections | raw socket (socat → /dev/null), lines/s | otel-sidecar, lines/s | ratio | sidecar CPU-µs/line | exported |")
    print("|---:|---:|---:|---:|---:|---:|")
    for conns, raw, side, cpu, exported in ev:
        print("| %d | %.0f | %.0f | %.2f× | %.2f | %d |" % (conns, raw, side, side / raw, cpu, exported))
    rates = [int(r) for r in a.rates.split(",")]
    gr = grpc_ingest(a.sidecar, tmp, rates, a.seconds)
    print("\n## OTLP/gRPC ingest (512-span requests, same client and load; sidecar redaction on, rotel blackhole)\n")
    print("| server | offered spans/s | achieved spans/s | CPU-µs/span | peak RSS MiB | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for who, rate, got, cpu, rss, errors in gr:
        print("| %s | %d | %.0f | %.2f | %.1f | %d |" % (who, rate, got, cpu, rss, errors))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"event_protocol": ev, "grpc": gr}, f)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
