import Synchronization

/// The sink's counters (lock-free; read by `GET /stats` and at exit).
final class SinkCounters: Sendable {
    let requests = Atomic<Int>(0)
    let grpcRequests = Atomic<Int>(0)
    let httpRequests = Atomic<Int>(0)
    let spans = Atomic<Int>(0)
    let points = Atomic<Int>(0)
    let logs = Atomic<Int>(0)
    /// Decoded (uncompressed) protobuf bytes of the counted requests.
    let bytes = Atomic<Int>(0)
    /// OTLP/HTTP bodies as received (before gzip inflation).
    let httpWireBytes = Atomic<Int>(0)
    let traceRequests = Atomic<Int>(0)
    let metricRequests = Atomic<Int>(0)
    let logRequests = Atomic<Int>(0)
    /// Requests rejected: not protobuf (415), malformed (400), bad gzip, unknown path (404).
    let rejected = Atomic<Int>(0)
    let startNanos = Mono.nanos()

    func counted(_ signal: ProtoCount.Signal, items: Int, bytes n: Int, grpc: Bool) {
        requests.add(1, ordering: .relaxed)
        if grpc {
            grpcRequests.add(1, ordering: .relaxed)
        } else {
            httpRequests.add(1, ordering: .relaxed)
        }
        bytes.add(n, ordering: .relaxed)
        switch signal {
        case .traces:
            spans.add(items, ordering: .relaxed)
            traceRequests.add(1, ordering: .relaxed)
        case .metrics:
            points.add(items, ordering: .relaxed)
            metricRequests.add(1, ordering: .relaxed)
        case .logs:
            logs.add(items, ordering: .relaxed)
            logRequests.add(1, ordering: .relaxed)
        }
    }

    func json() -> JSONValue {
        func v(_ a: borrowing Atomic<Int>) -> JSONValue { .int(a.load(ordering: .relaxed)) }
        return .object([
            ("requests", v(requests)), ("spans", v(spans)), ("points", v(points)), ("logs", v(logs)), ("bytes", v(bytes)),
            ("grpc_requests", v(grpcRequests)), ("http_requests", v(httpRequests)),
            ("trace_requests", v(traceRequests)), ("metric_requests", v(metricRequests)), ("log_requests", v(logRequests)),
            ("http_wire_bytes", v(httpWireBytes)), ("rejected", v(rejected)),
            ("uptime_s", .double(Double(Mono.nanos() - startNanos) / 1e9)),
        ])
    }
}
