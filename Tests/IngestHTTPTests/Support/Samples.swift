import OTLPWire
import SidecarModel

/// Telemetry to send, and its encodings.
enum Samples {
    static let traceID = TraceID(hex: "5b8efff798038103d269b633813fc60c")!

    static func traces(spans: Int = 3, tag: String = "t") -> TracesData {
        let list = (0..<spans).map { (i: Int) -> Span in
            let attributes: [Attribute] = [
                Attribute("tag", .string(tag)), Attribute("i", .int(Int64(i))), Attribute("ok", .bool(true)), Attribute("b", .bytes([0, 255])),
            ]
            let start: UInt64 = 1_700_000_000_000_000_000 + UInt64(i)
            let parent: SpanID = i == 0 ? .invalid : SpanID(1)
            return Span(
                traceId: traceID, spanId: SpanID(UInt64(i + 1)), traceState: "k=v", parentSpanId: parent,
                flags: 0x301, name: "op \(i) ü", kind: .server, startTimeUnixNano: start,
                endTimeUnixNano: 1_700_000_000_500_000_000,
                attributes: attributes,
                events: [SpanEvent(timeUnixNano: 5, name: "ev", attributes: [Attribute("k", .int(1))])],
                links: [SpanLink(traceId: traceID, spanId: SpanID(99), traceState: "a=b", attributes: [Attribute("l", .double(2.5))], flags: 1)],
                status: SpanStatus(code: .error, message: "boom")
            )
        }
        return TracesData(resourceSpans: [
            ResourceSpans(
                resource: Resource(attributes: [Attribute("service.name", "gw")]),
                scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "lib", version: "1.0"), spans: list, schemaUrl: "https://s/1")],
                schemaUrl: "https://r/1"
            ),
        ])
    }

    static var metrics: MetricsData {
        let attrs = [Attribute("route", "/a")]
        return MetricsData(resourceMetrics: [ResourceMetrics(
            resource: Resource(attributes: [Attribute("service.name", "gw")]),
            scopeMetrics: [ScopeMetrics(scope: InstrumentationScope(name: "m"), metrics: [
                Metric(name: "requests", unit: "1", data: .sum(Sum(dataPoints: [
                    NumberDataPoint(attributes: attrs, startTimeUnixNano: 1, timeUnixNano: 2, value: .int(42)),
                ], aggregationTemporality: .cumulative, isMonotonic: true))),
                Metric(name: "temperature", unit: "Cel", data: .gauge([NumberDataPoint(attributes: attrs, timeUnixNano: 3, value: .double(21.5))])),
            ])]
        )])
    }

    static var logs: LogsData {
        LogsData(resourceLogs: [ResourceLogs(
            resource: Resource(attributes: [Attribute("service.name", "gw")]),
            scopeLogs: [ScopeLogs(scope: InstrumentationScope(name: "l"), logRecords: [
                LogRecord(timeUnixNano: 1, observedTimeUnixNano: 2, severityNumber: .error, severityText: "ERROR", body: "hello ✓",
                          attributes: [Attribute("a", 1)], traceId: traceID, spanId: SpanID(1)),
                LogRecord(body: .map([Attribute("k", .array([1, "x"]))])),
            ])]
        )])
    }
}
