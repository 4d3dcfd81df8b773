import Delivery
import Foundation
import Logging
import Pipeline
import SidecarConfig
import SidecarModel
import Testing
@testable import Export

/// The wiring the sidecar uses: the client's services registered before the `DeliveryService`, both in one
/// `ServiceGroup`; the backend fails, then recovers; everything arrives and the accounting balances.
@Suite(.serialized)
struct DeliveryEndToEndTests {
    @Test(arguments: [SidecarConfiguration.ExporterProtocol.grpc, .httpProtobuf])
    func retriesThroughScriptedFailuresThenDelivers(proto: SidecarConfiguration.ExporterProtocol) async throws {
        let script = proto == .grpc
            ? ["unavailable", "resource_exhausted:0.2", "ok"]
            : ["unavailable", "http:429:0", "ok"]
        try await Backend.with(.init(grpc: proto == .grpc, http: proto != .grpc, script: script)) { backend in
            let endpoint = proto == .grpc ? "http://127.0.0.1:\(backend.grpcPort)" : "http://127.0.0.1:\(backend.httpPort)"
            var e = Samples.exporter(proto, endpoint, compression: .gzip, timeout: .seconds(10))
            e.retry = .init(initial: .milliseconds(50), max: .milliseconds(200), maxElapsed: .seconds(20))
            e.batch.maxDelay = .milliseconds(20)
            e.circuitBreaker.enabled = false
            let logger = Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })
            let made = try ExportClients.make(for: e, logger: logger)
            let delivery = try DeliveryService(exporter: e, client: made.client, counters: CounterRegistry(), logger: logger)
            try await withServices(made.services + [delivery], logger: logger) {
                #expect(delivery.consume(.traces(Samples.traces)) == .accepted)
                let deadline = ContinuousClock.now + .seconds(20)
                while delivery.accounting()[.traces]?.sent != 2, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
            }
            #expect(try await backend.requests(atLeast: 3).map { $0["answer"] as? String } == script)
            let a = try #require(delivery.accounting()[.traces])
            #expect(a.sent == 2)
            #expect(a.droppedTotal == 0)
            #expect(a.isBalanced)
            let recs = try await backend.requests(atLeast: 3)
            try Samples.expectReceived(try #require(recs.last), .traces)
        }
    }
}
