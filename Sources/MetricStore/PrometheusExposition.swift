import Pipeline
import SidecarModel

/// Gauges and histograms of another component, read at each scrape: how components that keep their own
/// registries (Delivery's `DeliveryGauges`, say) reach /metrics without this target depending on them.
public struct ExtraTelemetry: Sendable {
    public var gauges: [(name: String, labels: [(String, String)], value: Double)]
    public var histograms: [HistogramSeries]

    public init(gauges: [(name: String, labels: [(String, String)], value: Double)] = [], histograms: [HistogramSeries] = []) {
        self.gauges = gauges
        self.histograms = histograms
    }
}

/// One histogram series of a component's own telemetry (an export duration, say).
public struct HistogramSeries: Sendable {
    public var name: String
    public var labels: [(String, String)]
    /// Upper bounds, ascending; `+Inf` is implied.
    public var bounds: [Double]
    /// Per-bucket (not cumulative) counts, `bounds.count + 1` of them, the last one above the last bound.
    public var bucketCounts: [UInt64]
    public var sum: Double
    public var count: UInt64

    public init(name: String, labels: [(String, String)], bounds: [Double], bucketCounts: [UInt64], sum: Double, count: UInt64) {
        self.name = name
        self.labels = labels
        self.bounds = bounds
        self.bucketCounts = bucketCounts
        self.sum = sum
        self.count = count
    }
}

/// Renders /metrics: the process metrics, the sidecar's counters, other components' gauges and
/// histograms, and the metric store's series (with `target_info` and `otel_scope_info`), in the text
/// format 0.0.4 or OpenMetrics 1.0.
///
/// Families are sorted by name, each with exactly one HELP and TYPE; series are sorted by their labels.
/// When two sources claim one Prometheus name (or names one family writes, like `x_count` of a histogram
/// `x`), the first in this order wins and the other family is left out and counted in
/// `otel_sidecar_prometheus_hidden_series{reason="name_conflict"}`: process metrics, counters, extra
/// telemetry, the store's own gauges, `target_info`, `otel_scope_info`, then store metrics by OTel name.
public final class PrometheusExposition: Sendable {
    public let store: MetricStore?
    public let counters: CounterRegistry?
    public let extra: [@Sendable () -> ExtraTelemetry]
    public let includeProcessMetrics: Bool
    public let includeStoreTelemetry: Bool

    /// - Parameters:
    ///   - extra: read at each scrape, in order.
    ///   - includeProcessMetrics: `process_*` from /proc/self.
    ///   - includeStoreTelemetry: the store's gauges (`otel_sidecar_metric_store_series`, `_metrics`) and
    ///     `otel_sidecar_prometheus_hidden_series`.
    public init(store: MetricStore?, counters: CounterRegistry?, extra: [@Sendable () -> ExtraTelemetry] = [],
                includeProcessMetrics: Bool = true, includeStoreTelemetry: Bool = true) {
        self.store = store
        self.counters = counters
        self.extra = extra
        self.includeProcessMetrics = includeProcessMetrics
        self.includeStoreTelemetry = includeStoreTelemetry
    }

    /// The body and `Content-Type` for a request with this `Accept` header.
    public func scrape(accept: String?) -> (contentType: String, body: [UInt8]) {
        let (format, contentType) = ExpositionFormat.negotiate(accept: accept)
        return (contentType, render(format))
    }

    public func render(_ format: ExpositionFormat) -> [UInt8] {
        render(format, process: includeProcessMetrics ? ProcessMetrics.read() : nil)
    }

    func render(_ format: ExpositionFormat, process: ProcessMetrics?) -> [UInt8] {
        let families = collect(process: process)
        var writer = ExpositionWriter(format: format, capacity: families.reduce(0) { $0 + $1.samples.count } * 160 + 1024)
        writer.write(families)
        return writer.out
    }

    /// All families in output order, conflicts resolved.
    func collect(process: ProcessMetrics?) -> [PromFamily] {
        var builder = FamilySetBuilder()
        if let process { for f in Self.processFamilies(process) { builder.add(f) } }
        if let counters { for f in Self.counterFamilies(counters.snapshot()) { builder.add(f) } }
        for source in extra {
            let telemetry = source()
            for f in Self.gaugeFamilies(telemetry.gauges) { builder.add(f) }
            for f in Self.histogramFamilies(telemetry.histograms) { builder.add(f) }
        }
        guard let store else { return builder.families.sorted { $0.name < $1.name } }

        var translation = StoreTranslation(contents: store.contents(), config: store.config)
        let storeFamilies = translation.families()
        // The store's own gauges: names reserved before the store's metrics, values known only after.
        let placeholder = [PromSample(labels: [], value: .number(0))]
        let seriesName = "otel_sidecar_metric_store_series"
        let metricsName = "otel_sidecar_metric_store_metrics"
        let hiddenName = "otel_sidecar_prometheus_hidden_series"
        for name in [seriesName, metricsName, hiddenName] where includeStoreTelemetry {
            builder.add(PromFamily(name: name, type: .gauge, help: SelfTelemetryHelp.help(for: name, isCounter: false), unit: "", samples: placeholder))
        }
        var conflicting = 0
        for f in storeFamilies where !builder.add(f) { conflicting += f.samples.count }
        builder.setSamples(seriesName, [PromSample(labels: [], value: .number(Double(store.seriesAtLastSweep)))])
        builder.setSamples(metricsName, [PromSample(labels: [], value: .number(Double(store.metricCount)))])
        builder.setSamples(hiddenName, [
            PromSample(labels: [("reason", "duplicate_labels")], value: .number(Double(translation.duplicateSeries))),
            PromSample(labels: [("reason", "name_conflict")], value: .number(Double(conflicting))),
        ])
        return builder.families.sorted { $0.name < $1.name }
    }

