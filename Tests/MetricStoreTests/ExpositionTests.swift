@testable import MetricStore
import Pipeline
import SidecarModel
import Testing

@Suite("Exposition formats")
struct ExpositionTests {
    static let text004 = "text/plain; version=0.0.4; charset=utf-8"
    static let om100 = "application/openmetrics-text; version=1.0.0; charset=utf-8"

    @Test(arguments: [
        // Prometheus 2.42's scrape header.
        ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1", om100),
        ("application/openmetrics-text; version=0.0.1", "application/openmetrics-text; version=0.0.1; charset=utf-8"),
        ("application/openmetrics-text", om100),
        ("text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5", text004),
        ("text/plain", text004),
        ("*/*", text004),
        ("application/json", text004),
        ("application/openmetrics-text; version=2.0.0", text004),
        ("application/openmetrics-text;q=0", text004),
        ("", text004),
        ("garbage;;;=,", text004),
    ])
    func negotiation(accept: String, contentType: String) {
        #expect(ExpositionFormat.negotiate(accept: accept).contentType == contentType)
    }

    @Test func noAcceptHeaderMeansTheTextFormat() {
        #expect(ExpositionFormat.negotiate(accept: nil).format == .prometheusText)
    }

    static func sampleStore() -> Fixture {
        let f = Fixture()
        f.send([sum("tool.calls", .int(3), [Attribute("tool", "search")], unit: "{call}", description: "Tool calls.")],
               resource: Resource(attributes: [Attribute("service.name", "gw")]))
        f.send([histogram("tool.duration", bounds: [0.1, 1], counts: [1, 2, 0], sum: 1.5, min: 0.05, max: 0.9, unit: "s")])
        f.send([gauge("pool.usage", 0.5, unit: "1")])
        return f
    }

