import Foundation
import Logging
import SidecarRuntime
import Testing

/// The metric store owns the metrics signal: metric events (event protocol) and OTLP metrics from the real
/// Python SDK (cumulative and delta) are aggregated, shown on /metrics, and exported on
/// `metrics.export_interval` as cumulative OTLP metrics to a real OTLP backend (grpcio + opentelemetry-proto)
/// — with the same values in both places.
@Suite("Aggregated metrics on /metrics and at an OTLP backend", .serialized)
struct MetricsExportTests {
    /// (Prometheus series, label fragment, OTel metric name, attribute (key, value), expected value)
    static let sums: [(String, String?, String, (String, String)?, Double)] = [
        ("sdk_requests_total", #"route="/a""#, "sdk.requests", ("route", "/a"), 7),
        ("sdk_requests_total", #"route="/b""#, "sdk.requests", ("route", "/b"), 1),
        ("sdk_inflight", nil, "sdk.inflight", nil, 3),
        ("sdk_temperature_celsius", #"room="lab""#, "sdk.temperature", ("room", "lab"), 21.5),
        ("sdk_delta_calls_total", nil, "sdk.delta.calls", nil, 7),
        ("mcp_tool_calls_total", #"mcp_tool_name="search""#, "mcp.tool.calls", ("mcp.tool.name", "search"), 3),
        ("queue_depth", nil, "queue.depth", nil, 4),
    ]
    /// (Prometheus histogram, OTel name, count, sum)
    static let histograms: [(String, String, UInt64, Double)] = [
        ("sdk_latency_milliseconds", "sdk.latency", 3, 333),
        ("sdk_delta_size_bytes", "sdk.delta.size", 3, 175),
        ("mcp_tool_duration_seconds", "mcp.tool.duration", 2, 0.5125),
    ]

    static let events = [
        #"{"type":"metric","name":"mcp.tool.calls","kind":"counter","value":1,"unit":"{call}","attributes":{"mcp.tool.name":"search"}}"#,
        #"{"type":"metric","name":"mcp.tool.calls","kind":"counter","value":2,"unit":"{call}","attributes":{"mcp.tool.name":"search"}}"#,
        #"{"type":"metric","name":"mcp.tool.duration","kind":"histogram","value":0.0125,"unit":"s"}"#,
        #"{"type":"metric","name":"mcp.tool.duration","kind":"histogram","value":0.5,"unit":"s"}"#,
        #"{"type":"metric","name":"queue.depth","kind":"gauge","value":9}"#,
        #"{"type":"metric","name":"queue.depth","kind":"gauge","value":4}"#,
    ]

    static func exporter(_ backend: ForwardingTests.Backend) -> String {
        """
          - name: metrics-backend
            protocol: grpc
            endpoint: http://127.0.0.1:\(backend.grpcPort)
            signals: [metrics]
            batch: {max_delay: 20ms}
        """
    }

    @Test func sdkAndEventMetricsHaveEqualValuesOnPrometheusAndAtTheBackend() async throws {
        let dir = LiveSidecar.makeDirectory()
        let backend = try await ForwardingTests.Backend.start(dir: dir, script: "ok")
        defer { backend.stop() }
        try await LiveSidecar.with(dir: dir, extraConfig: "metrics: {export_interval: 200ms}", exporters: Self.exporter(backend)) { live in
            try await PrometheusTests.send(Self.events, to: live.eventsSocket)
            _ = try await offThread { try PythonSDK.run("sdk_metrics.py", ["unix://" + live.grpcSocket]) }
            let address = try #require(live.address("prometheus (tcp)"))

            // Poll until the backend's newest metrics request holds every final value.
            var last: [String: Any] = [:]
            let arrived = try await live.eventually {
                guard let r = backend.records().last(where: { $0["signal"] as? String == "metrics" }),
                      let request = r["request"] as? [String: Any] else { return false }
                last = request
                return Self.sums.allSatisfy { OTLPMetricsJSON.number(request, $0.2, $0.3) == $0.4 }
                    && Self.histograms.allSatisfy { OTLPMetricsJSON.histogram(request, $0.1)?.count == $0.2 }
            }
            #expect(arrived, "the backend's newest metrics request: \(last)")
            let body = try Shell.httpGet("http://\(address)/metrics")
            for (series, label, name, attribute, expected) in Self.sums {
                let scraped = PromText.value(body, series, label)
                let exported = OTLPMetricsJSON.number(last, name, attribute)
                #expect(scraped == expected, "\(series) on /metrics")
                #expect(exported == expected, "\(name) at the backend")
            }
            for (series, name, count, sum) in Self.histograms {
                let h = OTLPMetricsJSON.histogram(last, name)
                #expect(PromText.value(body, series + "_count", nil) == Double(count))
                #expect(h?.count == count)
                let scrapedSum = try #require(PromText.value(body, series + "_sum", nil))
                #expect(abs(scrapedSum - sum) < 1e-9)
                #expect(abs((h?.sum ?? .nan) - sum) < 1e-9)
            }
            // Nothing was forwarded raw: every sum and histogram the backend got is cumulative (2), even
            // from the delta SDK.
            for r in backend.records() where r["signal"] as? String == "metrics" {
                let temporalities = OTLPMetricsJSON.temporalities(r["request"] as? [String: Any] ?? [:])
                #expect(!temporalities.isEmpty && temporalities.allSatisfy { $0 == 2 }, "\(temporalities)")
            }
            // Series that arrived without a resource (metric events, span metrics) carry the sidecar's own.
            #expect(OTLPMetricsJSON.resourceServiceNames(last).contains("otel-sidecar"))
            #expect(OTLPMetricsJSON.resourceServiceNames(last).contains("python-sdk-metrics"))
        }
    }

    @Test func theLastCollectionIsExportedAtShutdown() async throws {
        let dir = LiveSidecar.makeDirectory()
        let backend = try await ForwardingTests.Backend.start(dir: dir, script: "ok")
        defer { backend.stop() }
        // An hour: only the collection at shutdown can deliver these.
        try await LiveSidecar.with(dir: dir, extraConfig: "metrics: {export_interval: 1h}", exporters: Self.exporter(backend)) { live in
            try await PrometheusTests.send(Self.events, to: live.eventsSocket)
            #expect(try await live.eventually { live.counter("otel_sidecar_metric_store_points_total", []) >= UInt64(Self.events.count) })
            #expect(!backend.records().contains { $0["signal"] as? String == "metrics" })
        }
        let request = backend.records().last { $0["signal"] as? String == "metrics" }?["request"] as? [String: Any]
        #expect(OTLPMetricsJSON.number(request ?? [:], "mcp.tool.calls", ("mcp.tool.name", "search")) == 3)
    }
}

/// Reads values out of the Prometheus text format.
enum PromText {
    /// The value of the first sample of `series` whose labels contain `label` (any labels when nil).
    static func value(_ body: String, _ series: String, _ label: String?) -> Double? {
        for line in body.split(separator: "\n") where !line.hasPrefix("#") {
            let s = String(line)
            guard s.hasPrefix(series + "{") || s.hasPrefix(series + " ") else { continue }
            if let label, !s.contains(label) { continue }
            let rest = s.lastIndex(of: "}").map { String(s[s.index(after: $0)...]) } ?? String(s.dropFirst(series.count))
            if let token = rest.split(separator: " ").first, let v = Double(token) { return v }
        }
        return nil
    }
}

/// Reads OTLP/JSON metrics requests as the Python backend records them.
enum OTLPMetricsJSON {
    static func metrics(_ request: [String: Any]) -> [(resource: [String: Any], metric: [String: Any])] {
        var out: [([String: Any], [String: Any])] = []
        for rm in request["resourceMetrics"] as? [[String: Any]] ?? [] {
            let resource = rm["resource"] as? [String: Any] ?? [:]
            for sm in rm["scopeMetrics"] as? [[String: Any]] ?? [] {
                for m in sm["metrics"] as? [[String: Any]] ?? [] { out.append((resource, m)) }
            }
        }
        return out
    }

    static func matches(_ point: [String: Any], _ attribute: (String, String)?) -> Bool {
        guard let (key, value) = attribute else { return true }
        return (point["attributes"] as? [[String: Any]] ?? []).contains {
            $0["key"] as? String == key && ($0["value"] as? [String: Any])?["stringValue"] as? String == value
        }
    }

    static func double(_ any: Any?) -> Double? {
        if let s = any as? String { return Double(s) }
        return (any as? NSNumber)?.doubleValue
    }

    static func number(_ request: [String: Any], _ name: String, _ attribute: (String, String)?) -> Double? {
        for (_, m) in metrics(request) where m["name"] as? String == name {
            let data = (m["sum"] ?? m["gauge"]) as? [String: Any]
            for p in data?["dataPoints"] as? [[String: Any]] ?? [] where matches(p, attribute) {
                return double(p["asInt"]) ?? double(p["asDouble"])
            }
        }
        return nil
    }

    static func histogram(_ request: [String: Any], _ name: String) -> (count: UInt64, sum: Double)? {
        for (_, m) in metrics(request) where m["name"] as? String == name {
            guard let p = ((m["histogram"] as? [String: Any])?["dataPoints"] as? [[String: Any]])?.first,
                  let count = double(p["count"]), let sum = double(p["sum"]) else { continue }
            return (UInt64(count), sum)
        }
        return nil
    }

    static func temporalities(_ request: [String: Any]) -> [Int] {
        metrics(request).compactMap { _, m in
            let data = (m["sum"] ?? m["histogram"]) as? [String: Any]
            guard let data else { return nil }
            if let t = data["aggregationTemporality"] as? Int { return t }
            if let t = data["aggregationTemporality"] as? String { return t.hasSuffix("CUMULATIVE") ? 2 : t.hasSuffix("DELTA") ? 1 : 0 }
            return 0
        }
    }

    static func resourceServiceNames(_ request: [String: Any]) -> Set<String> {
        Set((request["resourceMetrics"] as? [[String: Any]] ?? []).compactMap { rm in
            ((rm["resource"] as? [String: Any])?["attributes"] as? [[String: Any]])?
                .first { $0["key"] as? String == "service.name" }
                .flatMap { ($0["value"] as? [String: Any])?["stringValue"] as? String }
        })
    }
}

/// The `metrics.histograms` and `processors.span_metrics` keys take effect in the running sidecar.
@Suite("Metric configuration keys, live")
struct MetricsConfigLiveTests {
    @Test func bucketsAndDimensionsFromYAMLShapeTheSeries() async throws {
        let extra = """
        metrics:
          histograms: [{name: mcp.tool.duration, buckets: [0.01, 0.1, 1]}]
        processors:
          span_metrics:
            dimensions: [{name: tenant, default: none}]
            duration_buckets: [0.02, 2]
        """
        try await LiveSidecar.with(extraConfig: extra) { live in
            try await PrometheusTests.send([
                #"{"type":"metric","name":"mcp.tool.duration","kind":"histogram","value":0.05,"unit":"s"}"#,
                #"{"type":"span","name":"call","durationMs":40,"attributes":{"tenant":"acme"}}"#,
                #"{"type":"span","name":"call","durationMs":40}"#,
            ], to: live.eventsSocket)
            let address = try #require(live.address("prometheus (tcp)"))
            var body = ""
            #expect(try await live.eventually {
                body = (try? Shell.httpGet("http://\(address)/metrics")) ?? ""
                return body.contains("traces_span_metrics_calls_total") && body.contains("mcp_tool_duration_seconds_count")
            })
            #expect(PromText.value(body, "mcp_tool_duration_seconds_bucket", #"le="0.01""#) == 0)
            #expect(PromText.value(body, "mcp_tool_duration_seconds_bucket", #"le="0.1""#) == 1)
            #expect(!body.contains(#"mcp_tool_duration_seconds_bucket{le="5""#), "the SDK default bounds are replaced")
            #expect(PromText.value(body, "traces_span_metrics_calls_total", #"tenant="acme""#) == 1)
            #expect(PromText.value(body, "traces_span_metrics_calls_total", #"tenant="none""#) == 1)
            #expect(PromText.value(body, "traces_span_metrics_duration_seconds_bucket", #"le="0.02""#) == 0)
            #expect(PromText.value(body, "traces_span_metrics_duration_seconds_bucket", #"le="2""#) == 1)
        }
    }

    @Test func aHighCardinalityDimensionStopsTheStart() throws {
        let config = try LiveSidecar.config(dir: LiveSidecar.makeDirectory(), extra: "processors: {span_metrics: {dimensions: [{name: user.id}]}}")
        #expect {
            _ = try SidecarApp(config: config, logger: Logger(label: "test")).makeServices(onReady: { _ in })
        } throws: { "\($0)".contains("processors.span_metrics.dimensions[0].name") }
    }
}