    // MARK: Sources

    static func processFamilies(_ p: ProcessMetrics) -> [PromFamily] {
        var out: [PromFamily] = []
        func add(_ name: String, _ type: PromType, _ help: String, _ unit: String, _ v: Double?) {
            guard let v else { return }
            out.append(PromFamily(name: name, type: type, help: help, unit: unit, samples: [PromSample(labels: [], value: .number(v))]))
        }
        add("process_cpu_seconds_total", .counter, "Total user and system CPU time spent in seconds.", "seconds", p.cpuSeconds)
        add("process_max_fds", .gauge, "Maximum number of open file descriptors.", "", p.maxFDs)
        add("process_open_fds", .gauge, "Number of open file descriptors.", "", p.openFDs)
        add("process_resident_memory_bytes", .gauge, "Resident memory size in bytes.", "bytes", p.residentMemoryBytes)
        add("process_start_time_seconds", .gauge, "Start time of the process since unix epoch in seconds.", "seconds", p.startTimeSeconds)
        add("process_virtual_memory_bytes", .gauge, "Virtual memory size in bytes.", "bytes", p.virtualMemoryBytes)
        return out
    }

    static func counterFamilies(_ snapshot: [(name: String, labels: [(String, String)], value: UInt64)]) -> [PromFamily] {
        grouped(snapshot.map { ($0.name, $0.labels, Double($0.value)) }, type: .counter)
    }

    static func gaugeFamilies(_ snapshot: [(name: String, labels: [(String, String)], value: Double)]) -> [PromFamily] {
        grouped(snapshot.map { ($0.name, $0.labels, $0.value) }, type: .gauge)
    }

    static func histogramFamilies(_ series: [HistogramSeries]) -> [PromFamily] {
        var byName: [String: PromFamily] = [:]
        var order: [String] = []
        for h in series where h.bucketCounts.count == h.bounds.count + 1 {
            let name = PrometheusNaming.metricName(h.name)
            var buckets: [(le: Double, cumulative: UInt64)] = []
            var running: UInt64 = 0
            for (i, c) in h.bucketCounts.enumerated() {
                running &+= c
                buckets.append((i < h.bounds.count ? h.bounds[i] : .infinity, running))
            }
            let count = Swift.max(running, h.count)
            buckets[buckets.count - 1].cumulative = count
            if byName[name] == nil {
                order.append(name)
                byName[name] = PromFamily(name: name, type: .histogram, help: SelfTelemetryHelp.help(for: name, isCounter: false), unit: "", samples: [])
            }
            byName[name]!.samples.append(PromSample(labels: sortedLabels(h.labels), value: .histogram(buckets: buckets, count: count, sum: h.sum)))
        }
        return order.map { name in
            var f = byName[name]!
            f.samples = uniqueSorted(f.samples).samples
            return f
        }
    }

    private static func sortedLabels(_ labels: [(String, String)]) -> [(name: String, value: String)] {
        var sorted: [(name: String, value: String)] = []
        for (k, v) in labels {
            let n = PrometheusNaming.labelName(k)
            if let i = sorted.firstIndex(where: { $0.name == n }) { sorted[i].value += ";" + v } else { sorted.append((n, v)) }
        }
        sorted.sort { $0.name < $1.name }
        return sorted
    }

    private static func grouped(_ entries: [(String, [(String, String)], Double)], type: PromType) -> [PromFamily] {
        var byName: [String: PromFamily] = [:]
        var order: [String] = []
        for (rawName, labels, value) in entries {
            let name = PrometheusNaming.metricName(rawName)
            let sorted = sortedLabels(labels)
            if byName[name] == nil {
                order.append(name)
                byName[name] = PromFamily(name: name, type: type, help: SelfTelemetryHelp.help(for: name, isCounter: type == .counter), unit: "", samples: [])
            }
            byName[name]!.samples.append(PromSample(labels: sorted, value: .number(value)))
        }
        return order.map { name in
            var f = byName[name]!
            f.samples = uniqueSorted(f.samples).samples
            return f
        }
    }
}

/// Families accepted so far and the names they reserve.
struct FamilySetBuilder {
    private(set) var families: [PromFamily] = []
    private var taken: Set<String> = []

    /// Adds `family` unless one of its names is taken; returns whether it was added.
    @discardableResult
    mutating func add(_ family: PromFamily) -> Bool {
        guard !family.samples.isEmpty else { return true }
        let names = family.reservedNames
        if names.contains(where: { taken.contains($0) }) { return false }
        taken.formUnion(names)
        families.append(family)
        return true
    }

    /// Replaces the samples of the family called `name`.
    mutating func setSamples(_ name: String, _ samples: [PromSample]) {
        if let i = families.firstIndex(where: { $0.name == name }) { families[i].samples = samples }
    }
}

/// Sorts samples by their label block and removes all but the first of equal label sets.
func uniqueSorted(_ samples: [PromSample]) -> (samples: [PromSample], duplicates: Int) {
    var sorted = samples
    sorted.sort { labelBlockLess($0.labelBlock, $1.labelBlock) }
    var out: [PromSample] = []
    out.reserveCapacity(sorted.count)
    var duplicates = 0
    for sample in sorted {
        if let last = out.last, last.labelBlock == sample.labelBlock {
            duplicates += 1
            continue
        }
        out.append(sample)
    }
    return (out, duplicates)
}
