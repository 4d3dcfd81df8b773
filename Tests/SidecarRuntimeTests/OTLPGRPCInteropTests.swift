import Foundation
import SidecarModel
import Testing

@Suite("OTLP/gRPC receiver with real clients", .serialized)
struct OTLPGRPCInteropTests {
    func roundTrip(endpointFor: @Sendable (LiveSidecar) -> String, extraArgs: [String] = []) async throws {
        try await LiveSidecar.with { live in
            let endpoint = endpointFor(live)
            let out = try await offThread { try PythonSDK.run("sdk_export.py", ["grpc", endpoint] + extraArgs) }
            let (expected, resource) = try PythonSDK.expectedSpans(out)
            #expect(expected.count == 3)
            #expect(try await live.eventually { live.exportedSpans().count == expected.count })
            let received = live.exportedSpans()
            for e in expected {
                guard let s = received.first(where: { $0.spanId.hex == e["span_id"] as? String }) else {
                    Issue.record("span \(e["name"] ?? "?") did not arrive")
                    continue
                }
                let d = PythonSDK.differences(s, e)
                #expect(d.isEmpty, "\(d)")
            }
            #expect((resource["service.name"] as? [Any])?.last as? String == "python-sdk-test")
            #expect(live.counter("otel_sidecar_receiver_received_items_total", [("receiver", "otlp_grpc"), ("signal", "traces")]) == 3)
        }
    }

    @Test func pythonSDKOverTheUnixSocket() async throws {
        try await roundTrip(endpointFor: { "unix://\($0.grpcSocket)" })
    }

    @Test func pythonSDKOverTCPWithGzip() async throws {
        try await roundTrip(endpointFor: { $0.address("otlp_grpc (tcp)") ?? "missing" }, extraArgs: ["--gzip"])
    }
}

@Suite("rotel exporting into the sidecar", .serialized)
struct RotelInteropTests {
    @Test func rotelForwardsTheSDKsSpansIntact() async throws {
        try await LiveSidecar.with { live in
            let address = try #require(live.address("otlp_grpc (tcp)"))
            let out = try await offThread { try PythonSDK.run("via_rotel.py", [address]) }
            let (expected, _) = try PythonSDK.expectedSpans(out)
            #expect(expected.count == 3)
            #expect(try await live.eventually { live.exportedSpans().count == expected.count })
            let received = live.exportedSpans()
            for e in expected {
                guard let s = received.first(where: { $0.spanId.hex == e["span_id"] as? String }) else {
                    Issue.record("span \(e["name"] ?? "?") did not arrive through rotel")
                    continue
                }
                #expect(PythonSDK.differences(s, e).isEmpty, "\(PythonSDK.differences(s, e))")
            }
        }
    }
}
