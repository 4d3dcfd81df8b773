import SidecarModel
import Synchronization

/// What runs on every batch before fan-out: limits, PII redaction, sampling (the `Redaction` target
/// implements it). Returns nil when nothing is left; drops are counted by the processor as intentional.
public protocol BatchProcessor: Sendable {
    func process(_ batch: consuming TelemetryBatch) -> TelemetryBatch?
}

/// The receiving path shared by all receivers: processes each batch once and fans it out to every sink.
///
/// Processors run here, in the receiving task, before fan-out, so every sink (exporters, metric store,
/// console) only ever sees processed — masked — data. Fan-out shares the batch (copy-on-write arrays): no
/// record is copied. The processors can be replaced at run time (SIGHUP reload).
public final class Pipeline: Sendable {
    public let sinks: [any TelemetrySink]
    public let counters: CounterRegistry
    private let processor: Mutex<(any BatchProcessor)?>

    public init(sinks: [any TelemetrySink], counters: CounterRegistry, processor: (any BatchProcessor)? = nil) {
        self.sinks = sinks
        self.counters = counters
        self.processor = Mutex(processor)
    }

    /// Replaces the processors (configuration reload); batches already in flight finish with the old ones.
    public func replaceProcessor(_ p: (any BatchProcessor)?) {
        processor.withLock { $0 = p }
    }

    /// Processes a batch and hands it to every sink. `accepted` unless a sink refused it; then the receiver
    /// answers with a retryable error carrying the sink's delay (sinks that accepted keep their copy).
    @discardableResult
    public func submit(_ batch: TelemetryBatch, receiver: String) -> SubmitResult {
        counters.counter("otel_sidecar_receiver_accepted_items_total", [("receiver", receiver), ("signal", batch.signal.rawValue)])
            .add(UInt64(batch.itemCount))
        let p = processor.withLock { $0 }
        guard let processed = p.map({ $0.process(batch) }) ?? batch else { return .accepted }
        var result = SubmitResult.accepted
        for sink in sinks {
            if case .refused(let after) = sink.consume(processed) {
                if case .refused(let current) = result {
                    result = .refused(retryAfter: max(current, after))
                } else {
                    result = .refused(retryAfter: after)
                }
            }
        }
        return result
    }
}
