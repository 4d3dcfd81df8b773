import SidecarModel

/// One unit handed from a receiver to the pipeline: the data of one request, or of one socket read.
public enum TelemetryBatch: Sendable, Equatable {
    case traces(TracesData)
    case metrics(MetricsData)
    case logs(LogsData)

    public var signal: Signal {
        switch self {
        case .traces: return .traces
        case .metrics: return .metrics
        case .logs: return .logs
        }
    }

    /// Spans, data points or log records: the unit every counter of the sidecar counts in.
    public var itemCount: Int {
        switch self {
        case .traces(let d): return d.spanCount
        case .metrics(let d): return d.dataPointCount
        case .logs(let d): return d.logRecordCount
        }
    }
}

/// What the pipeline answers a receiver.
public enum SubmitResult: Sendable, Equatable {
    case accepted
    /// The data was not taken (a `refuse` overflow policy); the client should retry after the delay.
    case refused(retryAfter: Duration)
}

/// A consumer of processed (already masked) batches: an exporter's delivery queue, the console, the local store.
/// `consume` must not block: it is called on the receiving task.
public protocol TelemetrySink: Sendable {
    var name: String { get }
    func consume(_ batch: TelemetryBatch) -> SubmitResult
}
