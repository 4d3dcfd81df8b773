import EventProtocol
@testable import MetricStore
import Pipeline
import SidecarModel
import Testing

@Suite("Aggregation per kind")
struct AggregationTests {
    @Test func counterEventsBecomeACumulativeSumPerAttributeSet() {
        let f = Fixture()
        f.send([
            MetricEvent(name: "tool.calls", kind: .counter, value: .int(1), attributes: [Attribute("tool", "search"), Attribute("backend", "a")]),
            MetricEvent(name: "tool.calls", kind: .counter, value: .int(2), attributes: [Attribute("backend", "a"), Attribute("tool", "search")]),
            MetricEvent(name: "tool.calls", kind: .counter, value: .int(5), attributes: [Attribute("tool", "fetch")]),
        ])
        f.send([MetricEvent(name: "tool.calls", kind: .counter, value: .int(3), attributes: [Attribute("tool", "search"), Attribute("backend", "a")])])
        let m = f.metric("tool.calls")
        #expect(m?.kind == .counter)
        #expect(m?.series.count == 2)
        #expect(m?.series([Attribute("tool", "search"), Attribute("backend", "a")])?.number == 6)
        #expect(m?.series([Attribute("tool", "fetch")])?.number == 5)
        #expect(f.counters.value("otel_sidecar_metric_store_points_total") == 4)
    }

    @Test func upDownCounterAddsSignedDeltas() {
        let f = Fixture()
        f.send([
            MetricEvent(name: "sessions.active", kind: .updowncounter, value: .int(5)),
            MetricEvent(name: "sessions.active", kind: .updowncounter, value: .int(-2)),
            MetricEvent(name: "sessions.active", kind: .updowncounter, value: .double(0.5)),
        ])
        let m = f.metric("sessions.active")
        #expect(m?.kind == .upDownCounter)
        #expect(m?.series.first?.number == 3.5)
        #expect(f.text().contains("# TYPE sessions_active gauge\nsessions_active 3.5\n"))
    }

    @Test func gaugeKeepsTheLastValueByTimestamp() {
        let f = Fixture()
        f.send([MetricEvent(name: "queue.depth", kind: .gauge, value: .int(7), timeUnixNano: 100)])
        f.send([MetricEvent(name: "queue.depth", kind: .gauge, value: .int(9), timeUnixNano: 300)])
        f.send([MetricEvent(name: "queue.depth", kind: .gauge, value: .int(8), timeUnixNano: 200)])  // late, older
        #expect(f.metric("queue.depth")?.series.first?.number == 9)
    }

    @Test func histogramEventsAccumulateInTheDefaultBounds() throws {
        let f = Fixture()
        f.send([3.0, 7, 700, 20000].map { MetricEvent(name: "latency", kind: .histogram, value: .double($0), unit: "ms") })
        guard case .histogram(let h) = f.metric("latency")?.series.first?.value else {
            Issue.record("no histogram")
            return
        }
        #expect(h.bounds == MetricEvent.defaultHistogramBounds)
        #expect(h.count == 4)
        #expect(h.sum == 20710)
        #expect(h.min == 3 && h.max == 20000)
        // 3 → (0,5], 7 → (5,10], 700 → (500,750], 20000 → (10000, +Inf)
        #expect(h.counts == [0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1])
        #expect(f.counters.value("otel_sidecar_metric_store_rebucketed_points_total") == 0)
        let text = f.text()
        #expect(text.contains("latency_milliseconds_bucket{le=\"5\"} 1\n"))
        #expect(text.contains("latency_milliseconds_bucket{le=\"750\"} 3\n"))
        #expect(text.contains("latency_milliseconds_bucket{le=\"10000\"} 3\n"))
        #expect(text.contains("latency_milliseconds_bucket{le=\"+Inf\"} 4\n"))
        #expect(text.contains("latency_milliseconds_sum 20710\nlatency_milliseconds_count 4\n"))
    }

    @Test func configuredBoundsRebucketSingleObservationsExactly() {
        let f = Fixture(MetricStoreConfig(histogramBounds: ["tool.duration": [0.1, 1, 10]]))
        f.send([0.05, 0.5, 0.7, 5, 50].map { MetricEvent(name: "tool.duration", kind: .histogram, value: .double($0), unit: "s") })
        guard case .histogram(let h) = f.metric("tool.duration")?.series.first?.value else {
            Issue.record("no histogram")
            return
        }
        #expect(h.bounds == [0.1, 1, 10])
        #expect(h.counts == [1, 2, 1, 1])
        #expect(h.count == 5)
        #expect(f.counters.value("otel_sidecar_metric_store_rebucketed_points_total") == 0)
    }

