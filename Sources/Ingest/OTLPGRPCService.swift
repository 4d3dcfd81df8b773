import GRPCCore
import OTLPWire
import Pipeline
import SidecarModel

/// The three OTLP `Export` methods, registered by hand on grpc-swift-2 with our codec as the (de)serializer.
struct OTLPGRPCService: RegistrableRPCService {
    let receiver: String
    let pipeline: Pipeline
    let stats: OTLPReceiverStats

    static let traces = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.trace.v1.TraceService", method: "Export")
    static let metrics = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.metrics.v1.MetricsService", method: "Export")
    static let logs = MethodDescriptor(fullyQualifiedService: "opentelemetry.proto.collector.logs.v1.LogsService", method: "Export")

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        register(Self.traces, OTLPProtobuf.decodeTraces, router: &router) { .traces($0) }
        register(Self.metrics, OTLPProtobuf.decodeMetrics, router: &router) { .metrics($0) }
        register(Self.logs, OTLPProtobuf.decodeLogs, router: &router) { .logs($0) }
    }

    private func register<Transport: ServerTransport, Data: Sendable>(
        _ method: MethodDescriptor,
        _ decode: @escaping @Sendable (UnsafeRawBufferPointer, DecodingLimits) throws(WireError) -> Data,
        router: inout RPCRouter<Transport>,
        batch: @escaping @Sendable (Data) -> TelemetryBatch
    ) {
        router.registerHandler(
            forMethod: method,
            deserializer: DecodingDeserializer(decode: decode),
            serializer: ResponseSerializer()
        ) { [self] request, _ in
            let message = try await ServerRequest(stream: request).message
            switch message {
            case .failure(let error):
                stats.requestError(reason: "invalid_protobuf", message: error.description)
                return StreamingServerResponse(error: RPCError(code: .invalidArgument, message: "malformed request: \(error)"))
            case .success(let data):
                let b = batch(data)
                stats.received(b.signal, b.itemCount)
                switch pipeline.submit(b, receiver: receiver) {
                case .accepted:
                    return StreamingServerResponse(single: ServerResponse(message: ExportResponse()))
                case .refused(let retryAfter):
                    stats.refused(b.signal, b.itemCount)
                    var md = Metadata()
                    let status = GoogleRPCStatus.encode(code: 8, message: "the sidecar's queue is full; retry later", retryDelay: retryAfter)
                    md.addBinary(status, forKey: "grpc-status-details-bin")
                    return StreamingServerResponse(error: RPCError(code: .resourceExhausted, message: "the sidecar's queue is full; retry later", metadata: md))
                }
            }
        }
    }
}

/// Decodes the request in the deserializer but never throws: the handler turns a failure into
/// INVALID_ARGUMENT with the decoder's reason (and counts it).
struct DecodingDeserializer<Data: Sendable>: MessageDeserializer {
    let decode: @Sendable (UnsafeRawBufferPointer, DecodingLimits) throws(WireError) -> Data

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Result<Data, WireError> {
        serializedMessageBytes.withUnsafeBytes { raw in
            do throws(WireError) {
                return .success(try decode(raw, .default))
            } catch {
                return .failure(error)
            }
        }
    }
}

struct ResponseSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: ExportResponse) throws -> Bytes {
        Bytes(OTLPProtobuf.encode(message))
    }
}
