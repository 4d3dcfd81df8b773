import Dispatch
import EventProtocol
import Pipeline
import SidecarModel

/// Micro-benchmarks of the metric store, each beside a baseline measured in the same run: aggregation cost
/// per metric event (against a plain dictionary increment over the same keys) and scrape cost for 10k series.
/// Build in release mode; figures are the best of several rounds.
public enum MetricStoreBenchmark {
    public static func run() -> [(name: String, value: Double, unit: String)] {
        var results: [(name: String, value: Double, unit: String)] = []
        let events = 100_000
        let batches = eventBatches(count: events, kind: .counter)

        // Baseline: what any aggregation must do at least: hash name + attributes, add to a dictionary.
        let baseline = best(rounds: 5) {
            var totals: [BaselineKey: Double] = [:]
            for data in batches {
                for rm in data.resourceMetrics {
                    for sm in rm.scopeMetrics {
                        for m in sm.metrics {
                            guard case .sum(let s) = m.data else { continue }
                            for p in s.dataPoints { totals[BaselineKey(name: m.name, attributes: p.attributes), default: 0] += p.value.asDouble }
                        }
                    }
                }
            }
            // safe: checks the benchmark itself (a dev tool), never operator input.
            precondition(totals.count == 100)
        }
        results.append(("baseline_dictionary_increment", baseline / Double(events), "ns/event"))

        let counterCost = best(rounds: 5) {
            let store = MetricStore(counters: CounterRegistry(), clock: ManualMetricClock())
            for data in batches { _ = store.consume(.metrics(data)) }
            // safe: checks the benchmark itself (a dev tool), never operator input.
            precondition(store.seriesCount == 100)
        }
        results.append(("store_counter_event", counterCost / Double(events), "ns/event"))

        let histogramBatches = eventBatches(count: events, kind: .histogram)
        let histogramCost = best(rounds: 5) {
            let store = MetricStore(counters: CounterRegistry(), clock: ManualMetricClock())
            for data in histogramBatches { _ = store.consume(.metrics(data)) }
        }
        results.append(("store_histogram_event", histogramCost / Double(events), "ns/event"))

        // Decoding-side cost the receiver pays before the store: event → OTLP delta point.
        let rawEvents = metricEvents(count: events, kind: .counter)
        let conversionCost = best(rounds: 5) {
            var n = 0
            for chunk in stride(from: 0, to: rawEvents.count, by: 100) {
                var batch = EventBatch(resource: nil)
                for e in rawEvents[chunk..<min(chunk + 100, rawEvents.count)] { batch.add(metric: e) }
                n += batch.metrics?.dataPointCount ?? 0
            }
            // safe: checks the benchmark itself (a dev tool), never operator input.
            precondition(n == events)
        }
        results.append(("event_to_otlp_conversion", conversionCost / Double(events), "ns/event"))

        // Two writers at once (this machine's two cores), same series: lock contention included.
        let contended = best(rounds: 5) {
            let store = MetricStore(counters: CounterRegistry(), clock: ManualMetricClock())
            DispatchQueue.concurrentPerform(iterations: 2) { _ in
                for data in batches { _ = store.consume(.metrics(data)) }
            }
        }
        results.append(("store_counter_event_2_writers", contended / Double(2 * events), "ns/event (wall)"))

        // Spans → RED metrics (calls, duration, token sums) → store, 100 spans per batch.
        let spanBatches = spanBatches(count: events)
        if let spanMetrics = try? SpanMetrics() {
            let spanCost = best(rounds: 5) {
                let store = MetricStore(spanMetrics: spanMetrics, counters: CounterRegistry(), clock: ManualMetricClock())
                for data in spanBatches { _ = store.consume(.traces(data)) }
            }
            results.append(("store_span_red_metrics", spanCost / Double(events), "ns/span"))
        }

        results += cardinalityFlood()

        for (label, kind) in [("counter", MetricKind.counter), ("histogram", .histogram)] {
            let store = tenThousandSeries(kind: kind)
            let exposition = PrometheusExposition(store: store, counters: nil, includeProcessMetrics: false, includeStoreTelemetry: false)
            for format in [ExpositionFormat.prometheusText, .openMetrics] {
                var bytes = 0
                let ns = best(rounds: 3) { bytes = exposition.render(format).count }
                let name = "scrape_10k_\(label)_series_" + (format == .openMetrics ? "openmetrics" : "text")
                results.append((name + "_time", ns / 1e6, "ms"))
                results.append((name + "_bytes", Double(bytes), "bytes"))
            }
        }
        return results
    }

