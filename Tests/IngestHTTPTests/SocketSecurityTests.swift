import Foundation
import Ingest
import Logging
import OTLPWire
import Pipeline
import SidecarModel
import Testing

/// Socket file modes, the peer-credential allowlist, and a live socket never being taken over.
@Suite struct SocketSecurityTests {
    func mode(_ path: String) -> UInt32 {
        var st = stat()
        guard stat(path, &st) == 0 else { return 0 }
        return UInt32(st.st_mode) & 0o7777
    }

    @Test func socketAndDirectoryModes() async throws {
        try await LiveOTLP.with(.init(socketMode: 0o640)) { live in
            #expect(mode(live.socketPath) == 0o640)
            #expect(mode(live.dir + "/run") == 0o750)
        }
    }

    @Test func allowlistAdmitsListedUIDAndRejectsOthers() async throws {
        let me = getuid()
        // Only another uid is listed: we are turned away before a byte is read.
        try await LiveOTLP.with(.init(allowlist: PeerAllowlist(uids: [me &+ 1]))) { live in
            let body = OTLPProtobuf.encode(Samples.traces(spans: 1))
            let c = try RawHTTPClient(unixPath: live.socketPath)
            c.send(RawHTTPClient.request("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body))
            #expect(await c.readResponse() == nil)
            let curl = try await Peers.curl(["--unix-socket", live.socketPath, "-H", "Content-Type: application/x-protobuf", "-d", "x", "http://sidecar/v1/traces"])
            #expect(curl.status != 0)
            #expect(live.counter("otel_sidecar_receiver_peer_rejected_total", [("receiver", "otlp_http")]) == 2)
            #expect(live.sink.received.isEmpty)
            // The TCP listener has no peer credentials and is not filtered.
            let tcp = try RawHTTPClient(port: live.port)
            tcp.send(RawHTTPClient.request("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body))
            #expect(await tcp.readResponse()?.status == 200)
        }
        // Our uid (or our gid) listed: admitted.
        for allowlist in [PeerAllowlist(uids: [me]), PeerAllowlist(uids: [me &+ 1], gids: [getgid()])] {
            try await LiveOTLP.with(.init(allowlist: allowlist)) { live in
                let c = try RawHTTPClient(unixPath: live.socketPath)
                c.send(RawHTTPClient.request("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: OTLPProtobuf.encode(Samples.traces(spans: 1))))
                #expect(await c.readResponse()?.status == 200)
                #expect(live.counter("otel_sidecar_receiver_peer_rejected_total", [("receiver", "otlp_http")]) == 0)
            }
        }
    }

    /// A process of another uid (nobody, via Python's setuid; needs root) is rejected by the allowlist even
    /// though the socket's mode lets it connect.
    @Test(.enabled(if: getuid() == 0, "needs root to run a client as another uid"))
    func anotherUIDIsRejected() async throws {
        let python = try Peers.python()
        try await LiveOTLP.with(.init(socketMode: 0o666, allowlist: PeerAllowlist(uids: [0]))) { live in
            chmod(live.dir, 0o755)
            chmod(live.dir + "/run", 0o755)
            let script = """
            import os, socket, sys
            os.setgid(65534); os.setuid(65534)
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(10)
            s.connect(sys.argv[1])
            try:
                s.sendall(b"POST /v1/traces HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/x-protobuf\\r\\nContent-Length: 0\\r\\n\\r\\n")
                data = s.recv(100)
            except (ConnectionResetError, BrokenPipeError):
                data = b""
            print("uid", os.getuid(), "got", len(data))
            """
            let out = try await Peers.run(python, ["-c", script, live.socketPath])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.text.contains("uid 65534 got 0"), "\(out.text)")
            #expect(live.counter("otel_sidecar_receiver_peer_rejected_total", [("receiver", "otlp_http")]) == 1)
            // Root (listed) still gets in.
            let c = try RawHTTPClient(unixPath: live.socketPath)
            c.send(RawHTTPClient.request("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")]))
            #expect(await c.readResponse()?.status == 200)
        }
    }

    @Test func aLiveSocketIsNotTakenOver() async throws {
        try await LiveOTLP.with { live in
            let counters = CounterRegistry()
            let second = OTLPHTTPReceiver(
                settings: .init(listener: .unix(path: live.socketPath)),
                pipeline: Pipeline(sinks: [], counters: counters), readiness: nil,
                stats: OTLPReceiverStats(receiver: "otlp_http", counters: counters, logger: Logger(label: "t")), logger: Logger(label: "t")
            )
            await #expect(throws: UnixSocketFiles.Failure.self) { try await second.run() }
            await #expect(throws: UnixSocketFiles.Failure.self) { _ = try await second.listeningAddress() }
            // The first one still answers.
            let c = try RawHTTPClient(unixPath: live.socketPath)
            c.send(RawHTTPClient.request("GET", "/nope"))
            #expect(await c.readResponse()?.status == 404)
        }
    }
}
