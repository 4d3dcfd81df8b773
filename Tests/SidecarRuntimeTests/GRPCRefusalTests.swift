import Foundation
import Ingest
import Logging
import Pipeline
import ServiceLifecycle
import Testing

/// A sink that refuses everything, as a full queue with the `refuse` overflow policy does.
struct RefusingSink: TelemetrySink {
    let name = "refusing"
    func consume(_ batch: TelemetryBatch) -> SubmitResult { .refused(retryAfter: .milliseconds(1500)) }
}

/// The OTLP/gRPC receiver's error answers as a real gRPC client (grpcio) sees them.
@Suite("OTLP/gRPC receiver refusals and bad requests", .serialized)
struct GRPCRefusalTests {
    func withReceiver(_ sink: any TelemetrySink, allowlist: PeerAllowlist = .anyone, _ body: @Sendable (String, CounterRegistry) async throws -> Void) async throws {
        let dir = LiveSidecar.makeDirectory()
        let counters = CounterRegistry()
        let readiness = Readiness()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let pipeline = Pipeline(sinks: [sink], counters: counters)
        let receiver = OTLPGRPCReceiver(
            settings: .init(listener: .unix(path: dir + "/grpc.sock", mode: 0o660, group: nil, allowlist: allowlist)),
            pipeline: pipeline, readiness: readiness,
            stats: OTLPReceiverStats(receiver: "otlp_grpc", counters: counters, logger: logger), logger: logger)
        let group = ServiceGroup(services: [receiver], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while !readiness.isReady { try await Task.sleep(for: .milliseconds(2)) }
            try await body("unix://" + dir + "/grpc.sock", counters)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static func call(_ target: String, _ extra: [String] = []) async throws -> [String: Any] {
        let out = try await offThread { try PythonSDK.run("grpc_call.py", [target] + extra) }
        return (try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]) ?? [:]
    }

    @Test func aRefusingPipelineAnswersResourceExhaustedWithRetryInfo() async throws {
        try await withReceiver(RefusingSink()) { target, counters in
            let r = try await Self.call(target)
            #expect(r["code"] as? String == "RESOURCE_EXHAUSTED")
            #expect((r["retry_delay_seconds"] as? NSNumber)?.doubleValue == 1.5)
            #expect(counters.value("otel_sidecar_receiver_refused_items_total", [("receiver", "otlp_grpc"), ("signal", "traces")]) == 1)
        }
    }

    @Test func aMalformedRequestIsInvalidArgumentAndCounted() async throws {
        try await withReceiver(DiscardingSink(name: "discard", counters: CounterRegistry())) { target, counters in
            let r = try await Self.call(target, ["--garbage"])
            #expect(r["code"] as? String == "INVALID_ARGUMENT")
            #expect((r["message"] as? String)?.contains("malformed request") == true)
            #expect(counters.value("otel_sidecar_receiver_request_errors_total", [("receiver", "otlp_grpc"), ("reason", "invalid_protobuf")]) == 1)
            // The connection and the receiver survive: a good request right after is accepted.
            let ok = try await Self.call(target)
            #expect(ok["code"] as? String == "OK")
        }
    }

    @Test func aPeerOutsideTheAllowlistCannotCall() async throws {
        let other: UInt32 = getuid() == 12345 ? 12346 : 12345
        try await withReceiver(DiscardingSink(name: "discard", counters: CounterRegistry()), allowlist: PeerAllowlist(uids: [other])) { target, counters in
            let r = try await Self.call(target)
            #expect(r["code"] as? String == "UNAVAILABLE")
            #expect(counters.value("otel_sidecar_receiver_peer_rejected_total", [("receiver", "otlp_grpc")]) >= 1)
        }
        try await withReceiver(DiscardingSink(name: "discard", counters: CounterRegistry()), allowlist: PeerAllowlist(uids: [getuid()])) { target, _ in
            let r = try await Self.call(target)
            #expect(r["code"] as? String == "OK")
        }
    }
}
