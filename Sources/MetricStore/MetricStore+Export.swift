import SidecarModel

extension MetricStore {
    /// The aggregated series as cumulative OTLP metrics, for the periodic OTLP export: one `ResourceMetrics`
    /// per resource and one `ScopeMetrics` per scope, as received; delta inputs appear as cumulative sums
    /// and histograms starting at their first point; series from metric events or span metrics have no
    /// resource. Sorted by resource, scope and metric name. Sweeps first.
    public func cumulativeMetrics() -> MetricsData {
        let c = contents()
        let now = WallClock.nowUnixNano()
        // resource → scope → family index → series
        var groups: [Int32: [Int32: [Int: [(SeriesKey, Series)]]]] = [:]
        for (index, family) in c.families.enumerated() {
            for (key, series) in family.series {
                groups[key.resource, default: [:]][key.scope, default: [:]][index, default: []].append((key, series))
            }
        }
        var out = MetricsData()
        for resourceID in groups.keys.sorted() {
            let resource = c.resources.key(resourceID).map { Resource(attributes: $0) }
            var rm = ResourceMetrics(resource: resource)
            for (scopeID, byFamily) in groups[resourceID]!.sorted(by: { $0.key < $1.key }) {
                let scope = c.scopes.key(scopeID).map { InstrumentationScope(name: $0.name, version: $0.version, attributes: $0.attributes) }
                let metrics = byFamily.keys.sorted().map { index in
                    Self.metric(c.families[index], series: byFamily[index]!, now: now)
                }
                rm.scopeMetrics.append(ScopeMetrics(scope: scope, metrics: metrics))
            }
            out.resourceMetrics.append(rm)
        }
        return out
    }

    private static func metric(_ family: MetricFamily, series: [(SeriesKey, Series)], now: UInt64) -> Metric {
        func times(_ s: Series) -> (start: UInt64, time: UInt64) {
            let time = s.timeUnixNano != 0 ? s.timeUnixNano : now
            return (s.startTimeUnixNano != 0 && s.startTimeUnixNano <= time ? s.startTimeUnixNano : time, time)
        }
        func numbers() -> [NumberDataPoint] {
            series.compactMap { key, s in
                guard case .number(let v) = s.value else { return nil }
                let (start, time) = times(s)
                return NumberDataPoint(attributes: key.attributes, startTimeUnixNano: start, timeUnixNano: time, value: numberValue(v, s.isInteger))
            }
        }
        let data: MetricData
        switch family.kind {
        case .counter: data = .sum(Sum(dataPoints: numbers(), aggregationTemporality: .cumulative, isMonotonic: true))
        case .upDownCounter: data = .sum(Sum(dataPoints: numbers(), aggregationTemporality: .cumulative, isMonotonic: false))
        case .gauge: data = .gauge(numbers())
        case .histogram:
            data = .histogram(Histogram(dataPoints: series.compactMap { key, s in
                guard case .histogram(let v) = s.value else { return nil }
                let (start, time) = times(s)
                return HistogramDataPoint(attributes: key.attributes, startTimeUnixNano: start, timeUnixNano: time, count: v.count, sum: v.sum,
                                          bucketCounts: v.counts, explicitBounds: v.bounds, min: v.min, max: v.max)
            }, aggregationTemporality: .cumulative))
        case .exponentialHistogram:
            data = .exponentialHistogram(ExponentialHistogram(dataPoints: series.compactMap { key, s in
                guard case .exponentialHistogram(let v) = s.value else { return nil }
                let (start, time) = times(s)
                return ExponentialHistogramDataPoint(
                    attributes: key.attributes, startTimeUnixNano: start, timeUnixNano: time, count: v.count, sum: v.sum, scale: v.scale,
                    zeroCount: v.zeroCount, positive: v.positive, negative: v.negative, min: v.min, max: v.max, zeroThreshold: v.zeroThreshold)
            }, aggregationTemporality: .cumulative))
        case .summary:
            data = .summary(series.compactMap { key, s in
                guard case .summary(let v) = s.value else { return nil }
                let (start, time) = times(s)
                return SummaryDataPoint(attributes: key.attributes, startTimeUnixNano: start, timeUnixNano: time, count: v.count, sum: v.sum,
                                        quantileValues: v.quantiles)
            })
        }
        return Metric(name: family.name, description: family.description, unit: family.unit, data: data)
    }

    private static func numberValue(_ v: Double, _ isInteger: Bool) -> NumberValue {
        if isInteger && v.isFinite && abs(v) < 9.0e18 { return .int(Int64(v)) }
        return .double(v)
    }
}
