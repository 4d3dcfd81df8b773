import Pipeline
import SidecarModel
import Synchronization

/// Aggregates every metric the pipeline sees into cumulative series, for Prometheus exposition and for the
/// periodic OTLP export:
/// - delta sums and histograms (metric events, delta SDKs, span-derived metrics) are summed,
///   cumulative points replace the series' value, gauges keep the last value, summaries are carried;
/// - per metric name at most `cardinalityLimit` series, then one overflow series;
/// - series not updated for `expiry` are removed at the next sweep (every scrape sweeps).
///
/// Thread safety: metric names are spread over 16 lock stripes (`Mutex` each); a batch takes one stripe
/// lock per run of metrics with the same name, so receivers on different connections contend only when
/// they write the same names at the same moment. Resources and scopes are
/// interned once per batch under their own locks.
public final class MetricStore: TelemetrySink {
    public let name: String
    public let config: MetricStoreConfig
    public let spanMetrics: SpanMetrics?
    let clock: any MetricStoreClock

    private final class Stripe: Sendable {
        let families = Mutex<[String: MetricFamily]>([:])
    }

    private static let stripeCount = 16
    private let stripes: [Stripe]
    private let familyCount = Atomic<Int>(0)
    private let resources = Mutex(InternTable<[Attribute]>())
    private let scopes = Mutex(InternTable<ScopeKey>())
    private let expiryNanos: UInt64
    private let cardinalityLimit: Int
    private let maxMetrics: Int

    private let pointsCounter: Counter
    private let overflowCounter: Counter
    private let rebucketedCounter: Counter
    private let expiredCounter: Counter
    private let droppedCounters: [Counter]
    private let seriesAtSweep = Atomic<Int>(0)

    /// - Parameters:
    ///   - spanMetrics: when set, traces batches are turned into RED metrics (see `SpanMetrics`).
    ///   - counters: receives the store's own counters (see docs/metrics.md).
    ///   - clock: for expiry; tests pass a `ManualMetricClock`.
    public init(
        name: String = "metric_store", config: MetricStoreConfig = .default, spanMetrics: SpanMetrics? = nil,
        counters: CounterRegistry, clock: any MetricStoreClock = MonotonicMetricClock()
    ) {
        self.name = name
        self.config = config
        self.spanMetrics = spanMetrics
        self.clock = clock
        stripes = (0..<Self.stripeCount).map { _ in Stripe() }
        expiryNanos = Swift.max(config.expiry.nanoseconds, 1)
        cardinalityLimit = Swift.max(config.cardinalityLimit, 1)
        maxMetrics = Swift.max(config.maxMetrics, 1)
        pointsCounter = counters.counter("otel_sidecar_metric_store_points_total")
        overflowCounter = counters.counter("otel_sidecar_metric_store_overflow_points_total")
        rebucketedCounter = counters.counter("otel_sidecar_metric_store_rebucketed_points_total")
        expiredCounter = counters.counter("otel_sidecar_metric_store_expired_series_total")
        droppedCounters = MetricDropReason.allCases.map { counters.counter("otel_sidecar_metric_store_dropped_points_total", [("reason", $0.rawValue)]) }
    }

    /// Metrics batches are aggregated; traces batches feed the span-derived metrics (when configured);
    /// logs are ignored. Never refuses: aggregation is bounded by the limits, not by back-pressure.
    public func consume(_ batch: TelemetryBatch) -> SubmitResult {
        switch batch {
        case .metrics(let data): ingest(data)
        case .traces(let data): if let spanMetrics { ingest(spanMetrics.metrics(from: data)) }
        case .logs: break
        }
        return .accepted
    }

    /// Aggregates OTLP metrics.
    public func ingest(_ data: MetricsData) {
        let now = clock.nowNanoseconds()
        var stats = IngestStats()
        for rm in data.resourceMetrics {
            let resourceID = internResource(rm.resource, now: now)
            for sm in rm.scopeMetrics {
                let scopeID = internScope(sm.scope, now: now)
                // Consecutive metrics of one name (one per metric event) share one lock acquisition.
                let metrics = sm.metrics
                var i = 0
                while i < metrics.count {
                    var j = i + 1
                    while j < metrics.count && metrics[j].name == metrics[i].name { j += 1 }
                    ingest(metrics[i..<j], resource: resourceID, scope: scopeID, now: now, stats: &stats)
                    i = j
                }
            }
        }
        record(stats)
    }

