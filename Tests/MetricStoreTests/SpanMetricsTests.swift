@testable import MetricStore
import Pipeline
import SidecarModel
import Testing

@Suite("Span-derived RED metrics")
struct SpanMetricsTests {
    static let t0: UInt64 = 1_700_000_000_000_000_000

    static func span(_ name: String, ms: Double, kind: SpanKind = .server, status: StatusCode? = nil, _ attributes: [Attribute] = []) -> Span {
        Span(name: name, kind: kind, startTimeUnixNano: t0, endTimeUnixNano: t0 + UInt64(ms * 1_000_000), attributes: attributes,
             status: status.map { SpanStatus(code: $0) })
    }

    static func traces(_ spans: [Span], resource: [Attribute] = [Attribute("service.name", "gateway")]) -> TracesData {
        TracesData(resourceSpans: [ResourceSpans(resource: Resource(attributes: resource), scopeSpans: [ScopeSpans(spans: spans)])])
    }

    @Test func callsAndDurationsByServiceNameKindStatusAndDimensions() throws {
        let counters = CounterRegistry()
        let f = Fixture(spanMetrics: try SpanMetrics(counters: counters))
        let search = [Attribute("mcp.tool.name", "search"), Attribute("server.address", "backend-a")]
        _ = f.store.consume(.traces(Self.traces([
            Self.span("tools/call", ms: 3, status: .ok, search),
            Self.span("tools/call", ms: 40, search),
            Self.span("tools/call", ms: 700, status: .error, search),
        ])))
        _ = f.store.consume(.traces(Self.traces([Self.span("tools/call", ms: 20, search)])))

        let labels = [Attribute("service.name", "gateway"), Attribute("span.name", "tools/call"), Attribute("span.kind", "SPAN_KIND_SERVER")] + search
        let calls = try #require(f.metric("traces.span.metrics.calls"))
        #expect(calls.kind == .counter)
        #expect(calls.series(labels + [Attribute("status.code", "STATUS_CODE_UNSET")])?.number == 2)
        #expect(calls.series(labels + [Attribute("status.code", "STATUS_CODE_OK")])?.number == 1)
        #expect(calls.series(labels + [Attribute("status.code", "STATUS_CODE_ERROR")])?.number == 1)

        let duration = try #require(f.metric("traces.span.metrics.duration"))
        guard case .histogram(let h) = duration.series(labels + [Attribute("status.code", "STATUS_CODE_UNSET")])?.value else {
            Issue.record("no duration histogram")
            return
        }
        #expect(h.bounds == SpanMetricsConfig.default.durationBuckets)
        #expect(h.count == 2)
        #expect(abs(h.sum! - 0.06) < 1e-9)
        #expect(h.counts[2] == 1 && h.counts[3] == 1)  // 20 ms in (0.01, 0.025] s, 40 ms in (0.025, 0.05] s
        #expect(counters.value("otel_sidecar_span_metrics_spans_total") == 4)

        let text = f.text()
        #expect(text.contains(#"traces_span_metrics_calls_total{mcp_tool_name="search",server_address="backend-a",service_name="gateway",span_kind="SPAN_KIND_SERVER",span_name="tools/call",status_code="STATUS_CODE_ERROR"} 1"#))
        #expect(text.contains(#"traces_span_metrics_duration_seconds_bucket{mcp_tool_name="search",server_address="backend-a",service_name="gateway",span_kind="SPAN_KIND_SERVER",span_name="tools/call",status_code="STATUS_CODE_ERROR",le="1"} 1"#))
        #expect(text.contains(#"traces_span_metrics_duration_seconds_bucket{mcp_tool_name="search",server_address="backend-a",service_name="gateway",span_kind="SPAN_KIND_SERVER",span_name="tools/call",status_code="STATUS_CODE_ERROR",le="0.5"} 0"#))
        // Span metrics have no resource: no job/instance, no target_info.
        #expect(!text.contains("target_info"))
    }

