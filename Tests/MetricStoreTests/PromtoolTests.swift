import EventProtocol
import Foundation
@testable import MetricStore
import Pipeline
import SidecarModel
import Testing

/// `promtool check metrics` (Debian `prometheus`) on an exposition with every kind of series: it must parse
/// (exit 1 otherwise) and pass the linter (exit 3 on a warning) without a single message.
@Suite("promtool check metrics")
struct PromtoolTests {
    /// A store and registries holding every kind of series the sidecar exposes.
    static func everyKind() throws -> PrometheusExposition {
        let counters = CounterRegistry()
        let spanMetrics = try SpanMetrics(counters: counters)
        let store = MetricStore(config: MetricStoreConfig(cardinalityLimit: 3), spanMetrics: spanMetrics, counters: counters,
                                clock: ManualMetricClock())
        let resource = Resource(attributes: [
            Attribute("service.name", "mcp-gateway"), Attribute("service.instance.id", "gw-1"), Attribute("host.name", "node-1"),
            Attribute("process.pid", 4242), Attribute("weird key/ü", "a \"quoted\" \\ value\nwith newline"),
        ])
        // Metric events: counter (over its cardinality limit: overflow series), up-down counter, gauge, histogram.
        var events = EventBatch(resource: resource)
        for i in 0..<5 {
            events.add(metric: MetricEvent(name: "gateway.tool.calls", kind: .counter, value: .int(1), description: "Tool calls by tool.",
                                           attributes: [Attribute("mcp.tool.name", .string("tool-\(i)"))]))
        }
        events.add(metric: MetricEvent(name: "gateway.sessions.active", kind: .updowncounter, value: .int(3), unit: "{session}"))
        events.add(metric: MetricEvent(name: "gateway.pool.utilization", kind: .gauge, value: .double(0.25), unit: "1"))
        events.add(metric: MetricEvent(name: "gateway.request.size", kind: .histogram, value: .int(512), unit: "By",
                                       attributes: [Attribute("http.request.method", "POST")]))
        _ = store.consume(.metrics(events.metrics!))

        // OTLP from an SDK: cumulative counter, exponential histogram (with negative buckets), summary, scope with attributes.
        let scope = InstrumentationScope(name: "io.example.sdk", version: "1.4.0", attributes: [Attribute("library.mascot", "bear")])
        store.ingest(MetricsData(resourceMetrics: [ResourceMetrics(resource: resource, scopeMetrics: [ScopeMetrics(scope: scope, metrics: [
            Metric(name: "http.server.requests", description: "HTTP requests.", data: .sum(Sum(
                dataPoints: [NumberDataPoint(attributes: [Attribute("http.response.status_code", 200)], startTimeUnixNano: 1, timeUnixNano: 2, value: .int(42))],
                aggregationTemporality: .cumulative, isMonotonic: true))),
            Metric(name: "http.server.request.duration", description: "Request duration.", unit: "s", data: .exponentialHistogram(ExponentialHistogram(
                dataPoints: [ExponentialHistogramDataPoint(
                    count: 9, sum: 1.0, scale: 2, zeroCount: 1, positive: ExponentialBuckets(offset: -12, bucketCounts: [1, 2, 3]),
                    negative: ExponentialBuckets(offset: 0, bucketCounts: [2]))],
                aggregationTemporality: .cumulative))),
            Metric(name: "rpc.server.latency", description: "Latency summary.", unit: "s", data: .summary([
                SummaryDataPoint(count: 10, sum: 2.5, quantileValues: [ValueAtQuantile(quantile: 0.5, value: 0.2), ValueAtQuantile(quantile: 0.99, value: 0.9)]),
            ])),
            Metric(name: "system.memory.usage", description: "Memory in use.", unit: "By", data: .gauge([NumberDataPoint(value: .int(1 << 30))])),
        ])])]))

        // Spans: RED metrics and token sums.
        let t0: UInt64 = 1_700_000_000_000_000_000
        _ = store.consume(.traces(TracesData(resourceSpans: [ResourceSpans(resource: resource, scopeSpans: [ScopeSpans(spans: [
            Span(name: "tools/call", kind: .server, startTimeUnixNano: t0, endTimeUnixNano: t0 + 30_000_000,
                 attributes: [Attribute("mcp.tool.name", "search"), Attribute("server.address", "backend-a")]),
            Span(name: "chat", kind: .client, startTimeUnixNano: t0, endTimeUnixNano: t0 + 900_000_000,
                 attributes: [Attribute("gen_ai.request.model", "m1"), Attribute("gen_ai.usage.input_tokens", 120), Attribute("gen_ai.usage.output_tokens", 30)],
                 status: SpanStatus(code: .error)),
        ])])])))

        // The sidecar's own metrics: every name of the help table, counters in the registry, the others as a
        // component's gauges, the export duration as a histogram.
        var gauges: [(name: String, labels: [(String, String)], value: Double)] = []
        for name in SelfTelemetryHelp.text.keys.sorted() {
            if name.hasSuffix("_total") {
                counters.counter(name, [("exporter", "otlp"), ("signal", "metrics")]).add(1)
            } else if !name.hasPrefix("otel_sidecar_metric_store_") && !name.hasPrefix("otel_sidecar_prometheus_") && !name.hasSuffix("_duration_seconds") {
                gauges.append((name: name, labels: [("exporter", "otlp")], value: 3))
            }
        }
        let snapshot = ExtraTelemetry(gauges: gauges, histograms: [HistogramSeries(
            name: "otel_sidecar_exporter_export_duration_seconds", labels: [("exporter", "otlp")], bounds: [0.005, 0.01, 0.025, 0.05, 0.1],
            bucketCounts: [1, 0, 4, 2, 0, 1], sum: 0.4, count: 8)])
        return PrometheusExposition(store: store, counters: counters, extra: [{ snapshot }], includeProcessMetrics: true)
    }

