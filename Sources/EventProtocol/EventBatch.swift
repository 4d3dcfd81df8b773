import SidecarModel

/// Collects the events of one socket read into OTLP-shaped data: one resource (the connection's), one
/// scope entry per distinct scope, spans, log records and metric events in arrival order.
public struct EventBatch: Sendable {
    public var resource: Resource?
    public private(set) var scopeSpans: [ScopeSpans] = []
    public private(set) var scopeLogs: [ScopeLogs] = []
    public private(set) var metricEvents: [MetricEvent] = []

    public init(resource: Resource?) {
        self.resource = resource
    }

    public var isEmpty: Bool { scopeSpans.isEmpty && scopeLogs.isEmpty && metricEvents.isEmpty }

    public mutating func add(span: Span, scope: InstrumentationScope?) {
        if let i = scopeSpans.lastIndex(where: { $0.scope == scope }) {
            scopeSpans[i].spans.append(span)
        } else {
            scopeSpans.append(ScopeSpans(scope: scope, spans: [span]))
        }
    }

    public mutating func add(log: LogRecord, scope: InstrumentationScope?) {
        if let i = scopeLogs.lastIndex(where: { $0.scope == scope }) {
            scopeLogs[i].logRecords.append(log)
        } else {
            scopeLogs.append(ScopeLogs(scope: scope, logRecords: [log]))
        }
    }

    public mutating func add(metric: MetricEvent) {
        metricEvents.append(metric)
    }

    public var traces: TracesData? {
        scopeSpans.isEmpty ? nil : TracesData(resourceSpans: [ResourceSpans(resource: resource, scopeSpans: scopeSpans)])
    }

    public var logs: LogsData? {
        scopeLogs.isEmpty ? nil : LogsData(resourceLogs: [ResourceLogs(resource: resource, scopeLogs: scopeLogs)])
    }

    /// Metric events as OTLP delta points, one per event; the metric store aggregates them (cumulative).
    public var metrics: MetricsData? {
        guard !metricEvents.isEmpty else { return nil }
        var scopes: [ScopeMetrics] = []
        for e in metricEvents {
            let metric = e.otlpMetric
            if let i = scopes.lastIndex(where: { $0.scope == e.scope }) {
                scopes[i].metrics.append(metric)
            } else {
                scopes.append(ScopeMetrics(scope: e.scope, metrics: [metric]))
            }
        }
        return MetricsData(resourceMetrics: [ResourceMetrics(resource: resource, scopeMetrics: scopes)])
    }
}

extension MetricEvent {
    /// The OTel SDK's default explicit histogram bounds.
    public static let defaultHistogramBounds: [Double] = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]

    /// This single measurement as an OTLP metric with one delta data point.
    public var otlpMetric: Metric {
        let point = NumberDataPoint(attributes: attributes, startTimeUnixNano: timeUnixNano, timeUnixNano: timeUnixNano, value: value)
        let data: MetricData
        switch kind {
        case .counter: data = .sum(Sum(dataPoints: [point], aggregationTemporality: .delta, isMonotonic: true))
        case .updowncounter: data = .sum(Sum(dataPoints: [point], aggregationTemporality: .delta, isMonotonic: false))
        case .gauge: data = .gauge([point])
        case .histogram:
            let v = value.asDouble
            let bounds = Self.defaultHistogramBounds
            var counts = [UInt64](repeating: 0, count: bounds.count + 1)
            counts[bounds.firstIndex(where: { v <= $0 }) ?? bounds.count] = 1
            data = .histogram(Histogram(dataPoints: [HistogramDataPoint(
                attributes: attributes, startTimeUnixNano: timeUnixNano, timeUnixNano: timeUnixNano, count: 1, sum: v,
                bucketCounts: counts, explicitBounds: bounds, min: v, max: v
            )], aggregationTemporality: .delta))
        }
        return Metric(name: name, description: description, unit: unit, data: data)
    }
}