    @Test func textFormatExactly() {
        #expect(Self.sampleStore().text() == """
            # HELP pool_usage_ratio pool.usage
            # TYPE pool_usage_ratio gauge
            pool_usage_ratio 0.5
            # HELP tool_calls_total Tool calls.
            # TYPE tool_calls_total counter
            tool_calls_total{job="gw",tool="search"} 3
            # HELP tool_duration_seconds tool.duration
            # TYPE tool_duration_seconds histogram
            tool_duration_seconds_bucket{le="0.1"} 1
            tool_duration_seconds_bucket{le="1"} 3
            tool_duration_seconds_bucket{le="+Inf"} 3
            tool_duration_seconds_sum 1.5
            tool_duration_seconds_count 3

            """)
    }

    @Test func openMetricsExactly() {
        #expect(Self.sampleStore().text(.openMetrics) == """
            # TYPE pool_usage_ratio gauge
            # UNIT pool_usage_ratio ratio
            # HELP pool_usage_ratio pool.usage
            pool_usage_ratio 0.5
            # TYPE tool_calls counter
            # HELP tool_calls Tool calls.
            tool_calls_total{job="gw",tool="search"} 3
            # TYPE tool_duration_seconds histogram
            # UNIT tool_duration_seconds seconds
            # HELP tool_duration_seconds tool.duration
            tool_duration_seconds_bucket{le="0.1"} 1
            tool_duration_seconds_bucket{le="1.0"} 3
            tool_duration_seconds_bucket{le="+Inf"} 3
            tool_duration_seconds_count 3
            tool_duration_seconds_sum 1.5
            # EOF

            """)
    }

    @Test func openMetricsInfoAndCounterUnits() {
        let f = Fixture()
        f.send([sum("io.time", .double(1.5), unit: "s")], resource: Resource(attributes: [Attribute("service.name", "gw"), Attribute("host.name", "h")]))
        let om = f.text(.openMetrics)
        #expect(om.contains("# TYPE io_time_seconds counter\n# UNIT io_time_seconds seconds\n"))
        #expect(om.contains("io_time_seconds_total{job=\"gw\"} 1.5\n"))
        #expect(om.contains("# TYPE target info\n# HELP target Target metadata\ntarget_info{host_name=\"h\",job=\"gw\"} 1\n"))
        #expect(om.hasSuffix("# EOF\n"))
    }

    @Test func labelValuesAndHelpAreEscaped() {
        let f = Fixture()
        f.send([sum("c", .int(1), [Attribute("path", "C:\\dir \"x\"\nnext")], description: "Line one\nback\\slash \"quoted\"")])
        let text = f.text()
        #expect(text.contains(#"# HELP c_total Line one\nback\\slash "quoted""#))
        #expect(text.contains(#"c_total{path="C:\\dir \"x\"\nnext"} 1"#))
        #expect(f.text(.openMetrics).contains(#"# HELP c Line one\nback\\slash \"quoted\""#))
    }

    @Test func oneHelpAndTypePerFamilyWhenNamesCollide() {
        let f = Fixture()
        // All three translate to http_requests_total; the first description (by OTel name) is the HELP.
        f.send([sum("http.requests", .int(1), [Attribute("a", "1")])])
        f.send([sum("http_requests", .int(2), [Attribute("a", "2")], description: "First.")])
        f.send([sum("http_requests_total", .int(3), [Attribute("a", "3")], description: "Second.")])
        // A gauge whose name a histogram's sample names claim, and one with the same name but another type.
        f.send([histogram("lat", bounds: [1], counts: [1, 0], sum: 0.5)])
        f.send([gauge("lat_count", 9)])
        f.send([gauge("http.requests.total", 4)])
        let text = f.text(counters: true)
        #expect(lines(text, containing: "# TYPE http_requests_total").count == 1)
        #expect(lines(text, containing: "# HELP http_requests_total").count == 1)
        #expect(text.contains("http_requests_total{a=\"1\"} 1\nhttp_requests_total{a=\"2\"} 2\nhttp_requests_total{a=\"3\"} 3\n"))
        #expect(text.contains("# HELP http_requests_total First.\n"))
        #expect(!text.contains("lat_count 9"))
        #expect(!text.contains("http_requests_total 4"))
        #expect(text.contains("otel_sidecar_prometheus_hidden_series{reason=\"duplicate_labels\"} 0\notel_sidecar_prometheus_hidden_series{reason=\"name_conflict\"} 2\n"))
    }

    @Test func familiesAndSeriesAreSortedAndRendersAreStable() {
        let f = Fixture()
        for name in ["zeta", "alpha", "mid"] {
            f.send((0..<20).map { gauge(name, Double($0), [Attribute("i", .int(Int64($0)))]) })
        }
        let text = f.text()
        let types = lines(text, containing: "# TYPE").map { $0.split(separator: " ")[2] }
        #expect(types == ["alpha", "mid", "zeta"])
        let alpha = lines(text, containing: "alpha{").map { String($0.split(separator: " ")[0]) }
        #expect(alpha == alpha.sorted())
        #expect(f.text() == text)
    }

    @Test func selfTelemetryAndProcessMetrics() throws {
        let counters = CounterRegistry()
        counters.counter("otel_sidecar_receiver_received_items_total", [("receiver", "events"), ("signal", "traces")]).add(5)
        counters.counter("otel_sidecar_receiver_received_items_total", [("receiver", "events"), ("signal", "metrics")]).add(2)
        let extra: @Sendable () -> ExtraTelemetry = {
            ExtraTelemetry(
                gauges: [(name: "otel_sidecar_exporter_queue_items", labels: [("exporter", "otlp"), ("signal", "traces")], value: 12)],
                histograms: [HistogramSeries(name: "otel_sidecar_exporter_export_duration_seconds", labels: [("exporter", "otlp")],
                                             bounds: [0.1, 1], bucketCounts: [2, 1, 1], sum: 3.5, count: 4)])
        }
        let exposition = PrometheusExposition(store: nil, counters: counters, extra: [extra])
        let (contentType, body) = exposition.scrape(accept: "text/plain")
        #expect(contentType == Self.text004)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("""
            # HELP otel_sidecar_receiver_received_items_total Spans, data points or log records decoded, by receiver and signal.
            # TYPE otel_sidecar_receiver_received_items_total counter
            otel_sidecar_receiver_received_items_total{receiver="events",signal="metrics"} 2
            otel_sidecar_receiver_received_items_total{receiver="events",signal="traces"} 5

            """))
        #expect(text.contains("# TYPE otel_sidecar_exporter_queue_items gauge\notel_sidecar_exporter_queue_items{exporter=\"otlp\",signal=\"traces\"} 12\n"))
        #expect(text.contains("""
            # HELP otel_sidecar_exporter_export_duration_seconds Duration of export requests in seconds.
            # TYPE otel_sidecar_exporter_export_duration_seconds histogram
            otel_sidecar_exporter_export_duration_seconds_bucket{exporter="otlp",le="0.1"} 2
            otel_sidecar_exporter_export_duration_seconds_bucket{exporter="otlp",le="1"} 3
            otel_sidecar_exporter_export_duration_seconds_bucket{exporter="otlp",le="+Inf"} 4
            otel_sidecar_exporter_export_duration_seconds_sum{exporter="otlp"} 3.5
            otel_sidecar_exporter_export_duration_seconds_count{exporter="otlp"} 4

            """))

        let process = ProcessMetrics.read()
        #expect(try #require(process.residentMemoryBytes) > 1_000_000)
        #expect(try #require(process.openFDs) >= 3)
        #expect(try #require(process.cpuSeconds) > 0)
        #expect(try #require(process.maxFDs) >= process.openFDs!)
        #expect(try #require(process.startTimeSeconds) > 1_600_000_000)
        for name in ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "process_max_fds", "process_start_time_seconds"] {
            #expect(lines(text, containing: "# TYPE \(name) ").count == 1, "\(name)")
        }
    }

    @Test func openFDsTrackTheProcess() throws {
        // Other tests run in parallel and open a few descriptors of their own: allow some slack.
        let before = try #require(ProcessMetrics.read().openFDs)
        let fds = (0..<64).map { _ in open("/dev/null", O_RDONLY) }
        defer { for fd in fds { close(fd) } }
        let after = try #require(ProcessMetrics.read().openFDs)
        #expect(after - before >= 56 && after - before <= 72)
    }
}

#if canImport(Glibc)
import Glibc
#endif

@Suite("Scrape and configuration")
struct ScrapeAndConfigTests {
    @Test func prometheusGetsOpenMetrics() {
        let f = Fixture()
        f.send([gauge("g", 1)])
        let exposition = PrometheusExposition(store: f.store, counters: nil, includeProcessMetrics: false, includeStoreTelemetry: false)
        let (contentType, body) = exposition.scrape(
            accept: "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        #expect(contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(String(decoding: body, as: UTF8.self) == "# TYPE g gauge\n# HELP g g\ng 1\n# EOF\n")
    }

    @Test func storeConfigurationProblemsNameTheirKey() {
        let config = MetricStoreConfig(cardinalityLimit: 0, expiry: .zero, maxMetrics: 0, histogramBounds: ["a": [1, 1], "b": [], "c": [.nan]],
                                       exponentialHistogramMaxBuckets: 1)
        #expect(config.validate().map(\.keyPath) == [
            "cardinality_limit", "expiry", "max_metrics", "exponential_histogram_max_buckets",
            "histogram_buckets.a", "histogram_buckets.b", "histogram_buckets.c",
        ])
        #expect(MetricStoreConfig.default.validate().isEmpty)
        #expect(SpanMetricsConfig.default.validate().isEmpty)
    }
}