    static func promtool() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(dir)/promtool"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    @Test func everyKindPassesCheckAndLint() throws {
        let exposition = try Self.everyKind()
        let body = exposition.render(.prometheusText)
        let text = String(decoding: body, as: UTF8.self)
        // The exposition really has every kind (so a pass means something).
        for needle in [
            "# TYPE gateway_tool_calls_total counter", "otel_metric_overflow=\"true\"", "# TYPE gateway_sessions_active gauge",
            "# TYPE gateway_pool_utilization_ratio gauge", "# TYPE gateway_request_size_bytes histogram",
            "# TYPE http_server_requests_total counter", "# TYPE http_server_request_duration_seconds histogram",
            "# TYPE rpc_server_latency_seconds summary", "# TYPE target_info gauge", "# TYPE otel_scope_info gauge",
            "# TYPE traces_span_metrics_calls_total counter", "# TYPE traces_span_metrics_duration_seconds histogram",
            "# TYPE traces_span_metrics_gen_ai_usage_input_tokens_total counter", "# TYPE otel_sidecar_metric_store_points_total counter",
            "# TYPE otel_sidecar_exporter_queue_items gauge", "# TYPE otel_sidecar_exporter_export_duration_seconds histogram",
            "# TYPE otel_sidecar_metric_store_series gauge", "# TYPE process_resident_memory_bytes gauge", "# TYPE process_cpu_seconds_total counter",
            "# TYPE process_open_fds gauge",
        ] {
            #expect(text.contains(needle), "missing: \(needle)")
        }

        guard let promtool = Self.promtool() else {
            Issue.record("promtool not found: install it with `apt-get install prometheus` (Debian's package ships /usr/bin/promtool)")
            return
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("metric-store-promtool-\(getpid()).prom")
        try Data(body).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: promtool)
        p.arguments = ["check", "metrics"]
        p.standardInput = try FileHandle(forReadingFrom: file)
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "promtool exit \(p.terminationStatus) (1 = parse error, 3 = lint warnings): \(output)\n--- exposition:\n\(text)")
        #expect(output.isEmpty, "promtool said: \(output)")
    }

    @Test func promtoolRejectsABrokenExposition() throws {
        // The check above can fail: the same invocation on a lint-failing and a broken body does.
        guard let promtool = Self.promtool() else {
            Issue.record("promtool not found: install it with `apt-get install prometheus`")
            return
        }
        for (body, status) in [("# TYPE x counter\nx 1\n", Int32(3)), ("x{a=\"1} 1\n", Int32(1))] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: promtool)
            p.arguments = ["check", "metrics"]
            let input = Pipe()
            p.standardInput = input
            p.standardOutput = Pipe()
            p.standardError = Pipe()
            try p.run()
            input.fileHandleForWriting.write(Data(body.utf8))
            try input.fileHandleForWriting.close()
            p.waitUntilExit()
            #expect(p.terminationStatus == status)
        }
    }
}
