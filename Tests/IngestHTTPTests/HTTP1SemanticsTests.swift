import Foundation
import OTLPWire
import SidecarModel
import Testing

/// HTTP/1.1 details a real client depends on: pipelining, keep-alive, `Expect: 100-continue`, early answers.
@Suite struct HTTP1SemanticsTests {
    static let pb = [("Content-Type", "application/x-protobuf")]

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await LiveOTLP.with { live in
            let c = try RawHTTPClient(port: live.port)
            let one = OTLPProtobuf.encode(Samples.traces(spans: 1, tag: "one"))
            let two = OTLPProtobuf.encode(Samples.traces(spans: 2, tag: "two"))
            // Three requests in one write: a good one, a 404, a good one.
            c.send(RawHTTPClient.request("POST", "/v1/traces", headers: Self.pb, body: one)
                + RawHTTPClient.request("POST", "/v1/unknown", headers: Self.pb, body: [1, 2, 3])
                + RawHTTPClient.request("POST", "/v1/traces", headers: Self.pb, body: two))
            var statuses: [Int?] = []
            for _ in 0..<3 { statuses.append(await c.readResponse()?.status) }
            #expect(statuses == [200, 404, 200])
            #expect(live.sink.traces == [Samples.traces(spans: 1, tag: "one"), Samples.traces(spans: 2, tag: "two")])
            // The connection stays open for more.
            c.send(RawHTTPClient.request("POST", "/v1/traces", headers: Self.pb, body: one))
            #expect(await c.readResponse()?.status == 200)
        }
    }

    @Test func expectContinueThenBody() async throws {
        try await LiveOTLP.with { live in
            let c = try RawHTTPClient(unixPath: live.socketPath)
            let body = OTLPProtobuf.encode(Samples.traces(spans: 2))
            c.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nExpect: 100-continue\r\nContent-Length: \(body.count)\r\n\r\n")
            let interim = await c.readResponse()
            #expect(interim?.status == 100)
            c.send(body)
            #expect(await c.readResponse()?.status == 200)
            #expect(live.sink.traces == [Samples.traces(spans: 2)])
        }
    }

    @Test func expectContinueRejectedEarlyWithoutReadingTheBody() async throws {
        try await LiveOTLP.with(.init(maxBodyBytes: 1024)) { live in
            // Too large by its declared length: 413 at once, no 100, and the connection closes.
            let c = try RawHTTPClient(port: live.port)
            c.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n")
            let r = await c.readResponse()
            #expect(r?.status == 413)
            #expect(r?.header("connection") == "close")
            #expect(await c.readUntilClosed())
            // Wrong content type: 415 at once.
            let d = try RawHTTPClient(port: live.port)
            d.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n")
            #expect(await d.readResponse()?.status == 415)
            #expect(await d.readUntilClosed())
            #expect(live.requestErrors("body_too_large") == 1)
            #expect(live.requestErrors("unsupported_media_type") == 1)
        }
    }

    /// curl sends `Expect: 100-continue` itself for bodies over 1 MiB; it gets 413 without uploading.
    @Test func curlLargeUploadGets413() async throws {
        try await LiveOTLP.with(.init(maxBodyBytes: 64 * 1024)) { live in
            let big = try live.file("big.bin", [UInt8](repeating: 0x0A, count: 2 << 20))
            for extra in [[] as [String], ["--http2-prior-knowledge"]] {
                let r = try await CurlResponse.send(live.baseURL + "/v1/traces", extra + [
                    "-H", "Content-Type: application/x-protobuf", "--data-binary", "@\(big)",
                ], in: live.dir)
                #expect(r.status == 413)
                let status = try GoogleRPCStatus.decode(r.body)
                #expect(status.code == 8)
                #expect(status.message.contains("max_body_bytes"))
            }
            #expect(live.sink.received.isEmpty)
        }
    }

    @Test func chunkedBodyOverTheLimitIsCutOff() async throws {
        try await LiveOTLP.with(.init(maxBodyBytes: 4096)) { live in
            let c = try RawHTTPClient(port: live.port)
            c.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = [UInt8](repeating: 0x0A, count: 3000)
            for _ in 0..<2 { c.send(Array("bb8\r\n".utf8) + chunk + Array("\r\n".utf8)) }
            let r = await c.readResponse()
            #expect(r?.status == 413)
            #expect(r?.header("connection") == "close")
            c.send("0\r\n\r\n")
            #expect(await c.readUntilClosed())
            #expect(live.sink.received.isEmpty)
        }
    }

    @Test func http10ClosesUnlessKeepAlive() async throws {
        try await LiveOTLP.with { live in
            let body = OTLPProtobuf.encode(Samples.traces(spans: 1))
            let c = try RawHTTPClient(port: live.port)
            c.send(Array("POST /v1/traces HTTP/1.0\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
            let r = await c.readResponse()
            #expect(r?.status == 200)
            #expect(r?.header("connection") == "close")
            #expect(await c.readUntilClosed())
            let k = try RawHTTPClient(port: live.port)
            for _ in 0..<2 {
                k.send(Array("POST /v1/traces HTTP/1.0\r\nConnection: keep-alive\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
                let r = await k.readResponse()
                #expect(r?.status == 200)
                #expect(r?.header("connection") == "keep-alive")
            }
            #expect(live.sink.spanCount == 3)
        }
    }

    /// Idle keep-alive connections are closed after the idle timeout; a stalled upload one timeout later.
    /// (Waits for the close itself; nothing asserts on durations.)
    @Test func idleAndStalledConnectionsAreClosed() async throws {
        try await LiveOTLP.with(.init(idleTimeout: .milliseconds(200))) { live in
            let body = OTLPProtobuf.encode(Samples.traces(spans: 1))
            let idle = try RawHTTPClient(port: live.port)
            idle.send(RawHTTPClient.request("POST", "/v1/traces", headers: Self.pb, body: body))
            #expect(await idle.readResponse()?.status == 200)
            let stalled = try RawHTTPClient(unixPath: live.socketPath)
            stalled.send("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 100\r\n\r\nabc")
            let silent = try RawHTTPClient(unixPath: live.socketPath)
            #expect(await idle.readUntilClosed())
            #expect(await stalled.readUntilClosed())
            #expect(await silent.readUntilClosed())
            #expect(live.sink.spanCount == 1)
        }
    }
}
