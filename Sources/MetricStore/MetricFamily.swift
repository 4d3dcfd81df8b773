import SidecarModel

/// The shape of a stored metric, fixed by its first point; points of another shape under the same name
/// are dropped (`reason="type_conflict"`), since Prometheus allows one TYPE per family.
public enum AggregationKind: String, Sendable, Hashable, CaseIterable {
    /// Monotonic sum (Prometheus counter).
    case counter
    /// Non-monotonic sum (Prometheus gauge).
    case upDownCounter = "updowncounter"
    case gauge
    case histogram
    /// Exposed as a classic histogram (see `MetricStoreConfig.exponentialHistogramMaxBuckets`).
    case exponentialHistogram = "exponential_histogram"
    case summary

    init?(_ data: MetricData) {
        switch data {
        case .none: return nil
        case .gauge: self = .gauge
        case .sum(let s): self = s.isMonotonic ? .counter : .upDownCounter
        case .histogram: self = .histogram
        case .exponentialHistogram: self = .exponentialHistogram
        case .summary: self = .summary
        }
    }
}

/// Why the store dropped a data point; the raw value is the `reason` label.
public enum MetricDropReason: String, Sendable, CaseIterable {
    /// The name is already stored with another kind.
    case typeConflict = "type_conflict"
    /// A cumulative point or a summary for a new series of a metric at its cardinality limit.
    case cardinalityLimit = "cardinality_limit"
    /// A new metric name while `maxMetrics` names are stored.
    case metricLimit = "metric_limit"
    /// A sum or histogram with unspecified (or unknown) aggregation temporality.
    case unspecifiedTemporality = "unspecified_temporality"
    /// No value, a negative or NaN counter increment, or bucket counts that do not fit the bounds.
    case invalidValue = "invalid_value"
    /// An empty metric name.
    case invalidName = "invalid_name"
}

struct Series: Sendable {
    var value: SeriesValue
    /// Every merged number was an integer (the OTLP export then uses `as_int`).
    var isInteger: Bool
    var startTimeUnixNano: UInt64
    var timeUnixNano: UInt64
    /// Store clock at the last update, for expiry.
    var lastUpdate: UInt64
}

/// Per-call tallies, added to the counters once per batch.
struct IngestStats {
    var points = 0
    var overflowPoints = 0
    var rebucketedPoints = 0
    var expiredSeries = 0
    var dropped = [Int](repeating: 0, count: MetricDropReason.allCases.count)

    mutating func drop(_ reason: MetricDropReason, _ n: Int = 1) {
        dropped[MetricDropReason.allCases.firstIndex(of: reason)!] += n
    }
}

/// One metric name: its metadata and series. Mutated only under its stripe's lock.
struct MetricFamily: Sendable {
    let name: String
    var description: String
    var unit: String
    let kind: AggregationKind
    /// Configured bounds for delta histograms of this name.
    let configuredBounds: [Double]?
    var series: [SeriesKey: Series] = [:]
    /// Series other than the overflow series.
    var regularCount = 0
    var lastLimitSweep: UInt64 = 0

    init(name: String, description: String, unit: String, kind: AggregationKind, configuredBounds: [Double]?) {
        self.name = name
        self.description = description
        self.unit = unit
        self.kind = kind
        self.configuredBounds = configuredBounds
    }

    struct Limits {
        var cardinality: Int
        var expiry: UInt64
        var now: UInt64
    }

    /// Where a new point goes: an existing series, a new one, the overflow series, or nowhere.
    private enum Slot {
        case existing(Dictionary<SeriesKey, Series>.Index)
        case new(SeriesKey)
        case dropped
    }

    private mutating func slot(_ key: SeriesKey, overflowAllowed: Bool, limits: Limits, stats: inout IngestStats) -> Slot {
        if let i = series.index(forKey: key) { return .existing(i) }
        if key == .overflow { return .new(key) }
        if regularCount >= limits.cardinality, limits.now &- lastLimitSweep >= 1_000_000_000 {
            // At most once a second: free the places of expired series before overflowing.
            lastLimitSweep = limits.now
            stats.expiredSeries += removeExpired(cutoff: limits.now &- limits.expiry, now: limits.now)
        }
        if regularCount < limits.cardinality {
            regularCount += 1
            return .new(key)
        }
        guard overflowAllowed else {
            stats.drop(.cardinalityLimit)
            return .dropped
        }
        stats.overflowPoints += 1
        if let i = series.index(forKey: .overflow) { return .existing(i) }
        return .new(.overflow)
    }

