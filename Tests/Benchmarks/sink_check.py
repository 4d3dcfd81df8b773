#!/usr/bin/env python3
"""Checks the counting sink of `otel-sidecar-loadgen` against the Python reference backend.

    sink_check.py --loadgen .build/release/otel-sidecar-loadgen [--spans 10000] [--spans-per-request 512] [--rate 20000]

The reference is Tests/ExportTests/python/otlp_backend.py (grpcio + opentelemetry-proto: every request fully
decoded). Both run side by side on loopback and receive the same traffic, at a low rate:

1. `otel-sidecar-loadgen send` with the same --spans N to each, over OTLP/gRPC (both of its clients, raw
   HTTP/2 and grpc-swift-2) and OTLP/HTTP, with and without gzip (N not a multiple of --spans-per-request, so a short last request is included);
2. requests built here with opentelemetry-proto that exercise the count walk: several resources and scopes
   per request, empty scopes, every metric type (gauge, sum, histogram, exponential histogram, summary),
   log records, over gRPC and HTTP (plain and gzip).

After each step the sink's `GET /stats` deltas (requests, spans, points, logs) must equal the backend's
(items per request as opentelemetry-proto counts them) and, for step 1, loadgen's acknowledged count.
Prints one line per check and exits 1 on any mismatch. Needs grpcio and opentelemetry-proto (make venv).
"""
import argparse
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BACKEND = os.path.join(HERE, "..", "ExportTests", "python", "otlp_backend.py")
SIGNALS = {"traces": "spans", "metrics": "points", "logs": "logs"}


def wait_for(cond, timeout=60.0, what="condition"):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return
        time.sleep(0.05)
    raise SystemExit("timed out waiting for " + what)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


class Backend:
    """The reference: otlp_backend.py, counting from its record file."""

    def __init__(self, tmp):
        self.record = os.path.join(tmp, "backend.jsonl")
        ready = os.path.join(tmp, "backend-ready.json")
        self.proc = subprocess.Popen([sys.executable, BACKEND, "--record", self.record, "--ready", ready,
                                      "--grpc-port", "0", "--http-port", "0"], stderr=subprocess.DEVNULL)
        wait_for(lambda: read_json(ready) is not None, what="otlp_backend.py")
        ports = read_json(ready)
        self.grpc, self.http = ports["grpc_port"], ports["http_port"]

    def counts(self):
        c = {"requests": 0, "spans": 0, "points": 0, "logs": 0}
        if not os.path.exists(self.record):
            return c
        with open(self.record) as f:
            for line in f:
                e = json.loads(line)
                if e.get("transport") not in ("grpc", "http") or e.get("answer") != "ok" or "items" not in e:
                    continue
                c["requests"] += 1
                c[SIGNALS[e["signal"]]] += e["items"]
        return c

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


class Sink:
    def __init__(self, loadgen, tmp):
        ready = os.path.join(tmp, "sink-ready.json")
        self.stats_file = os.path.join(tmp, "sink-stats.json")
        self.proc = subprocess.Popen([loadgen, "sink", "--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0",
                                      "--ready", ready, "--stats", self.stats_file], stdout=subprocess.DEVNULL)
        wait_for(lambda: read_json(ready) is not None, what="the sink")
        ports = read_json(ready)
        self.grpc, self.http = ports["grpc_port"], ports["http_port"]

    def counts(self):
        s = json.loads(urllib.request.urlopen("http://127.0.0.1:%d/stats" % self.http, timeout=5).read())
        return {k: s[k] for k in ("requests", "spans", "points", "logs")}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)
        return read_json(self.stats_file)


def delta(after, before):
    return {k: after[k] - before[k] for k in after}


def loadgen_send(loadgen, target, args, gzip_on, client, tmp):
    out = os.path.join(tmp, "send.json")
    cmd = [loadgen, "send", "--target", target, "--spans", str(args.spans), "--spans-per-request",
           str(args.spans_per_request), "--rate", str(args.rate), "--connections", "2", "--json", out]
    if gzip_on:
        cmd.append("--gzip")
    if client:
        cmd += ["--client", client]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return read_json(out)


# ---------------------------------------------------------------- requests built with opentelemetry-proto


