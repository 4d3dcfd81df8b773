import Pipeline
import SidecarConfig
import SidecarModel

/// RED metrics from spans, like the Collector's spanmetrics connector: per service, span name, kind, status
/// code and configured dimensions, a calls counter and a duration histogram (seconds); plus sums of numeric
/// attributes (token counts by model). The result is delta OTLP metrics, aggregated per batch, which the
/// `MetricStore` turns cumulative (and which an OTLP exporter could send as they are).
public struct SpanMetrics: Sendable {
    public let config: SpanMetricsConfig

    /// How one label of the calls/duration series is filled, in label-key order.
    private enum Source: Sendable {
        case service, spanName, kind, status
        case dimension(Int)
    }

    private let keys: [(key: String, source: Source)]
    private let sums: [PreparedSum]
    private let spansCounter: Counter?
    private let ignoredNotNumeric: Counter?
    private let ignoredNegative: Counter?

    private struct PreparedSum: Sendable {
        var name: String
        var unit: String
        var description: String
        var attribute: String
        /// Label keys in order, `service.name` included (nil source index = service).
        var keys: [(key: String, by: Int?)]
    }

    /// Fails with every problem of `config` (see `SpanMetricsConfig.validate()`).
    public init(config: SpanMetricsConfig = .default, counters: CounterRegistry? = nil) throws(SpanMetricsConfigError) {
        let problems = config.validate()
        guard problems.isEmpty else { throw SpanMetricsConfigError(problems: problems) }
        self.config = config
        var keys: [(String, Source)] = [("service.name", .service), ("span.name", .spanName), ("span.kind", .kind), ("status.code", .status)]
        for (i, d) in config.dimensions.enumerated() { keys.append((d.name, .dimension(i))) }
        self.keys = keys.sorted { $0.0 < $1.0 }.map { (key: $0.0, source: $0.1) }
        sums = config.attributeSums.map { s in
            var k: [(String, Int?)] = [("service.name", nil)]
            for (i, b) in s.by.enumerated() { k.append((b, i)) }
            return PreparedSum(
                name: config.sumName(s), unit: s.unit, description: s.description ?? "Sum of the span attribute \(s.attribute).",
                attribute: s.attribute, keys: k.sorted { $0.0 < $1.0 }.map { (key: $0.0, by: $0.1) })
        }
        spansCounter = counters?.counter("otel_sidecar_span_metrics_spans_total")
        ignoredNotNumeric = counters?.counter("otel_sidecar_span_metrics_ignored_values_total", [("reason", "not_numeric")])
        ignoredNegative = counters?.counter("otel_sidecar_span_metrics_ignored_values_total", [("reason", "negative")])
    }

    private struct DurationAggregate {
        var calls: Int64 = 0
        var counts: [UInt64]
        var sum: Double = 0
        var min: Double = .infinity
        var max: Double = -.infinity

        mutating func record(_ seconds: Double, bucket: Int) {
            calls += 1
            counts[bucket] += 1
            sum += seconds
            min = Swift.min(min, seconds)
            max = Swift.max(max, seconds)
        }
    }

