#!/usr/bin/env python3
"""Record known metrics with the real OpenTelemetry Python SDK and export them over OTLP/gRPC.

    sdk_metrics.py ENDPOINT        ENDPOINT: unix:///path.sock or 127.0.0.1:4317

Two meter providers: one with the SDK's default (cumulative) temporality, one preferring delta for
counters and histograms, collected twice so the receiver has to add the deltas up. Prints what was
recorded as JSON: {"name": value} for sums and gauges, {"name": {"count": n, "sum": s}} for histograms.
Exits non-zero if an export did not succeed.
"""
import json
import sys

from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, MetricExportResult, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource


class Recording(OTLPMetricExporter):
    failures = 0

    def export(self, metrics_data, timeout_millis=10_000, **kwargs):
        r = super().export(metrics_data, timeout_millis=timeout_millis, **kwargs)
        if r != MetricExportResult.SUCCESS:
            Recording.failures += 1
        return r


def provider(endpoint, temporality=None):
    exporter = Recording(endpoint=endpoint, insecure=True, timeout=10, preferred_temporality=temporality or {})
    # A huge interval: collections happen only on force_flush / shutdown.
    reader = PeriodicExportingMetricReader(exporter, export_interval_millis=3_600_000)
    resource = Resource.create({"service.name": "python-sdk-metrics"})
    return MeterProvider(metric_readers=[reader], resource=resource)


def main():
    endpoint = sys.argv[1]
    cumulative = provider(endpoint)
    meter = cumulative.get_meter("sdk-metrics-test", "1.0.0")
    requests = meter.create_counter("sdk.requests", unit="{request}")
    requests.add(5, {"route": "/a"})
    requests.add(2, {"route": "/a"})
    requests.add(1, {"route": "/b"})
    latency = meter.create_histogram("sdk.latency", unit="ms")
    for v in (3, 30, 300):
        latency.record(v, {"route": "/a"})
    inflight = meter.create_up_down_counter("sdk.inflight")
    inflight.add(5)
    inflight.add(-2)
    temperature = meter.create_gauge("sdk.temperature", unit="Cel")
    temperature.set(21.5, {"room": "lab"})
    cumulative.force_flush()
    cumulative.shutdown()

    delta = provider(endpoint, {Counter: AggregationTemporality.DELTA, Histogram: AggregationTemporality.DELTA})
    dmeter = delta.get_meter("sdk-metrics-delta", "1.0.0")
    calls = dmeter.create_counter("sdk.delta.calls")
    sizes = dmeter.create_histogram("sdk.delta.size", unit="By")
    calls.add(3)
    sizes.record(100)
    delta.force_flush()
    calls.add(4)
    sizes.record(50)
    sizes.record(25)
    delta.force_flush()
    delta.shutdown()

    json.dump({
        "sdk.requests{route=/a}": 7, "sdk.requests{route=/b}": 1,
        "sdk.latency": {"count": 3, "sum": 333},
        "sdk.inflight": 3, "sdk.temperature": 21.5,
        "sdk.delta.calls": 7, "sdk.delta.size": {"count": 3, "sum": 175},
    }, sys.stdout)
    if Recording.failures:
        print("\nexport failed %d time(s)" % Recording.failures, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
