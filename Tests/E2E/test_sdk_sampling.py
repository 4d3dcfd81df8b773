"""The default configuration with spans from the real OpenTelemetry Python SDK (a bug found by test_phoenix).

The SDK (1.45) writes OTLP `Span.flags` = 0x100 (SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK) and leaves the W3C
trace-flags byte (bits 0-7, with the sampled bit) at 0. The default sampler, `parentbased_always_on`, used to
take any non-zero `flags` as "the parent's decision is known" and dropped every child span of the SDK as
`sampled_out`. It now trusts the sampled bit only when the trace-flags byte is non-zero (docs/redaction.md).
"""

from __future__ import annotations

from conftest import exporter, sidecar_config, wait_until


def sdk_parent_and_children(target: str, children: int) -> None:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource({"service.name": "e2e-sdk"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=target, insecure=True), schedule_delay_millis=100))
    tracer = provider.get_tracer("e2e.sdk")
    with tracer.start_as_current_span("root"):
        for i in range(children):
            with tracer.start_as_current_span(f"child {i}"):
                pass
    assert provider.force_flush(30_000)
    provider.shutdown()


def test_default_sampler_keeps_sdk_child_spans(sidecars, backends):
    backend = backends.start(name="backend")
    sc = sidecars.start(sidecar_config([exporter("backend", backend.grpc_endpoint)]))  # default processors
    sdk_parent_and_children(sc.grpc_target, children=5)
    wait_until(lambda: sc.accounting("backend")["received"] >= 1, 30, "the root span to reach the exporter")
    m = sc.metrics()
    sampled_out = m.get("otel_sidecar_processor_dropped_items_total", processor="sampling", reason="sampled_out")
    a = sc.wait_balanced("backend")
    assert sampled_out == 0 and a["sent"] == 6, f"sampled_out {sampled_out:.0f} of 6 spans; {a}"


def test_always_on_keeps_sdk_child_spans(sidecars, backends):
    """The control: with `sampler: always_on` every SDK span is delivered (the other tests use it)."""
    backend = backends.start(name="backend")
    sc = sidecars.start(sidecar_config([exporter("backend", backend.grpc_endpoint)],
                                       processors={"sampling": {"sampler": "always_on"}}))
    sdk_parent_and_children(sc.grpc_target, children=5)
    wait_until(lambda: len(backend.span_ids()) == 6, 30, "6 spans at the backend")
    a = sc.wait_balanced("backend")
    assert a["received"] == a["sent"] == 6, str(a)
