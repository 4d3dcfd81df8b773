import Delivery
import Foundation
import Logging
import SidecarConfig
import SidecarModel
import Testing
@testable import Export

/// Our exporters into rotel (a Rust OTLP collector: tonic gRPC and hyper HTTP receivers), which forwards to
/// the Python backend: what the backend decodes must be what we sent.
@Suite(.serialized)
struct RotelDownstreamTests {
    @Test(arguments: [SidecarConfiguration.ExporterProtocol.grpc, .httpProtobuf, .httpJSON])
    func everySignalThroughRotel(proto: SidecarConfiguration.ExporterProtocol) async throws {
        try await Backend.with(.init(grpc: true)) { backend in
            try await Rotel.with(forwardingTo: backend.grpcPort) { rotel in
                let port = proto == .grpc ? rotel.grpcPort : rotel.httpPort
                let e = Samples.exporter(proto, "http://127.0.0.1:\(port)", compression: .gzip)
                let made = try ExportClients.make(for: e, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }))
                let outcomes = try await withServices(made.services) {
                    var o: [ExportOutcome] = []
                    for s in Signal.allCases { o.append(await made.client.export(Samples.batch(s))) }
                    return o
                }
                await made.client.shutdown()
                #expect(outcomes == [.success, .success, .success])
                let deadline = ContinuousClock.now + .seconds(15)
                var recs: [[String: Any]] = []
                while ContinuousClock.now < deadline {
                    recs = try await backend.requests(atLeast: 3)
                    if Set(recs.compactMap { $0["signal"] as? String }).count == 3 { break }
                }
                for s in Signal.allCases {
                    let rec = try #require(recs.first { $0["signal"] as? String == s.rawValue }, "rotel forwarded no \(s)")
                    if proto == .httpJSON, s == .metrics {
                        // rotel 0.0.1a15 drops an `asInt` written as a JSON string, the OTLP/JSON form for int64
                        // that we send (it keeps a bare number): compare what survives.
                        let text = String(decoding: try JSONSerialization.data(withJSONObject: rec["request"] ?? [:]), as: UTF8.self)
                        #expect(text.contains("\"requests\"") && text.contains("\"queue.depth\"") && text.contains("12.5"))
                        continue
                    }
                    try Samples.expectReceived(rec, s)
                }
            }
        }
    }
}