def crafted_requests():
    """(signal, serialized request, expected items) covering the shapes the walk must handle."""
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, InstrumentationScope, KeyValue
    from opentelemetry.proto.logs.v1 import logs_pb2
    from opentelemetry.proto.metrics.v1 import metrics_pb2 as m
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource
    from opentelemetry.proto.trace.v1 import trace_pb2

    def res(i):
        return Resource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value="svc-%d" % i))])

    scope = InstrumentationScope(name="sink_check", version="1")
    out = []
    # Traces: 3 resources × (2 scopes with spans + 1 empty scope), spans with events and links.
    tr = ExportTraceServiceRequest()
    n = 0
    for r in range(3):
        rs = tr.resource_spans.add(resource=res(r), schema_url="https://opentelemetry.io/schemas/1.26.0")
        for s in range(2):
            ss = rs.scope_spans.add(scope=scope)
            for k in range(5 + r * 3 + s):
                span = ss.spans.add(trace_id=os.urandom(16), span_id=os.urandom(8), name="op-%d" % k, kind=2)
                span.events.add(name="e", time_unix_nano=1)
                span.links.add(trace_id=os.urandom(16), span_id=os.urandom(8))
                n += 1
        rs.scope_spans.add(scope=scope)
    out.append(("traces", tr.SerializeToString(), n))
    # Metrics: every data type, several points each, 2 resources.
    mr = ExportMetricsServiceRequest()
    points = 0
    for r in range(2):
        sm = mr.resource_metrics.add(resource=res(r)).scope_metrics.add(scope=scope)
        g = sm.metrics.add(name="g", unit="1")
        for i in range(3):
            g.gauge.data_points.add(as_double=i, time_unix_nano=1)
        s = sm.metrics.add(name="s")
        s.sum.aggregation_temporality = 2
        s.sum.is_monotonic = True
        for i in range(4):
            s.sum.data_points.add(as_int=i, time_unix_nano=1,
                                  attributes=[KeyValue(key="k", value=AnyValue(int_value=i))])
        h = sm.metrics.add(name="h")
        h.histogram.aggregation_temporality = 2
        for i in range(2):
            h.histogram.data_points.add(count=3, sum=1.5, bucket_counts=[1, 2], explicit_bounds=[1.0])
        e = sm.metrics.add(name="e")
        e.exponential_histogram.aggregation_temporality = 2
        e.exponential_histogram.data_points.add(count=2, scale=1, positive=m.ExponentialHistogramDataPoint.Buckets(
            offset=0, bucket_counts=[1, 1]))
        q = sm.metrics.add(name="q")
        for i in range(5):
            q.summary.data_points.add(count=1, sum=2.0, quantile_values=[
                m.SummaryDataPoint.ValueAtQuantile(quantile=0.5, value=1.0)])
        sm.metrics.add(name="no-data")
        points += 3 + 4 + 2 + 1 + 5
    out.append(("metrics", mr.SerializeToString(), points))
    # Logs: 2 resources × 2 scopes.
    lr = ExportLogsServiceRequest()
    logs = 0
    for r in range(2):
        rl = lr.resource_logs.add(resource=res(r))
        for s in range(2):
            sl = rl.scope_logs.add(scope=scope)
            for k in range(7 + s):
                sl.log_records.add(time_unix_nano=k, severity_number=9, body=AnyValue(string_value="line %d" % k),
                                   trace_id=os.urandom(16), span_id=os.urandom(8))
                logs += 1
    out.append(("logs", lr.SerializeToString(), logs))
    return out


def send_grpc(port, sig, body):
    import grpc
    service = {"traces": "trace.v1.TraceService", "metrics": "metrics.v1.MetricsService", "logs": "logs.v1.LogsService"}[sig]
    with grpc.insecure_channel("127.0.0.1:%d" % port) as ch:
        call = ch.unary_unary("/opentelemetry.proto.collector.%s/Export" % service,
                              request_serializer=None, response_deserializer=None)
        call(body, timeout=10)


def send_http(port, sig, body, gz):
    headers = {"Content-Type": "application/x-protobuf"}
    if gz:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    req = urllib.request.Request("http://127.0.0.1:%d/v1/%s" % (port, sig), data=body, headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        if r.status != 200:
            raise RuntimeError("HTTP %d" % r.status)


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--loadgen", required=True)
    ap.add_argument("--spans", type=int, default=10000)
    ap.add_argument("--spans-per-request", type=int, default=512)
    ap.add_argument("--rate", type=float, default=20000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="sink-check-")
    backend = Backend(tmp)
    sink = Sink(os.path.abspath(a.loadgen), tmp)
    failures = passes = 0

    def check(name, got_sink, got_backend, expected=None):
        nonlocal failures, passes
        ok = got_sink == got_backend and (expected is None or all(got_sink[k] == v for k, v in expected.items()))
        failures += 0 if ok else 1
        passes += 1 if ok else 0
        print("%-4s %-42s sink %s  backend %s%s" % ("ok" if ok else "FAIL", name, json.dumps(got_sink),
                                                    json.dumps(got_backend),
                                                    "" if expected is None else "  expected " + json.dumps(expected)))

    try:
        for proto, client in (("grpc", "raw"), ("grpc", "grpc-swift"), ("http", None)):
            for gz in (False, True):
                name = "loadgen %s%s%s, %d spans" % (proto, " " + client if client else "", " gzip" if gz else "", a.spans)
                before_s, before_b = sink.counts(), backend.counts()
                rs = loadgen_send(a.loadgen, "%s://127.0.0.1:%d" % (proto, sink.grpc if proto == "grpc" else sink.http), a, gz, client, tmp)
                rb = loadgen_send(a.loadgen, "%s://127.0.0.1:%d" % (proto, backend.grpc if proto == "grpc" else backend.http), a, gz, client, tmp)
                requests = -(-a.spans // a.spans_per_request)
                for r in (rs, rb):
                    if r["acknowledged"]["spans"] != a.spans or r["errors"]:
                        print("FAIL %s: loadgen report %s" % (name, json.dumps(r)))
                        failures += 1
                check(name, delta(sink.counts(), before_s), delta(backend.counts(), before_b),
                      {"requests": requests, "spans": a.spans})
        for sig, body, items in crafted_requests():
            for how in ("grpc", "http", "http gzip"):
                before_s, before_b = sink.counts(), backend.counts()
                for port_of in (sink, backend):
                    if how == "grpc":
                        send_grpc(port_of.grpc, sig, body)
                    else:
                        send_http(port_of.http, sig, body, how.endswith("gzip"))
                check("crafted %s over %s" % (sig, how), delta(sink.counts(), before_s), delta(backend.counts(), before_b),
                      {"requests": 1, SIGNALS[sig]: items})
        total_s, total_b = sink.counts(), backend.counts()
        check("totals", total_s, total_b)
        final = sink.stop()
        sink = None
        check("--stats file on SIGTERM", {k: final[k] for k in total_s} if final else {}, total_b)
    finally:
        if sink:
            sink.stop()
        backend.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passes, failures))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