    /// Memory under a cardinality flood: 10k distinct attribute sets into one metric (the limit is 2000),
    /// then 1M more. The series count stays at the limit plus the overflow series, and the resident set
    /// should not grow with the flood (the figure is the growth between the two points, in KiB).
    static func cardinalityFlood() -> [(name: String, value: Double, unit: String)] {
        let store = MetricStore(counters: CounterRegistry(), clock: ManualMetricClock())
        func flood(_ range: Range<Int>) {
            for chunk in stride(from: range.lowerBound, to: range.upperBound, by: 100) {
                var batch = EventBatch(resource: nil)
                for i in chunk..<min(chunk + 100, range.upperBound) {
                    batch.add(metric: MetricEvent(name: "flood", kind: .counter, value: .int(1), attributes: [Attribute("user", .string("u\(i)"))]))
                }
                _ = store.consume(.metrics(batch.metrics!))
            }
        }
        flood(0..<10_000)
        let before = residentKiB()
        flood(10_000..<1_010_000)
        let after = residentKiB()
        return [("cardinality_flood_series_after_1M_sets", Double(store.seriesCount), "series"),
                ("cardinality_flood_rss_growth_1M_sets", Double(after - before), "KiB")]
    }

    private static func residentKiB() -> Int {
        guard let text = ProcessMetrics.readFile("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4 : 0
    }

    private struct BaselineKey: Hashable {
        var name: String
        var attributes: [Attribute]
    }

    /// 100 series (10 tools × 10 backends) of one metric, as the event receiver hands them over: one
    /// `MetricsData` per 100 events.
    private static func eventBatches(count: Int, kind: MetricKind) -> [MetricsData] {
        let events = metricEvents(count: count, kind: kind)
        return stride(from: 0, to: events.count, by: 100).map { chunk in
            var batch = EventBatch(resource: Resource(attributes: [Attribute("service.name", "gateway")]))
            for e in events[chunk..<min(chunk + 100, events.count)] { batch.add(metric: e) }
            return batch.metrics!
        }
    }

    private static func spanBatches(count: Int) -> [TracesData] {
        let t0: UInt64 = 1_700_000_000_000_000_000
        let resource = Resource(attributes: [Attribute("service.name", "gateway")])
        return stride(from: 0, to: count, by: 100).map { chunk in
            var spans: [Span] = []
            for i in chunk..<min(chunk + 100, count) {
                let attributes: [Attribute] = [
                    Attribute("mcp.tool.name", .string("tool-\(i % 10)")), Attribute("server.address", .string("backend-\(i / 10 % 10)")),
                    Attribute("gen_ai.request.model", "m1"), Attribute("gen_ai.usage.input_tokens", .int(Int64(i % 500))),
                ]
                let end = t0 + UInt64(i % 1000) * 1_000_000
                let status = SpanStatus(code: i % 20 == 0 ? .error : .unset)
                spans.append(Span(name: "tools/call", kind: .server, startTimeUnixNano: t0, endTimeUnixNano: end, attributes: attributes, status: status))
            }
            return TracesData(resourceSpans: [ResourceSpans(resource: resource, scopeSpans: [ScopeSpans(spans: spans)])])
        }
    }

    private static func metricEvents(count: Int, kind: MetricKind) -> [MetricEvent] {
        (0..<count).map { i in
            MetricEvent(name: kind == .histogram ? "gateway.tool.duration" : "gateway.tool.calls", kind: kind,
                        value: kind == .histogram ? .double(Double(i % 1000)) : .int(1), unit: kind == .histogram ? "ms" : "",
                        attributes: [Attribute("mcp.tool.name", .string("tool-\(i % 10)")), Attribute("server.address", .string("backend-\(i / 10 % 10)"))])
        }
    }

    /// 10 metrics × 1000 series, three labels each plus job/instance.
    private static func tenThousandSeries(kind: MetricKind) -> MetricStore {
        let store = MetricStore(counters: CounterRegistry(), clock: ManualMetricClock())
        var batch = EventBatch(resource: Resource(attributes: [Attribute("service.name", "gateway"), Attribute("service.instance.id", "gw-1")]))
        for m in 0..<10 {
            for s in 0..<1000 {
                batch.add(metric: MetricEvent(
                    name: "gateway.metric_\(m)", kind: kind, value: .int(Int64(s)), unit: kind == .histogram ? "s" : "",
                    attributes: [Attribute("mcp.tool.name", .string("tool-\(s % 50)")), Attribute("server.address", .string("backend-\(s / 50)")),
                                 Attribute("route", .string("/v1/r\(s % 7)"))]))
            }
        }
        _ = store.consume(.metrics(batch.metrics!))
        // safe: checks the benchmark itself (a dev tool), never operator input.
        precondition(store.seriesCount == 10_000)
        return store
    }

    /// Best (minimum) wall time of `rounds` runs, in nanoseconds.
    private static func best(rounds: Int, _ body: () -> Void) -> Double {
        var best = Double.infinity
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            let d = clock.measure(body)
            let ns = Double(d.components.seconds) * 1e9 + Double(d.components.attoseconds) / 1e9
            best = Swift.min(best, ns)
        }
        return best
    }
}