    /// Removes series not updated since `cutoff`; returns how many.
    mutating func removeExpired(cutoff: UInt64, now: UInt64) -> Int {
        guard now > cutoff, series.values.contains(where: { $0.lastUpdate < cutoff }) else { return 0 }
        let before = series.count
        series = series.filter { $0.value.lastUpdate >= cutoff }
        let removed = before - series.count
        if removed > 0 {
            regularCount = series.count - (series[.overflow] == nil ? 0 : 1)
        }
        return removed
    }

    private mutating func remove(_ key: SeriesKey) {
        if series.removeValue(forKey: key) != nil, key != .overflow { regularCount -= 1 }
    }

    // MARK: Number points (sums and gauges)

    mutating func apply(_ p: NumberDataPoint, key: SeriesKey, temporality: AggregationTemporality, limits: Limits, stats: inout IngestStats) {
        if p.flags & 1 != 0 { remove(key); return }  // no_recorded_value: the series ended
        let v: Double
        switch p.value {
        case .none: stats.drop(.invalidValue); return
        case .int(let i): v = Double(i)
        case .double(let d): v = d
        }
        let isInt: Bool
        if case .int = p.value { isInt = true } else { isInt = false }
        let delta: Bool
        switch kind {
        case .gauge:
            delta = false
        default:
            switch temporality {
            case .delta: delta = true
            case .cumulative: delta = false
            default: stats.drop(.unspecifiedTemporality); return
            }
        }
        if kind == .counter && (v.isNaN || v < 0) && delta { stats.drop(.invalidValue); return }
        if kind == .counter && v.isNaN { stats.drop(.invalidValue); return }

        switch slot(key, overflowAllowed: delta || kind == .gauge, limits: limits, stats: &stats) {
        case .dropped:
            return
        case .new(let k):
            series[k] = Series(value: .number(v), isInteger: isInt, startTimeUnixNano: p.startTimeUnixNano != 0 ? p.startTimeUnixNano : p.timeUnixNano,
                               timeUnixNano: p.timeUnixNano, lastUpdate: limits.now)
        case .existing(let i):
            series.values[i].lastUpdate = limits.now
            guard case .number(let old) = series.values[i].value else { return }
            if delta {
                series.values[i].value = .number(old + v)
                series.values[i].isInteger = series.values[i].isInteger && isInt
                series.values[i].timeUnixNano = Swift.max(series.values[i].timeUnixNano, p.timeUnixNano)
            } else if kind == .gauge {
                // Last value by timestamp: an older point arriving late does not win.
                guard p.timeUnixNano == 0 || p.timeUnixNano >= series.values[i].timeUnixNano else { return }
                series.values[i].value = .number(v)
                series.values[i].isInteger = isInt
                series.values[i].timeUnixNano = p.timeUnixNano
            } else {
                series.values[i].value = .number(v)
                series.values[i].isInteger = isInt
                if p.startTimeUnixNano != 0 { series.values[i].startTimeUnixNano = p.startTimeUnixNano }
                series.values[i].timeUnixNano = p.timeUnixNano
            }
        }
        stats.points += 1
    }

    // MARK: Histograms

