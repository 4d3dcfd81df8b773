import OTLPWire
import Pipeline
import SidecarModel

/// One export request's payload: a signal's `Export…ServiceRequest` in protobuf, encoded once.
///
/// Received data is encoded when it enters the queue (that is the size `max_bytes` limits), and a batch is
/// the concatenation of queued chunks: the three requests have a single repeated field (number 1), and
/// concatenating protobuf messages merges them, so batching never re-encodes.
public struct EncodedBatch: Sendable, Equatable {
    public var signal: Signal
    /// Spans, data points or log records.
    public var itemCount: Int
    /// `ExportTraceServiceRequest` / `ExportMetricsServiceRequest` / `ExportLogsServiceRequest`.
    public var bytes: [UInt8]

    public init(signal: Signal, itemCount: Int, bytes: [UInt8]) {
        self.signal = signal
        self.itemCount = itemCount
        self.bytes = bytes
    }

    /// Encodes a whole batch (one chunk).
    public init(_ batch: TelemetryBatch) {
        signal = batch.signal
        itemCount = batch.itemCount
        var b: [UInt8]
        switch batch {
        case .traces(let d): b = OTLPProtobuf.encode(d)
        case .metrics(let d): b = OTLPProtobuf.encode(d)
        case .logs(let d): b = OTLPProtobuf.encode(d)
        }
        bytes = Self.compacted(b)
    }

    /// The queue's byte bound counts `bytes.count`; the encoder reserves by estimate and growth doubles, so a
    /// buffer with much unused capacity is copied to a tight one (one memcpy) to keep memory ≈ the count.
    static func compacted(_ b: [UInt8]) -> [UInt8] {
        guard b.capacity - b.count > b.count / 8 else { return b }
        return [UInt8](unsafeUninitializedCapacity: b.count) { buf, n in
            _ = buf.initialize(from: b)
            n = b.count
        }
    }

    public var byteCount: Int { bytes.count }

    /// Decodes the payload back into the model: for exporters that write another format (OTLP/JSON, console).
    public func decoded() throws(WireError) -> TelemetryBatch {
        switch signal {
        case .traces: return .traces(try OTLPProtobuf.decodeTraces(bytes))
        case .metrics: return .metrics(try OTLPProtobuf.decodeMetrics(bytes))
        case .logs: return .logs(try OTLPProtobuf.decodeLogs(bytes))
        }
    }
}

/// What one export attempt came to, as classified by the client (see ``ExportOutcome/grpc(status:retryInfo:)``
/// and ``ExportOutcome/http(status:retryAfter:)`` for the OTLP specification's rules).
public enum ExportOutcome: Sendable, Equatable {
    /// The backend accepted everything.
    case success
    /// The backend accepted the request but rejected `rejected` items (OTLP `partial_success`). Not retried:
    /// the rejected items are counted as dropped with reason `rejected`. `message` is kept for the caller and
    /// never logged (backends echo attribute values in it).
    case partialSuccess(rejected: Int, message: String)
    /// A transient failure: retried with backoff. `retryAfter` is the server's hint (gRPC `RetryInfo`, HTTP
    /// `Retry-After`); the wait is at least that long. `reason` is short and of low cardinality
    /// (`grpc_unavailable`, `http_503`, `connect`, `timeout`): it appears in logs and a counter label.
    case retryable(reason: String, retryAfter: Duration?)
    /// The backend will never take this request: the batch is dropped and counted with reason `permanent`.
    case permanent(reason: String)

    /// `success`, or `partialSuccess` when the response carries a partial success with rejected items.
    /// A partial success with only a message (rejected = 0) is a warning by the spec, hence a success.
    public static func fromResponse(_ response: ExportResponse) -> ExportOutcome {
        guard let p = response.partialSuccess, p.rejected > 0 else { return .success }
        return .partialSuccess(rejected: Int(clamping: p.rejected), message: p.errorMessage)
    }

    var isRetryable: Bool {
        if case .retryable = self { return true }
        return false
    }
}

/// What the OTLP/gRPC, OTLP/HTTP and console exporters implement. One instance per configured exporter.
///
/// `export` is called by one delivery task, one request at a time. It must return promptly when its task is
/// cancelled (graceful shutdown cuts an export short when the grace period runs out), answering
/// `.retryable(reason: "cancelled", retryAfter: nil)`; the delivery core then spills or counts the batch.
/// It applies its own per-request timeout (`exporters[].timeout`) and reports it as `.retryable(reason: "timeout")`.
public protocol ExportClient: Sendable {
    func export(_ batch: EncodedBatch) async -> ExportOutcome
    /// Closes connections. Called once, after the queue was drained, spilled or counted.
    func shutdown() async
}

extension ExportClient {
    public func shutdown() async {}
}
