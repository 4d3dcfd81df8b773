import GRPCCore
import OTLPWire
import SidecarModel

/// OTLP/gRPC method descriptors (the three `Export` methods).
enum OTLPMethods {
    static let traces = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export")
    static let metrics = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.metrics.v1.MetricsService", method: "Export")
    static let logs = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.logs.v1.LogsService", method: "Export")
}

/// Sends pre-encoded request bytes unchanged (as the sidecar's exporter does).
struct PassThroughSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Reads only `partial_success.rejected_*` of an `Export…ServiceResponse`; an unreadable response counts
/// as 0 rejected (the status already said OK).
struct RejectedCountDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Int64 {
        serializedMessageBytes.withUnsafeBytes { raw in
            guard raw.count > 0, let r = try? OTLPProtobuf.decodeResponse(raw) else { return 0 }
            return r.partialSuccess?.rejected ?? 0
        }
    }
}

/// The sink's answer: an empty `Export…ServiceResponse` (zero bytes on the wire).
struct EmptyResponse: Sendable {}

struct EmptyResponseSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: EmptyResponse) throws -> Bytes {
        Bytes([])
    }
}
