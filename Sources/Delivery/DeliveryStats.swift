import Pipeline
import SidecarModel

/// Why items were dropped: the `reason` label of `otel_sidecar_exporter_dropped_items_total`.
public enum DropReason: String, Sendable, CaseIterable {
    /// The memory queue was full (drop_oldest evicted them, or drop_newest turned them away).
    case queueFull = "queue_full"
    /// The memory queue was full and the disk spill's budget was spent.
    case spillFull = "spill_full"
    /// A single item larger than the whole queue.
    case tooLarge = "too_large"
    /// The backend answered with a permanent error.
    case permanent
    /// Retryable failures until `retry.max_elapsed` (or retries disabled).
    case retriesExhausted = "retries_exhausted"
    /// The backend accepted the request but rejected these items (`partial_success`).
    case rejected
    /// Still queued when the graceful shutdown ended and no spill was enabled (or it was full).
    case shutdown
    /// Writing to the spill failed (disk error).
    case spillError = "spill_error"
    /// A spilled record was found damaged when read back.
    case spillCorrupt = "spill_corrupt"
}

/// The counter and gauge handles of one exporter, created once.
struct DeliveryStats: Sendable {
    struct PerSignal: Sendable {
        let received: Counter
        let recovered: Counter
        let refused: Counter
        let sent: Counter
        let failed: Counter
        let spilled: Counter
        let dropped: [Counter]  // by DropReason.allCases index
        let batches: [Counter]  // by FlushTrigger.allCases index
        let queueItems: Gauge
        let inFlightItems: Gauge
        let spillItems: Gauge
    }

    let signals: [PerSignal]  // by Signal.index
    let queueBytes: Gauge
    let queueCapacityItems: Gauge
    let queueCapacityBytes: Gauge
    let spillBytes: Gauge
    let spillCapacityBytes: Gauge
    let spillTruncatedSegments: Counter
    let spillTruncatedBytes: Counter
    let breakerState: Gauge
    let breakerTransitions: [Counter]  // by state code: to closed, open, half_open
    let attempts: [String: Counter]
    let exportDuration: Histogram

    init(exporter: String, counters: CounterRegistry, gauges: DeliveryGauges) {
        let e = ("exporter", exporter)
        signals = Signal.allCases.map { s in
            let l = [e, ("signal", s.rawValue)]
            return PerSignal(
                received: counters.counter("otel_sidecar_exporter_received_items_total", l),
                recovered: counters.counter("otel_sidecar_exporter_recovered_items_total", l),
                refused: counters.counter("otel_sidecar_exporter_refused_items_total", l),
                sent: counters.counter("otel_sidecar_exporter_sent_items_total", l),
                failed: counters.counter("otel_sidecar_exporter_failed_items_total", l),
                spilled: counters.counter("otel_sidecar_exporter_spilled_items_total", l),
                dropped: DropReason.allCases.map { counters.counter("otel_sidecar_exporter_dropped_items_total", l + [("reason", $0.rawValue)]) },
                batches: FlushTrigger.allCases.map { counters.counter("otel_sidecar_exporter_batches_total", l + [("trigger", $0.rawValue)]) },
                queueItems: gauges.gauge("otel_sidecar_exporter_queue_items", l),
                inFlightItems: gauges.gauge("otel_sidecar_exporter_in_flight_items", l),
                spillItems: gauges.gauge("otel_sidecar_exporter_spill_items", l)
            )
        }
        queueBytes = gauges.gauge("otel_sidecar_exporter_queue_bytes", [e])
        queueCapacityItems = gauges.gauge("otel_sidecar_exporter_queue_capacity_items", [e])
        queueCapacityBytes = gauges.gauge("otel_sidecar_exporter_queue_capacity_bytes", [e])
        spillBytes = gauges.gauge("otel_sidecar_exporter_spill_bytes", [e])
        spillCapacityBytes = gauges.gauge("otel_sidecar_exporter_spill_capacity_bytes", [e])
        spillTruncatedSegments = counters.counter("otel_sidecar_exporter_spill_truncated_segments_total", [e])
        spillTruncatedBytes = counters.counter("otel_sidecar_exporter_spill_truncated_bytes_total", [e])
        breakerState = gauges.gauge("otel_sidecar_exporter_breaker_state", [e])
        breakerTransitions = ["closed", "open", "half_open"].map { counters.counter("otel_sidecar_exporter_breaker_transitions_total", [e, ("to", $0)]) }
        var a: [String: Counter] = [:]
        for o in ["success", "partial_success", "retryable", "permanent"] {
            a[o] = counters.counter("otel_sidecar_exporter_export_attempts_total", [e, ("outcome", o)])
        }
        attempts = a
        exportDuration = gauges.histogram("otel_sidecar_exporter_export_duration_seconds", [e])
    }

    subscript(_ s: Signal) -> PerSignal { signals[s.index] }

    func dropped(_ s: Signal, _ r: DropReason) -> Counter {
        signals[s.index].dropped[DropReason.allCases.firstIndex(of: r)!]
    }

    func batches(_ s: Signal, _ t: FlushTrigger) -> Counter {
        signals[s.index].batches[FlushTrigger.allCases.firstIndex(of: t)!]
    }
}

/// One exporter's books for one signal, read in one step:
/// `received + recovered == sent + dropped + queued + inFlight + spilled` (``isBalanced``) at every moment.
public struct DeliveryAccounting: Sendable, Equatable, CustomStringConvertible {
    /// Items taken in (into memory or the spill).
    public var received: UInt64 = 0
    /// Items found in the spill at start (received by an earlier run).
    public var recovered: UInt64 = 0
    /// Items the backend accepted.
    public var sent: UInt64 = 0
    /// Items lost, by reason (``DropReason`` raw values).
    public var dropped: [String: UInt64] = [:]
    /// In the memory queue.
    public var queued = 0
    /// Taken for an export that has not finished (including one waiting to be retried).
    public var inFlight = 0
    /// On disk, not yet delivered.
    public var spilled = 0
    /// Not part of the identity: items turned away with a retryable answer (never received), items whose
    /// export failed for good (a subset of dropped: permanent, retries_exhausted, rejected) and items ever
    /// written to the spill.
    public var refused: UInt64 = 0
    public var failed: UInt64 = 0
    public var spilledTotal: UInt64 = 0

    public var droppedTotal: UInt64 { dropped.values.reduce(0, +) }

    public var isBalanced: Bool {
        received + recovered == sent + droppedTotal + UInt64(queued) + UInt64(inFlight) + UInt64(spilled)
    }

    public var description: String {
        "received=\(received) recovered=\(recovered) sent=\(sent) dropped=\(dropped.filter { $0.value > 0 }) queued=\(queued) inFlight=\(inFlight) spilled=\(spilled)"
    }
}