    /// Delta metrics for the spans of one batch (empty when disabled or without spans).
    public func metrics(from traces: TracesData) -> MetricsData {
        guard config.enabled else { return MetricsData() }
        let bounds = config.durationBuckets
        // Label sets of this batch: a hash of the label values → the newest entry with it; `next` chains
        // entries whose hashes collide.
        var entries: [(labels: [Attribute], aggregate: DurationAggregate, next: Int)] = []
        var entryIndex: [Int: Int] = [:]
        var lastEntry = -1
        var totals = [[[Attribute]: Double]](repeating: [:], count: sums.count)
        var integral = [Bool](repeating: true, count: sums.count)
        var lastSumLabels = [[Attribute]?](repeating: nil, count: sums.count)
        var first = UInt64.max
        var last: UInt64 = 0
        var spans = 0
        var notNumeric: UInt64 = 0
        var negative: UInt64 = 0

        for rs in traces.resourceSpans {
            let resourceAttributes = rs.resource?.attributes ?? []
            let service = resourceAttributes[key: "service.name"] ?? .string("unknown_service")
            let resourceDimensions = config.dimensions.map { resourceAttributes[key: $0.name] }
            for ss in rs.scopeSpans {
                for span in ss.spans {
                    spans += 1
                    first = Swift.min(first, span.endTimeUnixNano)
                    last = Swift.max(last, span.endTimeUnixNano)
                    // Spans of a batch mostly repeat the previous span's label set: compare with it in place
                    // (no array, no hashing); only a different set builds its labels and looks them up.
                    if lastEntry < 0 || !labelsMatch(entries[lastEntry].labels, span, service: service, resourceDimensions: resourceDimensions) {
                        // Hash the label values in place; build the label set only for a new one.
                        let h = hashLabels(span, service: service, resourceDimensions: resourceDimensions)
                        var found = entryIndex[h] ?? -1
                        while found >= 0 && !labelsMatch(entries[found].labels, span, service: service, resourceDimensions: resourceDimensions) {
                            found = entries[found].next
                        }
                        if found < 0 {
                            entries.append((makeLabels(span, service: service, resourceDimensions: resourceDimensions),
                                            DurationAggregate(counts: [UInt64](repeating: 0, count: bounds.count + 1)), entryIndex[h] ?? -1))
                            found = entries.count - 1
                            entryIndex[h] = found
                        }
                        lastEntry = found
                    }
                    let seconds = span.endTimeUnixNano > span.startTimeUnixNano
                        ? Double(span.endTimeUnixNano - span.startTimeUnixNano) / 1e9 : 0
                    var bucket = bounds.count
                    for (i, b) in bounds.enumerated() where seconds <= b {
                        bucket = i
                        break
                    }
                    entries[lastEntry].aggregate.record(seconds, bucket: bucket)

                    for (s, sum) in sums.enumerated() {
                        guard let raw = span.attributes[key: sum.attribute] else { continue }
                        let value: Double
                        switch raw {
                        case .int(let i): value = Double(i)
                        case .double(let d):
                            value = d
                            integral[s] = false
                        default:
                            notNumeric += 1
                            continue
                        }
                        guard value >= 0, value.isFinite else {
                            negative += 1
                            continue
                        }
                        // As for the calls: reuse the previous span's label set when it is the same.
                        if let previous = lastSumLabels[s], Self.sumLabelsMatch(previous, sum, span, service: service, resource: resourceAttributes) {
                            totals[s][previous, default: 0] += value
                            continue
                        }
                        var sumLabels: [Attribute] = []
                        for (key, by) in sum.keys {
                            if by == nil {
                                sumLabels.append(Attribute(key, service))
                            } else if let v = span.attributes[key: key] ?? resourceAttributes[key: key] {
                                sumLabels.append(Attribute(key, v))
                            }
                        }
                        totals[s][sumLabels, default: 0] += value
                        lastSumLabels[s] = sumLabels
                    }
                }
            }
        }
        if spans > 0 { spansCounter?.add(UInt64(spans)) }
        if notNumeric > 0 { ignoredNotNumeric?.add(notNumeric) }
        if negative > 0 { ignoredNegative?.add(negative) }
        guard spans > 0 else { return MetricsData() }

        let start = first == UInt64.max ? last : first
        var calls: [NumberDataPoint] = []
        var durations: [HistogramDataPoint] = []
        calls.reserveCapacity(entries.count)
        durations.reserveCapacity(entries.count)
        for (labels, agg, _) in entries {
            calls.append(NumberDataPoint(attributes: labels, startTimeUnixNano: start, timeUnixNano: last, value: .int(agg.calls)))
            durations.append(HistogramDataPoint(
                attributes: labels, startTimeUnixNano: start, timeUnixNano: last, count: UInt64(agg.calls), sum: agg.sum,
                bucketCounts: agg.counts, explicitBounds: bounds, min: agg.min, max: agg.max))
        }
        var metrics = [
            Metric(name: config.callsName, description: "Number of spans, by service, span name, kind, status code and the configured dimensions.",
                   data: .sum(Sum(dataPoints: calls, aggregationTemporality: .delta, isMonotonic: true))),
            Metric(name: config.durationName, description: "Duration of spans, by service, span name, kind, status code and the configured dimensions.",
                   unit: "s", data: .histogram(Histogram(dataPoints: durations, aggregationTemporality: .delta))),
        ]
        for (s, sum) in sums.enumerated() where !totals[s].isEmpty {
            let points = totals[s].map { labels, total in
                NumberDataPoint(attributes: labels, startTimeUnixNano: start, timeUnixNano: last,
                                value: integral[s] && total < 9.0e15 ? .int(Int64(total)) : .double(total))
            }
            metrics.append(Metric(name: sum.name, description: sum.description, unit: sum.unit,
                                  data: .sum(Sum(dataPoints: points, aggregationTemporality: .delta, isMonotonic: true))))
        }
        return MetricsData(resourceMetrics: [ResourceMetrics(scopeMetrics: [ScopeMetrics(metrics: metrics)])])
    }

