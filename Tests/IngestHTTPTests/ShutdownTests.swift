import Foundation
import OTLPWire
import SidecarModel
import Testing

/// Graceful shutdown: stop accepting, finish the requests in flight, close idle connections, then return.
@Suite struct ShutdownTests {
    @Test func inFlightRequestFinishesAndIdleConnectionsClose() async throws {
        let body = OTLPProtobuf.encode(Samples.traces(spans: 2))
        let (sink, socketPath) = try await LiveOTLP.with { live in
            // An idle keep-alive connection (one request done) and one in the middle of a body.
            let idle = try RawHTTPClient(port: live.port)
            idle.send(RawHTTPClient.request("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body))
            #expect(await idle.readResponse()?.status == 200)
            let busy = try RawHTTPClient(unixPath: live.socketPath)
            busy.send(Array("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body.prefix(10))

            let shutdown = Task { await live.group.triggerGracefulShutdown() }
            // Intake stops: new connections are refused (polled, not timed).
            var refused = false
            for _ in 0..<2000 where !refused {
                refused = !RawHTTPClient.isAccepting(unixPath: live.socketPath)
                if !refused { try await Task.sleep(for: .milliseconds(5)) }
            }
            #expect(refused)
            // The idle connection is closed; the request in flight completes, then its connection closes.
            #expect(await idle.readUntilClosed())
            busy.send(Array(body.dropFirst(10)))
            let r = await busy.readResponse()
            #expect(r?.status == 200)
            #expect(await busy.readUntilClosed())
            await shutdown.value
            return (live.sink, live.socketPath)
        }
        #expect(sink.spanCount == 4)
        #expect(!FileManager.default.fileExists(atPath: socketPath))
    }

    @Test func h2cConnectionGetsGoawayAndFinishesItsOpenStream() async throws {
        let body = OTLPProtobuf.encode(Samples.traces(spans: 2))
        let sink = try await LiveOTLP.with { live in
            let h2 = RawH2(client: try RawHTTPClient(unixPath: live.socketPath))
            h2.start()
            // Stream 1 completes before the shutdown.
            h2.post(stream: 1, path: "/v1/traces", contentType: "application/x-protobuf", contentLength: body.count)
            h2.data(stream: 1, body, end: true)
            #expect(await h2.read { $0.type == RawH2.Frame.headers && $0.stream == 1 }?.isStatus200 == true)
            // Stream 3 is open with half its body when the shutdown starts.
            h2.post(stream: 3, path: "/v1/traces", contentType: "application/x-protobuf", contentLength: body.count)
            h2.data(stream: 3, Array(body.prefix(10)), end: false)
            let shutdown = Task { await live.group.triggerGracefulShutdown() }
            #expect(await h2.read { $0.type == RawH2.Frame.goaway } != nil)
            h2.data(stream: 3, Array(body.dropFirst(10)), end: true)
            #expect(await h2.read { $0.type == RawH2.Frame.headers && $0.stream == 3 }?.isStatus200 == true)
            // Then the connection closes (NIO's second GOAWAY, naming stream 3, may be dropped by that close).
            #expect(await h2.read { _ in false } == nil)
            await shutdown.value
            return live.sink
        }
        #expect(sink.traces == [Samples.traces(spans: 2), Samples.traces(spans: 2)])
    }
}