    @Test func differentBoundsForOneSeriesAreMappedConservativelyAndCounted() {
        let f = Fixture()
        f.send([histogram("h", bounds: [1, 10, 100], counts: [1, 1, 1, 0], sum: 60)])
        // Coarser bounds: 2 observations in (0, 50], 1 in (50, +Inf); min 5, max 80.
        f.send([histogram("h", bounds: [0, 50], counts: [0, 2, 1], sum: 110, min: 5, max: 80)])
        guard case .histogram(let h) = f.metric("h")?.series.first?.value else {
            Issue.record("no histogram")
            return
        }
        #expect(h.bounds == [1, 10, 100])
        // (0,50] may exceed 10, so it lands in (10,100]; (50,+Inf) with max 80 lands in (10,100] too.
        #expect(h.counts == [1, 1, 4, 0])
        #expect(h.count == 6)
        #expect(h.sum == 170)
        #expect(f.counters.value("otel_sidecar_metric_store_rebucketed_points_total") == 1)
    }

    @Test func cumulativeSumsPassThrough() {
        let f = Fixture()
        f.send([sum("requests", .int(10), temporality: .cumulative, start: 5, time: 10)])
        f.send([sum("requests", .int(15), temporality: .cumulative, start: 5, time: 20)])
        let s = f.metric("requests")?.series.first
        #expect(s?.number == 15)
        #expect(s?.startTimeUnixNano == 5)
        #expect(s?.timeUnixNano == 20)
    }

    @Test func cumulativeHistogramsReplaceTheSeries() {
        let f = Fixture()
        f.send([histogram("h", bounds: [1], counts: [1, 1], sum: 3, temporality: .cumulative)])
        f.send([histogram("h", bounds: [1, 2], counts: [2, 1, 1], sum: 6, temporality: .cumulative)])
        #expect(f.metric("h")?.series.first?.value == .histogram(HistogramValue(bounds: [1, 2], counts: [2, 1, 1], count: 4, sum: 6)))
    }