    private func internResource(_ resource: Resource?, now: UInt64) -> Int32 {
        guard let attributes = resource?.attributes, !attributes.isEmpty else { return 0 }
        let key = AttributeSet.normalized(attributes)
        return resources.withLock { $0.intern(key, now: now) }
    }

    private func internScope(_ scope: InstrumentationScope?, now: UInt64) -> Int32 {
        guard let scope else { return 0 }
        let key = ScopeKey(name: scope.name, version: scope.version, attributes: AttributeSet.normalized(scope.attributes))
        if key.isEmpty { return 0 }
        return scopes.withLock { $0.intern(key, now: now) }
    }

    @inline(__always)
    private func stripe(for name: String) -> Stripe {
        stripes[name.hashValue & (Self.stripeCount - 1)]
    }

    /// Metrics that all have the same name.
    private func ingest(_ metrics: ArraySlice<Metric>, resource: Int32, scope: Int32, now: UInt64, stats: inout IngestStats) {
        let name = metrics.first!.name
        guard !name.isEmpty else {
            stats.drop(.invalidName, metrics.reduce(0) { $0 + $1.data.pointCount })
            return
        }
        let limits = MetricFamily.Limits(cardinality: cardinalityLimit, expiry: expiryNanos, now: now)
        stripe(for: name).families.withLock { families in
            var index = families.index(forKey: name)
            for metric in metrics {
                guard let kind = AggregationKind(metric.data) else { continue }
                if index == nil {
                    guard reserveFamily() else {
                        stats.drop(.metricLimit, metric.data.pointCount)
                        continue
                    }
                    let bounds = kind == .histogram ? config.histogramBounds[name] : nil
                    families[name] = MetricFamily(name: name, description: metric.description, unit: metric.unit, kind: kind, configuredBounds: bounds)
                    index = families.index(forKey: name)
                }
                let i = index!
                guard families.values[i].kind == kind else {
                    stats.drop(.typeConflict, metric.data.pointCount)
                    continue
                }
                if families.values[i].description.isEmpty && !metric.description.isEmpty {
                    families.values[i].description = metric.description
                }
                apply(metric.data, to: &families.values[i], resource: resource, scope: scope, limits: limits, stats: &stats)
            }
            if let i = index, families.values[i].series.isEmpty {
                // Every point was dropped (or ended its series): keep no empty family.
                families.remove(at: i)
                familyCount.subtract(1, ordering: .relaxed)
            }
        }
    }

    private func apply(_ data: MetricData, to family: inout MetricFamily, resource: Int32, scope: Int32, limits: MetricFamily.Limits,
                       stats: inout IngestStats) {
        switch data {
        case .none:
            break
        case .gauge(let points):
            for p in points {
                let key = SeriesKey(resource: resource, scope: scope, attributes: AttributeSet.normalized(p.attributes))
                family.apply(p, key: key, temporality: .unspecified, limits: limits, stats: &stats)
            }
        case .sum(let sum):
            for p in sum.dataPoints {
                let key = SeriesKey(resource: resource, scope: scope, attributes: AttributeSet.normalized(p.attributes))
                family.apply(p, key: key, temporality: sum.aggregationTemporality, limits: limits, stats: &stats)
            }
        case .histogram(let h):
            for p in h.dataPoints {
                let key = SeriesKey(resource: resource, scope: scope, attributes: AttributeSet.normalized(p.attributes))
                family.apply(p, key: key, temporality: h.aggregationTemporality, limits: limits, stats: &stats)
            }
        case .exponentialHistogram(let h):
            for p in h.dataPoints {
                let key = SeriesKey(resource: resource, scope: scope, attributes: AttributeSet.normalized(p.attributes))
                family.apply(p, key: key, temporality: h.aggregationTemporality, limits: limits, stats: &stats)
            }
        case .summary(let points):
            for p in points {
                let key = SeriesKey(resource: resource, scope: scope, attributes: AttributeSet.normalized(p.attributes))
                family.apply(p, key: key, limits: limits, stats: &stats)
            }
        }
    }

