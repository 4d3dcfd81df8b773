import Synchronization

/// A value that goes up and down (queue depth, spill bytes, breaker state), cheap to set from any thread.
public final class Gauge: Sendable {
    public let name: String
    public let labels: [(String, String)]
    private let bits = Atomic<UInt64>(0.0.bitPattern)

    init(name: String, labels: [(String, String)]) {
        self.name = name
        self.labels = labels
    }

    public func set(_ v: Double) {
        bits.store(v.bitPattern, ordering: .relaxed)
    }

    public func set(_ v: Int) { set(Double(v)) }

    public func add(_ d: Double) {
        var old = bits.load(ordering: .relaxed)
        while true {
            let new = (Double(bitPattern: old) + d).bitPattern
            let (done, current) = bits.compareExchange(expected: old, desired: new, ordering: .relaxed)
            if done { return }
            old = current
        }
    }

    public var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
}

/// A histogram with fixed upper bounds (Prometheus `le` buckets, cumulative at exposition).
public final class Histogram: Sendable {
    public let name: String
    public let labels: [(String, String)]
    /// Upper bounds, ascending; an implicit `+Inf` bucket follows.
    public let bounds: [Double]

    private struct State {
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Export latency buckets in seconds: 5 ms … 60 s.
    public static let exportDurationBounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    init(name: String, labels: [(String, String)], bounds: [Double]) {
        self.name = name
        self.labels = labels
        self.bounds = bounds
        state = Mutex(State(counts: Array(repeating: 0, count: bounds.count + 1)))
    }

    public func observe(_ v: Double) {
        var i = 0
        while i < bounds.count && v > bounds[i] { i += 1 }
        state.withLock { s in
            s.counts[i] += 1
            s.sum += v
            s.count += 1
        }
    }

    public func observe(_ d: Duration) { observe(d.seconds) }

    /// Per-bucket (not cumulative) counts, the last one for `+Inf`; the sum and the total count.
    public var snapshot: (buckets: [UInt64], sum: Double, count: UInt64) {
        state.withLock { ($0.counts, $0.sum, $0.count) }
    }
}

/// The delivery core's gauges and histograms, by name and labels (the counters live in the pipeline's
/// `CounterRegistry`). One instance is shared by all exporters; the metrics endpoint reads `snapshot()`.
///
/// Computed gauges are read when the snapshot is taken, so a value such as "seconds in the current
/// breaker state" is exact at scrape time without a timer.
public final class DeliveryGauges: Sendable {
    private struct Key: Hashable {
        var name: String
        var labels: [String]
        init(_ name: String, _ labels: [(String, String)]) {
            self.name = name
            self.labels = labels.flatMap { [$0.0, $0.1] }
        }
    }

    private struct Computed: Sendable {
        var name: String
        var labels: [(String, String)]
        var read: @Sendable () -> Double
    }

    private struct State {
        var gauges: [Key: Gauge] = [:]
        var computed: [Key: Computed] = [:]
        var histograms: [Key: Histogram] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func gauge(_ name: String, _ labels: [(String, String)] = []) -> Gauge {
        state.withLock { s in
            let key = Key(name, labels)
            if let g = s.gauges[key] { return g }
            let g = Gauge(name: name, labels: labels)
            s.gauges[key] = g
            return g
        }
    }

    /// Registers (or replaces) a gauge whose value is computed at snapshot time.
    public func computedGauge(_ name: String, _ labels: [(String, String)] = [], read: @escaping @Sendable () -> Double) {
        state.withLock { $0.computed[Key(name, labels)] = Computed(name: name, labels: labels, read: read) }
    }

    public func histogram(_ name: String, _ labels: [(String, String)] = [], bounds: [Double] = Histogram.exportDurationBounds) -> Histogram {
        state.withLock { s in
            let key = Key(name, labels)
            if let h = s.histograms[key] { return h }
            let h = Histogram(name: name, labels: labels, bounds: bounds)
            s.histograms[key] = h
            return h
        }
    }

    /// All gauges (stored and computed), sorted by name then labels.
    public func snapshot() -> [(name: String, labels: [(String, String)], value: Double)] {
        let (stored, computed) = state.withLock { (Array($0.gauges.values), Array($0.computed.values)) }
        var out = stored.map { (name: $0.name, labels: $0.labels, value: $0.value) }
        out += computed.map { (name: $0.name, labels: $0.labels, value: $0.read()) }
        return out.sorted { ($0.name, labelText($0.labels)) < ($1.name, labelText($1.labels)) }
    }

    /// All histograms, sorted by name then labels.
    public func histograms() -> [Histogram] {
        state.withLock { Array($0.histograms.values) }.sorted { ($0.name, labelText($0.labels)) < ($1.name, labelText($1.labels)) }
    }

    /// The value of one gauge (nil when it was never created).
    public func value(_ name: String, _ labels: [(String, String)] = []) -> Double? {
        let key = Key(name, labels)
        let (g, c) = state.withLock { ($0.gauges[key], $0.computed[key]) }
        return g?.value ?? c?.read()
    }
}

private func labelText(_ labels: [(String, String)]) -> String {
    labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
}

extension Duration {
    /// This duration in (fractional) seconds.
    var seconds: Double {
        let c = components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }

    /// `self × factor`, saturating instead of trapping on overflow.
    func scaled(by factor: Double) -> Duration {
        let s = seconds * factor
        if !s.isFinite || s >= 9.2e9 { return .seconds(Int64(9_200_000_000)) }
        if s <= 0 { return .zero }
        return .nanoseconds(Int64((s * 1e9).rounded()))
    }
}
