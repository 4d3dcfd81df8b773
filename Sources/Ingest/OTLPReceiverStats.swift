import Logging
import Pipeline
import SidecarModel

/// Counters and the rate-limited error log of an OTLP receiver (gRPC or HTTP), shared by its listeners.
public final class OTLPReceiverStats: Sendable {
    let receiver: String
    let counters: CounterRegistry
    let receivedItems: [Signal: Counter]
    let refusedItems: [Signal: Counter]
    let log: RateLimitedLog

    public init(receiver: String, counters: CounterRegistry, logger: Logger) {
        self.receiver = receiver
        self.counters = counters
        var rc: [Signal: Counter] = [:]
        var rf: [Signal: Counter] = [:]
        for s in Signal.allCases {
            rc[s] = counters.counter("otel_sidecar_receiver_received_items_total", [("receiver", receiver), ("signal", s.rawValue)])
            rf[s] = counters.counter("otel_sidecar_receiver_refused_items_total", [("receiver", receiver), ("signal", s.rawValue)])
        }
        receivedItems = rc
        refusedItems = rf
        log = RateLimitedLog(logger: logger)
    }

    func received(_ s: Signal, _ n: Int) { receivedItems[s]?.add(UInt64(n)) }
    func refused(_ s: Signal, _ n: Int) { refusedItems[s]?.add(UInt64(n)) }

    /// Counts a rejected request by reason and logs it at most once a second. `message` is the decoder's
    /// reason (a byte offset and what was expected), never payload content.
    func requestError(reason: String, message: String) {
        counters.counter("otel_sidecar_receiver_request_errors_total", [("receiver", receiver), ("reason", reason)]).add()
        log.warning("rejected request", metadata: ["receiver": "\(receiver)", "reason": "\(reason)", "detail": "\(message)"])
    }
}