    /// The calls/duration label set of a span, in label-key order.
    private func makeLabels(_ span: Span, service: AttributeValue, resourceDimensions: [AttributeValue?]) -> [Attribute] {
        var labels: [Attribute] = []
        labels.reserveCapacity(keys.count)
        for (key, source) in keys {
            switch source {
            case .service: labels.append(Attribute(key, service))
            case .spanName: labels.append(Attribute(key, .string(span.name)))
            case .kind: labels.append(Attribute(key, .string(Self.kindName(span.kind))))
            case .status: labels.append(Attribute(key, .string(Self.statusName(span.status?.code ?? .unset))))
            case .dimension(let i):
                if let v = span.attributes[key: key] ?? resourceDimensions[i] {
                    labels.append(Attribute(key, v))
                } else if let d = config.dimensions[i].defaultValue {
                    labels.append(Attribute(key, .string(d)))
                }
            }
        }
        return labels
    }

    /// Random per process, so crafted label values cannot line up a batch's label sets on one chain.
    private static let hashSeed = UInt64.random(in: 1...UInt64.max)

    /// A hash of what `makeLabels(span, …)` would hold, without building it.
    private func hashLabels(_ span: Span, service: AttributeValue, resourceDimensions: [AttributeValue?]) -> Int {
        var h = WordHash(seed: Self.hashSeed)
        h.add(service)
        h.add(span.name)
        h.add(Self.kindName(span.kind))  // names, not codes: unknown codes share a name
        h.add(Self.statusName(span.status?.code ?? .unset))
        for (key, source) in keys {
            guard case .dimension(let i) = source else { continue }
            if let v = span.attributes[key: key] ?? resourceDimensions[i] {
                h.add(v)
            } else if let d = config.dimensions[i].defaultValue {
                h.add(AttributeValue.string(d))
            } else {
                h.add(word: 0xA85E7)  // absent: the label is left out
            }
        }
        return Int(truncatingIfNeeded: h.finalized)
    }

    /// Whether `makeLabels(span, …)` would equal `labels`, without building it.
    private func labelsMatch(_ labels: [Attribute], _ span: Span, service: AttributeValue, resourceDimensions: [AttributeValue?]) -> Bool {
        var j = 0
        func next(_ key: String, _ value: AttributeValue) -> Bool {
            guard j < labels.count, labels[j].key == key, labels[j].value == value else { return false }
            j += 1
            return true
        }
        func nextString(_ key: String, _ value: String) -> Bool {
            guard j < labels.count, labels[j].key == key, case .string(let s) = labels[j].value, s == value else { return false }
            j += 1
            return true
        }
        for (key, source) in keys {
            switch source {
            case .service: guard next(key, service) else { return false }
            case .spanName: guard nextString(key, span.name) else { return false }
            case .kind: guard nextString(key, Self.kindName(span.kind)) else { return false }
            case .status: guard nextString(key, Self.statusName(span.status?.code ?? .unset)) else { return false }
            case .dimension(let i):
                if let v = span.attributes[key: key] ?? resourceDimensions[i] {
                    guard next(key, v) else { return false }
                } else if let d = config.dimensions[i].defaultValue {
                    guard nextString(key, d) else { return false }
                }
            }
        }
        return j == labels.count
    }

    private static func sumLabelsMatch(_ labels: [Attribute], _ sum: PreparedSum, _ span: Span, service: AttributeValue, resource: [Attribute]) -> Bool {
        var j = 0
        for (key, by) in sum.keys {
            let value: AttributeValue? = by == nil ? service : (span.attributes[key: key] ?? resource[key: key])
            guard let value else { continue }
            guard j < labels.count, labels[j].key == key, labels[j].value == value else { return false }
            j += 1
        }
        return j == labels.count
    }

    /// `SPAN_KIND_SERVER` etc., as the Collector's spanmetrics connector labels them.
    static func kindName(_ kind: SpanKind) -> String {
        switch kind {
        case .internal: return "SPAN_KIND_INTERNAL"
        case .server: return "SPAN_KIND_SERVER"
        case .client: return "SPAN_KIND_CLIENT"
        case .producer: return "SPAN_KIND_PRODUCER"
        case .consumer: return "SPAN_KIND_CONSUMER"
        default: return "SPAN_KIND_UNSPECIFIED"
        }
    }

    static func statusName(_ code: StatusCode) -> String {
        switch code {
        case .ok: return "STATUS_CODE_OK"
        case .error: return "STATUS_CODE_ERROR"
        default: return "STATUS_CODE_UNSET"
        }
    }
}
