import SidecarModel

/// Hand-built models that exercise every field, for codec unit tests.
enum Samples {
    static let traceID = TraceID(hex: "5b8efff798038103d269b633813fc60c")!
    static let spanID = SpanID(hex: "eee19b7ec3c1b174")!

    static var nestedValue: AttributeValue {
        .map([
            Attribute("list", .array([.int(-1), .double(-0.0), .bool(false), .string(""), .bytes([]), .empty])),
            Attribute("deep", .map([Attribute("deeper", .array([.array([.string("ü \"q\" \\ \n\t\u{1}")])]))])),
        ])
    }

    static var traces: TracesData {
        let span = Span(
            traceId: traceID, spanId: spanID, traceState: "k=v", parentSpanId: SpanID(1), flags: 0x301,
            name: "tools/call 🚀", kind: .client, startTimeUnixNano: 1_700_000_000_000_000_000, endTimeUnixNano: .max,
            attributes: [
                Attribute("s", "x"), Attribute("i", .int(.min)), Attribute("d", .double(.nan)),
                Attribute("inf", .double(-.infinity)), Attribute("b", true), Attribute("bytes", .bytes([0, 255, 7])),
                Attribute("nested", nestedValue), Attribute("empty", .empty),
            ],
            droppedAttributesCount: .max,
            events: [SpanEvent(timeUnixNano: 5, name: "ev", attributes: [Attribute("k", 1)], droppedAttributesCount: 2)],
            droppedEventsCount: 3,
            links: [SpanLink(traceId: traceID, spanId: SpanID(9), traceState: "a=b", attributes: [Attribute("l", 2.5)], droppedAttributesCount: 1, flags: 1)],
            droppedLinksCount: 4,
            status: SpanStatus(code: .error, message: "boom")
        )
        let bare = Span(traceId: traceID, spanId: SpanID(2), name: "bare")
        let scope = InstrumentationScope(name: "lib", version: "1.0", attributes: [Attribute("a", "b")], droppedAttributesCount: 1)
        return TracesData(resourceSpans: [
            ResourceSpans(
                resource: Resource(attributes: [Attribute("service.name", "gw")], droppedAttributesCount: 7),
                scopeSpans: [ScopeSpans(scope: scope, spans: [span, bare], schemaUrl: "https://s/1"), ScopeSpans()],
                schemaUrl: "https://r/1"
            ),
            ResourceSpans(),
        ])
    }

    static var metrics: MetricsData {
        let attrs = [Attribute("k", "v")]
        let ex = Exemplar(filteredAttributes: attrs, timeUnixNano: 9, value: .int(-3), spanId: spanID, traceId: traceID)
        let metrics: [Metric] = [
            Metric(name: "g", description: "d", unit: "1", data: .gauge([
                NumberDataPoint(attributes: attrs, startTimeUnixNano: 1, timeUnixNano: 2, value: .double(.nan), exemplars: [ex], flags: 1),
                NumberDataPoint(value: .int(.max)),
            ]), metadata: [Attribute("m", "n")]),
            Metric(name: "s", data: .sum(Sum(dataPoints: [NumberDataPoint(value: .double(1.5))], aggregationTemporality: .delta, isMonotonic: true))),
            Metric(name: "h", data: .histogram(Histogram(dataPoints: [
                HistogramDataPoint(attributes: attrs, count: 3, sum: 0, bucketCounts: [1, 2, 0], explicitBounds: [0.5, 1e300], exemplars: [Exemplar(value: .double(2))], flags: 1, min: -1, max: 2),
                HistogramDataPoint(count: 0),
            ], aggregationTemporality: .cumulative))),
            Metric(name: "e", data: .exponentialHistogram(ExponentialHistogram(dataPoints: [
                ExponentialHistogramDataPoint(count: 10, sum: 4, scale: -3, zeroCount: 1, positive: ExponentialBuckets(offset: -5, bucketCounts: [1, 300, 0]), negative: ExponentialBuckets(), flags: 1, min: 0.1, max: 9, zeroThreshold: 1e-9),
            ], aggregationTemporality: .delta))),
            Metric(name: "q", data: .summary([SummaryDataPoint(count: 4, sum: 8, quantileValues: [ValueAtQuantile(quantile: 0.5, value: 2), ValueAtQuantile()])])),
            Metric(name: "none"),
        ]
        return MetricsData(resourceMetrics: [ResourceMetrics(resource: Resource(), scopeMetrics: [ScopeMetrics(scope: InstrumentationScope(name: "m"), metrics: metrics, schemaUrl: "u")], schemaUrl: "v")])
    }

    static var logs: LogsData {
        let records = [
            LogRecord(timeUnixNano: 1, observedTimeUnixNano: 2, severityNumber: .error, severityText: "ERROR", body: "hello",
                      attributes: [Attribute("a", 1)], droppedAttributesCount: 1, flags: 1, traceId: traceID, spanId: spanID, eventName: "ev"),
            LogRecord(body: nestedValue),
            LogRecord(body: .empty),
            LogRecord(),
        ]
        return LogsData(resourceLogs: [ResourceLogs(resource: Resource(attributes: [Attribute("r", "s")]), scopeLogs: [ScopeLogs(scope: InstrumentationScope(), logRecords: records)])])
    }
}