    mutating func apply(_ p: HistogramDataPoint, key: SeriesKey, temporality: AggregationTemporality, limits: Limits, stats: inout IngestStats) {
        if p.flags & 1 != 0 { remove(key); return }
        guard p.bucketCounts.isEmpty || p.bucketCounts.count == p.explicitBounds.count + 1 else {
            stats.drop(.invalidValue)
            return
        }
        let delta: Bool
        switch temporality {
        case .delta: delta = true
        case .cumulative: delta = false
        default: stats.drop(.unspecifiedTemporality); return
        }
        switch slot(key, overflowAllowed: delta, limits: limits, stats: &stats) {
        case .dropped:
            return
        case .new(let k):
            let start = p.startTimeUnixNano != 0 ? p.startTimeUnixNano : p.timeUnixNano
            if delta {
                var h = HistogramValue(bounds: configuredBounds ?? (p.bucketCounts.isEmpty ? [] : p.explicitBounds))
                if !h.add(delta: p) { stats.rebucketedPoints += 1 }
                series[k] = Series(value: .histogram(h), isInteger: false, startTimeUnixNano: start, timeUnixNano: p.timeUnixNano, lastUpdate: limits.now)
            } else {
                series[k] = Series(value: .histogram(HistogramValue(point: p)!), isInteger: false, startTimeUnixNano: start,
                                   timeUnixNano: p.timeUnixNano, lastUpdate: limits.now)
            }
        case .existing(let i):
            series.values[i].lastUpdate = limits.now
            if delta {
                guard case .histogram(var h) = series.values[i].value else { return }
                series.values[i].value = .number(0)  // drop the reference so `h` is mutated in place
                if !h.add(delta: p) { stats.rebucketedPoints += 1 }
                series.values[i].value = .histogram(h)
                series.values[i].timeUnixNano = Swift.max(series.values[i].timeUnixNano, p.timeUnixNano)
            } else {
                series.values[i].value = .histogram(HistogramValue(point: p)!)
                if p.startTimeUnixNano != 0 { series.values[i].startTimeUnixNano = p.startTimeUnixNano }
                series.values[i].timeUnixNano = p.timeUnixNano
            }
        }
        stats.points += 1
    }

    // MARK: Exponential histograms

    mutating func apply(_ p: ExponentialHistogramDataPoint, key: SeriesKey, temporality: AggregationTemporality, limits: Limits, stats: inout IngestStats) {
        if p.flags & 1 != 0 { remove(key); return }
        let delta: Bool
        switch temporality {
        case .delta: delta = true
        case .cumulative: delta = false
        default: stats.drop(.unspecifiedTemporality); return
        }
        guard p.scale >= -10 && p.scale <= 20 else { stats.drop(.invalidValue); return }
        switch slot(key, overflowAllowed: delta, limits: limits, stats: &stats) {
        case .dropped:
            return
        case .new(let k):
            series[k] = Series(value: .exponentialHistogram(ExponentialHistogramValue(point: p)), isInteger: false,
                               startTimeUnixNano: p.startTimeUnixNano != 0 ? p.startTimeUnixNano : p.timeUnixNano,
                               timeUnixNano: p.timeUnixNano, lastUpdate: limits.now)
        case .existing(let i):
            series.values[i].lastUpdate = limits.now
            if delta {
                guard case .exponentialHistogram(var h) = series.values[i].value else { return }
                series.values[i].value = .number(0)
                h.add(delta: p)
                series.values[i].value = .exponentialHistogram(h)
                series.values[i].timeUnixNano = Swift.max(series.values[i].timeUnixNano, p.timeUnixNano)
            } else {
                series.values[i].value = .exponentialHistogram(ExponentialHistogramValue(point: p))
                if p.startTimeUnixNano != 0 { series.values[i].startTimeUnixNano = p.startTimeUnixNano }
                series.values[i].timeUnixNano = p.timeUnixNano
            }
        }
        stats.points += 1
    }

    // MARK: Summaries

    mutating func apply(_ p: SummaryDataPoint, key: SeriesKey, limits: Limits, stats: inout IngestStats) {
        if p.flags & 1 != 0 { remove(key); return }
        let value = SeriesValue.summary(SummaryValue(count: p.count, sum: p.sum, quantiles: p.quantileValues.sorted { $0.quantile < $1.quantile }))
        switch slot(key, overflowAllowed: false, limits: limits, stats: &stats) {
        case .dropped:
            return
        case .new(let k):
            series[k] = Series(value: value, isInteger: false, startTimeUnixNano: p.startTimeUnixNano != 0 ? p.startTimeUnixNano : p.timeUnixNano,
                               timeUnixNano: p.timeUnixNano, lastUpdate: limits.now)
        case .existing(let i):
            series.values[i].value = value
            series.values[i].lastUpdate = limits.now
            if p.startTimeUnixNano != 0 { series.values[i].startTimeUnixNano = p.startTimeUnixNano }
            series.values[i].timeUnixNano = p.timeUnixNano
        }
        stats.points += 1
    }
}
