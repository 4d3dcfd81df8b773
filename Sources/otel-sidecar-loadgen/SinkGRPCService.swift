import GRPCCore

/// The OTLP/gRPC `Export` methods of the sink: the deserializer counts items straight from the message
/// bytes (no decoding into a model) and the handler answers an empty response.
struct SinkGRPCService: RegistrableRPCService {
    let counters: SinkCounters

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        for (method, signal) in [(OTLPMethods.traces, ProtoCount.Signal.traces), (OTLPMethods.metrics, .metrics), (OTLPMethods.logs, .logs)] {
            let counters = self.counters
            router.registerHandler(
                forMethod: method, deserializer: CountingDeserializer(signal: signal), serializer: EmptyResponseSerializer()
            ) { request, _ in
                let counted = try await ServerRequest(stream: request).message
                guard let items = counted.items else {
                    counters.rejected.add(1, ordering: .relaxed)
                    return StreamingServerResponse(error: RPCError(code: .invalidArgument, message: "malformed \(signal.rawValue) request"))
                }
                counters.counted(signal, items: items, bytes: counted.bytes, grpc: true)
                return StreamingServerResponse(single: ServerResponse(message: EmptyResponse()))
            }
        }
    }
}

struct Counted: Sendable {
    var items: Int?
    var bytes: Int
}

struct CountingDeserializer: MessageDeserializer {
    let signal: ProtoCount.Signal

    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Counted {
        serializedMessageBytes.withUnsafeBytes { raw in
            Counted(items: ProtoCount.count(signal, raw), bytes: raw.count)
        }
    }
}