    @Test func dimensionsFallBackToTheResourceThenToTheirDefault() throws {
        let config = SpanMetricsConfig(dimensions: [.init("server.address"), .init("deployment.environment", default: "none"), .init("mcp.tool.name")],
                                       attributeSums: [])
        let sm = try SpanMetrics(config: config)
        let data = sm.metrics(from: Self.traces([Self.span("s", ms: 1, kind: .client)],
                                                resource: [Attribute("service.name", "gw"), Attribute("server.address", "10.0.0.1")]))
        guard case .sum(let calls) = data.resourceMetrics.first?.scopeMetrics.first?.metrics.first?.data else {
            Issue.record("no calls metric")
            return
        }
        #expect(calls.dataPoints.map(\.attributes) == [[
            Attribute("deployment.environment", "none"), Attribute("server.address", "10.0.0.1"), Attribute("service.name", "gw"),
            Attribute("span.kind", "SPAN_KIND_CLIENT"), Attribute("span.name", "s"), Attribute("status.code", "STATUS_CODE_UNSET"),
        ]])
    }

    @Test func aMissingServiceNameIsUnknownService() throws {
        let sm = try SpanMetrics(config: SpanMetricsConfig(attributeSums: []))
        let data = sm.metrics(from: Self.traces([Self.span("s", ms: 1)], resource: []))
        guard case .sum(let calls) = data.resourceMetrics.first?.scopeMetrics.first?.metrics.first?.data else {
            Issue.record("no calls metric")
            return
        }
        #expect(calls.dataPoints.first?.attributes[key: "service.name"] == "unknown_service")
    }

    @Test func tokenSumsByModel() throws {
        let counters = CounterRegistry()
        let f = Fixture(spanMetrics: try SpanMetrics(counters: counters))
        let model = Attribute("gen_ai.request.model", "gpt-x")
        _ = f.store.consume(.traces(Self.traces([
            Self.span("chat", ms: 5, kind: .client, [model, Attribute("gen_ai.usage.input_tokens", 100), Attribute("gen_ai.usage.output_tokens", 20)]),
            Self.span("chat", ms: 5, kind: .client, [model, Attribute("gen_ai.usage.input_tokens", 50)]),
            Self.span("chat", ms: 5, kind: .client, [Attribute("gen_ai.request.model", "small"), Attribute("gen_ai.usage.input_tokens", 7)]),
            Self.span("chat", ms: 5, kind: .client, [model, Attribute("gen_ai.usage.input_tokens", "many")]),
            Self.span("chat", ms: 5, kind: .client, [model, Attribute("gen_ai.usage.input_tokens", -3)]),
        ])))
        let input = try #require(f.metric("traces.span.metrics.gen_ai.usage.input_tokens"))
        #expect(input.kind == .counter)
        #expect(input.series([Attribute("service.name", "gateway"), model])?.number == 150)
        #expect(input.series([Attribute("service.name", "gateway"), Attribute("gen_ai.request.model", "small")])?.number == 7)
        #expect(f.metric("traces.span.metrics.gen_ai.usage.output_tokens")?.series.first?.number == 20)
        #expect(counters.value("otel_sidecar_span_metrics_ignored_values_total", [("reason", "not_numeric")]) == 1)
        #expect(counters.value("otel_sidecar_span_metrics_ignored_values_total", [("reason", "negative")]) == 1)
        #expect(f.text().contains(#"traces_span_metrics_gen_ai_usage_input_tokens_total{gen_ai_request_model="gpt-x",service_name="gateway"} 150"#))
    }

    @Test func disabledProducesNothing() throws {
        let sm = try SpanMetrics(config: SpanMetricsConfig(enabled: false))
        #expect(sm.metrics(from: Self.traces([Self.span("s", ms: 1)])) == MetricsData())
    }

    @Test func highCardinalityDimensionsAreAConfigurationError() {
        #expect(throws: SpanMetricsConfigError.self) { try SpanMetrics(config: SpanMetricsConfig(dimensions: [.init("user.id")])) }
        let problems = SpanMetricsConfig(dimensions: [.init("mcp.tool.name"), .init("session.id")],
                                         attributeSums: [.init(attribute: "cost", by: ["enduser.id"])]).validate()
        #expect(problems.map(\.keyPath) == ["dimensions[1].name", "attribute_sums[0].by[0]"])
        #expect(problems.first?.message.contains("allow_high_cardinality") == true)
        // Explicitly allowed: accepted.
        #expect(SpanMetricsConfig(dimensions: [.init("user.id")], allowHighCardinality: ["user.id"]).validate().isEmpty)
    }

    @Test(arguments: [
        ("user.id", true), ("enduser.id", true), ("session.id", true), ("mcp.session.id", true), ("request_id", true),
        ("http.request.id", true), ("userId", true), ("gen_ai.conversation.id", true), ("url.full", true), ("client.address", true),
        ("user.email", true), ("auth.token", true), ("trace_id", true),
        ("mcp.tool.name", false), ("server.address", false), ("gen_ai.request.model", false), ("http.route", false),
        ("rpc.method", false), ("valid", false), ("paid", false), ("error.type", false),
    ])
    func highCardinalityRules(key: String, refused: Bool) {
        #expect(SpanMetricsConfig.isHighCardinality(key) == refused)
    }

    @Test func otherConfigurationProblemsNameTheirKey() {
        let config = SpanMetricsConfig(
            namespace: "", dimensions: [.init("a.b"), .init("a_b"), .init("span.name"), .init("x"), .init("x")], durationBuckets: [1, 0.5],
            attributeSums: [.init(attribute: "n", name: "calls"), .init(attribute: "m", name: "calls")])
        let problems = config.validate()
        #expect(problems.map(\.keyPath) == [
            "namespace", "duration_buckets", "dimensions[1].name", "dimensions[2].name", "dimensions[4].name", "attribute_sums[1].name",
        ])
    }
}
