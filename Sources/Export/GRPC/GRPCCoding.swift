import GRPCCore
import OTLPWire
import SidecarModel

/// The three OTLP `Export` methods, called by hand with pass-through coding: the request is the batch's
/// protobuf bytes as they are (encoded once at intake), the response is decoded with our codec.
enum OTLPGRPCMethods {
    static let traces = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export")
    static let metrics = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.metrics.v1.MetricsService", method: "Export")
    static let logs = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.logs.v1.LogsService", method: "Export")

    static func descriptor(for signal: Signal) -> MethodDescriptor {
        switch signal {
        case .traces: traces
        case .metrics: metrics
        case .logs: logs
        }
    }
}

/// Sends `EncodedBatch.bytes` unchanged: they already are the `Export…ServiceRequest`.
struct PassThroughSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

/// Decodes `Export…ServiceResponse` (only `partial_success` matters). Never throws: a response we cannot
/// read does not undo the backend's OK, so the caller treats a failure as a plain success.
struct ResponseDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Result<ExportResponse, WireError> {
        serializedMessageBytes.withUnsafeBytes { raw in
            do throws(WireError) {
                return .success(try OTLPProtobuf.decodeResponse(raw))
            } catch {
                return .failure(error)
            }
        }
    }
}
