import SidecarModel

/// The receiving path shared by all receivers: counts what arrives and fans it out to every sink.
///
/// Processors (redaction, sampling, limits) run here, in the receiving task, before fan-out, so every sink
/// only ever sees processed data. Fan-out shares the batch (copy-on-write arrays): no record is copied.
public final class Pipeline: Sendable {
    public let sinks: [any TelemetrySink]
    public let counters: CounterRegistry

    public init(sinks: [any TelemetrySink], counters: CounterRegistry) {
        self.sinks = sinks
        self.counters = counters
    }

    /// Hands a batch to every sink. `accepted` unless a sink refused it (then the receiver answers with a
    /// retryable error and the client resends; sinks that accepted count it as theirs).
    @discardableResult
    public func submit(_ batch: TelemetryBatch, receiver: String) -> SubmitResult {
        let n = UInt64(batch.itemCount)
        counters.counter("otel_sidecar_receiver_accepted_items_total", [("receiver", receiver), ("signal", batch.signal.rawValue)]).add(n)
        var result = SubmitResult.accepted
        for sink in sinks {
            if case .refused = sink.consume(batch) { result = .refused(retryAfter: .seconds(1)) }
        }
        return result
    }
}
