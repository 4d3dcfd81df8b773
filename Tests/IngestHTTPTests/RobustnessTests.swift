import Foundation
import OTLPWire
import SidecarModel
import Testing

/// Bad clients next to good ones: the good data all arrives, the bad is counted, nothing crashes.
@Suite struct RobustnessTests {
    @Test func garbageOnSomeConnectionsWhileCurlSendsGoodData() async throws {
        try await LiveOTLP.with { live in
            let good = try live.file("good.pb", OTLPProtobuf.encode(Samples.traces(spans: 2)))
            // 25 requests on one keep-alive connection (curl --next), over the Unix socket.
            var args: [String] = []
            for i in 0..<25 {
                if i > 0 { args.append("--next") }
                args += ["--unix-socket", live.socketPath, "-o", "/dev/null", "-w", "%{http_code}\n",
                         "-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(good)", "http://sidecar/v1/traces"]
            }
            async let curl = Peers.curl(args)
            // Meanwhile: garbage that is not HTTP, a half-valid h2 preface, and a bad request line, each on
            // its own connection, on both listeners.
            var rng = SystemRandomNumberGenerator()
            var junk = (0..<64 * 1024).map { _ in UInt8.random(in: 0...255, using: &rng) }
            junk[0] = 0x47  // 'G' so it starts like a method
            let garbage: [[UInt8]] = [
                junk,
                Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + junk,
                Array("BREW /v1/traces HTTP/9.9\r\n\r\n".utf8),
                Array("POST /v1/traces HTTP/1.1\r\nContent-Length: -5\r\n\r\n".utf8),
            ]
            var closed = 0
            for bytes in garbage {
                for client in [try RawHTTPClient(port: live.port), try RawHTTPClient(unixPath: live.socketPath)] {
                    client.send(bytes)
                    if await client.readUntilClosed() { closed += 1 }
                }
            }
            let out = try await curl
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.text.split(separator: "\n") == Array(repeating: "200", count: 25))
            #expect(closed == garbage.count * 2)
            #expect(live.sink.spanCount == 50)
            #expect(live.requestErrors("malformed_http") >= 4)
            // Still serving.
            let r = try await CurlResponse.send(live.baseURL + "/v1/traces", ["-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(good)"], in: live.dir)
            #expect(r.status == 200)
        }
    }

    @Test func clientDisconnectingMidBodyLeavesNoTrace() async throws {
        try await LiveOTLP.with { live in
            for _ in 0..<20 {
                let c = try RawHTTPClient(unixPath: live.socketPath)
                c.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n")
                c.send([UInt8](repeating: 0x0A, count: 300))
            }
            let good = try live.file("good.pb", OTLPProtobuf.encode(Samples.traces(spans: 1)))
            let r = try await CurlResponse.send("http://sidecar/v1/traces", [
                "--unix-socket", live.socketPath, "-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(good)",
            ], in: live.dir)
            #expect(r.status == 200)
            #expect(live.sink.spanCount == 1)
        }
    }
}
