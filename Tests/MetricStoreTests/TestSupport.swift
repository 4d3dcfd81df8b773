import EventProtocol
@testable import MetricStore
import Pipeline
import SidecarModel

/// A store on a manual clock with its own counters and gauges.
struct Fixture {
    let counters = CounterRegistry()
    let clock = ManualMetricClock()
    let store: MetricStore

    init(_ config: MetricStoreConfig = .default, spanMetrics: SpanMetrics? = nil) {
        store = MetricStore(config: config, spanMetrics: spanMetrics, counters: counters, clock: clock)
    }

    /// Feeds metric events the way the event-protocol receiver does (one delta point per event).
    func send(_ events: [MetricEvent], resource: Resource? = nil) {
        var batch = EventBatch(resource: resource)
        for e in events { batch.add(metric: e) }
        if let data = batch.metrics { _ = store.consume(.metrics(data)) }
    }

    func send(_ metrics: [Metric], resource: Resource? = nil, scope: InstrumentationScope? = nil) {
        store.ingest(MetricsData(resourceMetrics: [ResourceMetrics(resource: resource, scopeMetrics: [ScopeMetrics(scope: scope, metrics: metrics)])]))
    }

    func metric(_ name: String) -> MetricSnapshot? {
        store.snapshot().first { $0.name == name }
    }

    func dropped(_ reason: MetricDropReason) -> UInt64 {
        counters.value("otel_sidecar_metric_store_dropped_points_total", [("reason", reason.rawValue)])
    }

    /// The text exposition without process metrics (they change between renders).
    func text(_ format: ExpositionFormat = .prometheusText, counters withCounters: Bool = false) -> String {
        let exposition = PrometheusExposition(store: store, counters: withCounters ? counters : nil, includeProcessMetrics: false,
                                              includeStoreTelemetry: withCounters)
        return String(decoding: exposition.render(format), as: UTF8.self)
    }
}

func sum(_ name: String, _ value: NumberValue, _ attributes: [Attribute] = [], temporality: AggregationTemporality = .delta,
         monotonic: Bool = true, unit: String = "", description: String = "", start: UInt64 = 0, time: UInt64 = 0) -> Metric {
    Metric(name: name, description: description, unit: unit, data: .sum(Sum(
        dataPoints: [NumberDataPoint(attributes: attributes, startTimeUnixNano: start, timeUnixNano: time, value: value)],
        aggregationTemporality: temporality, isMonotonic: monotonic)))
}

func gauge(_ name: String, _ value: Double, _ attributes: [Attribute] = [], unit: String = "", time: UInt64 = 0) -> Metric {
    Metric(name: name, unit: unit, data: .gauge([NumberDataPoint(attributes: attributes, timeUnixNano: time, value: .double(value))]))
}

func histogram(_ name: String, bounds: [Double], counts: [UInt64], sum: Double?, min: Double? = nil, max: Double? = nil,
               _ attributes: [Attribute] = [], temporality: AggregationTemporality = .delta, unit: String = "") -> Metric {
    Metric(name: name, unit: unit, data: .histogram(Histogram(dataPoints: [HistogramDataPoint(
        attributes: attributes, count: counts.reduce(0, +), sum: sum, bucketCounts: counts, explicitBounds: bounds, min: min, max: max)],
        aggregationTemporality: temporality)))
}

func lines(_ text: String, containing needle: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.contains(needle) }
}

extension Array where Element == (name: String, labels: [(String, String)], value: Double) {
    func value(_ name: String) -> Double? { first { $0.name == name }?.value }
}
