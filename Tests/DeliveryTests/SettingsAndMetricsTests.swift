@testable import Delivery
import Pipeline
import SidecarConfig
import SidecarModel
import Testing

@Suite(.timeLimit(.minutes(1))) struct SettingsAndMetricsTests {
    @Test func settingsFromExporterConfiguration() {
        var e = SidecarConfiguration.Exporter(name: "jaeger", protocol: .grpc, endpoint: "http://localhost:4317")
        e.signals = [.traces, .logs]
        e.queue.maxItems = 500
        e.queue.overflow = .refuse
        e.queue.spill.enabled = true
        e.queue.spill.fsync = .always
        e.batch.maxDelay = .milliseconds(50)
        e.retry.maxElapsed = .seconds(60)
        e.circuitBreaker.cooldown = .seconds(2)
        let s = DeliverySettings(exporter: e, shutdownGracePeriod: .seconds(20))
        #expect(s.signals == [.traces, .logs])
        #expect(s.queue == .init(maxItems: 500, maxBytes: 64 << 20))
        #expect(s.overflow == .refuse)
        #expect(s.batch == BatchLimits(maxItems: 8192, maxBytes: 4 << 20, maxDelay: .milliseconds(50)))
        #expect(s.retry.maxElapsed == .seconds(60) && s.retry.initial == .seconds(5))
        #expect(s.breaker.cooldown == .seconds(2) && s.breaker.failureThreshold == 5)
        #expect(s.spill?.directory == "/var/lib/otel-sidecar/spill/jaeger")
        #expect(s.spill?.fsync == .always)
        #expect(s.spill?.segmentBytes == 64 << 20)
        #expect(s.drainTimeout == .seconds(16))
        e.queue.spill.enabled = false
        #expect(DeliverySettings(exporter: e).spill == nil)
    }

    @Test func gaugesAndHistogramAreExposed() async throws {
        let h = try Harness(settings: smallSettings(queueItems: 50, queueBytes: 4096, batchItems: 5))
        let e = [("exporter", "test")]
        #expect(h.gauges.value("otel_sidecar_exporter_queue_capacity_items", e) == 50)
        #expect(h.gauges.value("otel_sidecar_exporter_queue_capacity_bytes", e) == 4096)
        try await h.run { h in
            await h.settle()
            _ = h.service.consume(traces(5))
            await h.client.waitForCalls(1)
            await h.settle()
        }
        let names = Set(h.gauges.snapshot().map(\.name))
        for n in ["otel_sidecar_exporter_queue_items", "otel_sidecar_exporter_in_flight_items", "otel_sidecar_exporter_spill_items",
                  "otel_sidecar_exporter_breaker_state", "otel_sidecar_exporter_breaker_time_in_state_seconds"] {
            #expect(names.contains(n), "\(n)")
        }
        let hist = h.gauges.histograms().first { $0.name == "otel_sidecar_exporter_export_duration_seconds" }
        #expect(hist?.snapshot.count == 1)
        #expect(hist?.snapshot.buckets.first == 1)  // the fake answers in no time on the manual clock
        #expect(h.counters.value("otel_sidecar_exporter_export_attempts_total", e + [("outcome", "success")]) == 1)
        #expect(h.counter("otel_sidecar_exporter_sent_items_total") == 5)
    }

    @Test func histogramBuckets() {
        let g = DeliveryGauges()
        let hist = g.histogram("x", bounds: [0.1, 1])
        for v in [0.05, 0.1, 0.5, 1, 2] { hist.observe(v) }
        #expect(hist.snapshot.buckets == [2, 2, 1])
        #expect(hist.snapshot.count == 5)
        #expect(abs(hist.snapshot.sum - 3.65) < 1e-9)
    }
}