    @Test func summariesAreCarriedThrough() {
        let f = Fixture()
        let point = SummaryDataPoint(count: 10, sum: 42, quantileValues: [ValueAtQuantile(quantile: 0.99, value: 9), ValueAtQuantile(quantile: 0.5, value: 4)])
        f.send([Metric(name: "rpc.latency", unit: "s", data: .summary([point]))])
        #expect(f.metric("rpc.latency")?.series.first?.value == .summary(SummaryValue(
            count: 10, sum: 42, quantiles: [ValueAtQuantile(quantile: 0.5, value: 4), ValueAtQuantile(quantile: 0.99, value: 9)])))
        let text = f.text()
        #expect(text.contains("# TYPE rpc_latency_seconds summary\nrpc_latency_seconds{quantile=\"0.5\"} 4\nrpc_latency_seconds{quantile=\"0.99\"} 9\nrpc_latency_seconds_sum 42\nrpc_latency_seconds_count 10\n"))
    }

    @Test func exponentialHistogramDeltasMergeAtTheCoarserScale() {
        let f = Fixture()
        // Scale 1: base √2. Buckets at index 2..3 cover (2, 2√2] and (2√2, 4].
        let a = ExponentialHistogramDataPoint(count: 3, sum: 9, scale: 1, zeroCount: 1, positive: ExponentialBuckets(offset: 2, bucketCounts: [1, 1]))
        // Scale 0: base 2. Bucket 3 covers (8, 16].
        let b = ExponentialHistogramDataPoint(count: 2, sum: 20, scale: 0, positive: ExponentialBuckets(offset: 3, bucketCounts: [2]))
        for p in [a, b] {
            f.send([Metric(name: "size", unit: "By", data: .exponentialHistogram(ExponentialHistogram(dataPoints: [p], aggregationTemporality: .delta)))])
        }
        guard case .exponentialHistogram(let h) = f.metric("size")?.series.first?.value else {
            Issue.record("no exponential histogram")
            return
        }
        #expect(h.scale == 0)
        #expect(h.count == 5)
        #expect(h.sum == 29)
        #expect(h.zeroCount == 1)
        // Scale-1 indexes 2 and 3 both map to scale-0 index 1, i.e. (2, 4].
        #expect(h.positive == ExponentialBuckets(offset: 1, bucketCounts: [2, 0, 2]))
        let buckets = h.classicBuckets(maxBuckets: 40)
        #expect(buckets.map(\.le) == [0, 4, 8, 16, .infinity])
        #expect(buckets.map(\.cumulative) == [1, 3, 3, 5, 5])
        let text = f.text()
        #expect(text.contains("# TYPE size_bytes histogram\nsize_bytes_bucket{le=\"0\"} 1\nsize_bytes_bucket{le=\"4\"} 3\n"))
        #expect(text.contains("size_bytes_bucket{le=\"+Inf\"} 5\nsize_bytes_sum 29\nsize_bytes_count 5\n"))
    }

    @Test func exponentialHistogramsAreDownscaledToTheBucketBudget() {
        let counts = [UInt64](repeating: 1, count: 100)
        let h = ExponentialHistogramValue(scale: 3, positive: ExponentialBuckets(offset: -50, bucketCounts: counts), count: 100, sum: 100)
        let buckets = h.classicBuckets(maxBuckets: 10)
        #expect(buckets.count <= 10 + 2)
        #expect(buckets.last?.cumulative == 100)
        #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.le < $1.le && $0.cumulative <= $1.cumulative })
    }

    @Test func aNameKeepsItsFirstKindAndConflictsAreCounted() {
        let f = Fixture()
        f.send([gauge("x", 1)])
        f.send([sum("x", .int(1))])
        #expect(f.metric("x")?.kind == .gauge)
        #expect(f.dropped(.typeConflict) == 1)
    }

    @Test func invalidPointsAreDroppedWithTheirReason() {
        let f = Fixture()
        f.send([sum("a", .int(1), temporality: .unspecified)])
        f.send([sum("b", .int(-1))])
        f.send([sum("c", .none)])
        f.send([sum("", .int(1))])
        #expect(f.dropped(.unspecifiedTemporality) == 1)
        #expect(f.dropped(.invalidValue) == 2)
        #expect(f.dropped(.invalidName) == 1)
        #expect(f.store.snapshot().isEmpty)
    }

    @Test func noRecordedValueEndsASeries() {
        let f = Fixture()
        f.send([sum("s", .int(4), [Attribute("k", "v")], temporality: .cumulative)])
        var ended = sum("s", .int(0), [Attribute("k", "v")], temporality: .cumulative)
        if case .sum(var s) = ended.data {
            s.dataPoints[0].flags = 1
            ended.data = .sum(s)
        }
        f.send([ended])
        #expect(f.metric("s") == nil)
    }

    @Test func metricNamesBeyondTheLimitAreDropped() {
        let f = Fixture(MetricStoreConfig(maxMetrics: 3))
        for i in 0..<5 { f.send([sum("m\(i)", .int(1))]) }
        #expect(f.store.snapshot().count == 3)
        #expect(f.dropped(.metricLimit) == 2)
    }

    @Test func concurrentWritersLoseNoIncrement() async {
        let f = Fixture()
        let store = f.store
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for i in 0..<2_000 {
                        var batch = EventBatch(resource: nil)
                        batch.add(metric: MetricEvent(name: "c\(i % 3)", kind: .counter, value: .int(1), attributes: [Attribute("t", .int(Int64(task % 2)))]))
                        _ = store.consume(.metrics(batch.metrics!))
                    }
                }
            }
        }
        let total = f.store.snapshot().flatMap(\.series).compactMap(\.number).reduce(0, +)
        #expect(total == 8_000)
        #expect(f.store.seriesCount == 6)
    }

    @Test func cumulativeExportOfDeltaInputs() {
        let f = Fixture()
        f.send([sum("calls", .int(2), [Attribute("k", "v")], start: 100, time: 200)], resource: Resource(attributes: [Attribute("service.name", "gw")]),
               scope: InstrumentationScope(name: "lib", version: "1"))
        f.send([sum("calls", .int(3), [Attribute("k", "v")], start: 200, time: 300)], resource: Resource(attributes: [Attribute("service.name", "gw")]),
               scope: InstrumentationScope(name: "lib", version: "1"))
        let data = f.store.cumulativeMetrics()
        #expect(data.resourceMetrics.count == 1)
        #expect(data.resourceMetrics[0].resource == Resource(attributes: [Attribute("service.name", "gw")]))
        #expect(data.resourceMetrics[0].scopeMetrics[0].scope == InstrumentationScope(name: "lib", version: "1"))
        #expect(data.resourceMetrics[0].scopeMetrics[0].metrics == [Metric(name: "calls", data: .sum(Sum(
            dataPoints: [NumberDataPoint(attributes: [Attribute("k", "v")], startTimeUnixNano: 100, timeUnixNano: 300, value: .int(5))],
            aggregationTemporality: .cumulative, isMonotonic: true)))])
    }
}