    private func reserveFamily() -> Bool {
        var current = familyCount.load(ordering: .relaxed)
        while current < maxMetrics {
            let (exchanged, original) = familyCount.compareExchange(expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    private func record(_ stats: IngestStats) {
        if stats.points > 0 { pointsCounter.add(UInt64(stats.points)) }
        if stats.overflowPoints > 0 { overflowCounter.add(UInt64(stats.overflowPoints)) }
        if stats.rebucketedPoints > 0 { rebucketedCounter.add(UInt64(stats.rebucketedPoints)) }
        if stats.expiredSeries > 0 { expiredCounter.add(UInt64(stats.expiredSeries)) }
        for (i, n) in stats.dropped.enumerated() where n > 0 { droppedCounters[i].add(UInt64(n)) }
    }

    // MARK: Expiry and reading

    /// Removes series not updated for `expiry` (and metrics left without series, and resources and scopes
    /// no series refers to any more). Every scrape calls this.
    public func sweep() {
        _ = contents(copy: false)
    }

    /// Sweeps, then copies every family out (copy-on-write: the locks are held only for the copy).
    func contents(copy: Bool = true) -> StoreContents {
        let now = clock.nowNanoseconds()
        let cutoff = now > expiryNanos ? now - expiryNanos : 0
        var families: [MetricFamily] = []
        var removed = 0
        var liveResources = Set<Int32>()
        var liveScopes = Set<Int32>()
        var seriesTotal = 0
        for stripe in stripes {
            let (copied, n, series) = stripe.families.withLock { map -> ([MetricFamily], Int, Int) in
                var n = 0
                var series = 0
                var emptied: [String] = []
                for i in map.indices {
                    n += map.values[i].removeExpired(cutoff: cutoff, now: now)
                    if map.values[i].series.isEmpty { emptied.append(map.keys[i]) }
                    series += map.values[i].series.count
                    for key in map.values[i].series.keys {
                        liveResources.insert(key.resource)
                        liveScopes.insert(key.scope)
                    }
                }
                for name in emptied { map[name] = nil }
                if !emptied.isEmpty { familyCount.subtract(emptied.count, ordering: .relaxed) }
                return (copy ? Array(map.values) : [], n, series)
            }
            removed += n
            seriesTotal += series
            families.append(contentsOf: copied)
        }
        if removed > 0 { expiredCounter.add(UInt64(removed)) }
        let resourceTable = resources.withLock { t in
            t.forget(olderThan: cutoff, except: liveResources)
            return t
        }
        let scopeTable = scopes.withLock { t in
            t.forget(olderThan: cutoff, except: liveScopes)
            return t
        }
        families.sort { $0.name < $1.name }
        seriesAtSweep.store(seriesTotal, ordering: .relaxed)
        return StoreContents(families: families, resources: resourceTable, scopes: scopeTable)
    }

    /// Every stored metric with its series (sorted by name; series in no particular order), after a sweep.
    public func snapshot() -> [MetricSnapshot] {
        let c = contents()
        return c.families.map { f in
            MetricSnapshot(
                name: f.name, description: f.description, unit: f.unit, kind: f.kind,
                series: f.series.map { key, s in
                    SeriesSnapshot(
                        resource: c.resources.key(key.resource), scope: c.scopes.key(key.scope).map {
                            InstrumentationScope(name: $0.name, version: $0.version, attributes: $0.attributes)
                        },
                        attributes: key.attributes, value: s.value, startTimeUnixNano: s.startTimeUnixNano, timeUnixNano: s.timeUnixNano)
                })
        }
    }

    /// Series across all metrics after the last sweep (`otel_sidecar_metric_store_series`).
    public var seriesAtLastSweep: Int { seriesAtSweep.load(ordering: .relaxed) }

    /// Metric names stored (`otel_sidecar_metric_store_metrics`).
    public var metricCount: Int { familyCount.load(ordering: .relaxed) }

    /// The number of series across all metrics (no sweep).
    public var seriesCount: Int {
        stripes.reduce(0) { total, stripe in total + stripe.families.withLock { $0.values.reduce(0) { $0 + $1.series.count } } }
    }
}
