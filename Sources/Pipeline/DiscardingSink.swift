import SidecarModel

/// A sink that counts what it is given and keeps nothing: a console exporter writing to `/dev/null`.
public final class DiscardingSink: TelemetrySink {
    public let name: String
    private let sent: [Signal: Counter]

    public init(name: String, counters: CounterRegistry) {
        self.name = name
        var e: [Signal: Counter] = [:]
        for s in Signal.allCases {
            e[s] = counters.counter("otel_sidecar_exporter_sent_items_total", [("exporter", name), ("signal", s.rawValue)])
        }
        sent = e
    }

    public func consume(_ batch: TelemetryBatch) -> SubmitResult {
        sent[batch.signal]?.add(UInt64(batch.itemCount))
        return .accepted
    }
}
