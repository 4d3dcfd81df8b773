import Foundation
import Testing

/// The whole sidecar forwarding to a real OTLP backend (grpcio + opentelemetry-proto, and Python's
/// http.server for OTLP/HTTP: `Tests/ExportTests/python/otlp_backend.py`), through its delivery path,
/// with a failure the retry must ride out.
@Suite("Forwarding to an OTLP backend", .serialized)
struct ForwardingTests {
    struct Backend: @unchecked Sendable {
        let process: Process
        let grpcPort: Int
        let httpPort: Int
        let record: String

        static func start(dir: String, script: String) async throws -> Backend {
            let py = PythonSDK.python
            let backendScript = PythonSDK.repoRoot.appendingPathComponent("Tests/ExportTests/python/otlp_backend.py").path
            let p = Process()
            p.executableURL = URL(fileURLWithPath: py)
            p.arguments = [backendScript, "--grpc-port", "0", "--http-port", "0", "--record", dir + "/record.jsonl",
                           "--ready", dir + "/ready.json", "--script", script]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            for _ in 0..<600 {
                if let data = FileManager.default.contents(atPath: dir + "/ready.json"),
                   let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Int],
                   let g = obj["grpc_port"], let h = obj["http_port"] {
                    return Backend(process: p, grpcPort: g, httpPort: h, record: dir + "/record.jsonl")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            p.terminate()
            throw Shell.Failure(description: "the Python OTLP backend did not start")
        }

        func records() -> [[String: Any]] {
            guard let text = try? String(contentsOfFile: record, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            for _ in 0..<300 where process.isRunning { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    @Test func spansAndLogsReachTheBackendOverGRPCAndHTTPDespiteAFailure() async throws {
        let dir = LiveSidecar.makeDirectory()
        // The first gRPC export fails UNAVAILABLE (retryable); everything else succeeds.
        let backend = try await Backend.start(dir: dir, script: "unavailable")
        defer { backend.stop() }
        let exporters = """
          - name: grpc-backend
            protocol: grpc
            endpoint: http://127.0.0.1:\(backend.grpcPort)
            headers: {x-api-key: s3cr3t-forwarding-key}
            retry: {initial: 100ms, max: 200ms}
            batch: {max_delay: 50ms}
          - name: http-backend
            protocol: http/protobuf
            endpoint: http://127.0.0.1:\(backend.httpPort)
            signals: [traces]
            batch: {max_delay: 50ms}
        """
        try await LiveSidecar.with(dir: dir, exporters: exporters) { live in
            let c = try UnixClient(path: live.eventsSocket)
            c.send("""
            {"type":"span","name":"forwarded","attributes":{"user.email":"jane@example.com"}}
            {"type":"log","body":"hello backend"}

            """)
            c.shutdownWrite()
            _ = try await offThread { c.readAll() }
            func arrived(_ transport: String, _ signal: String) -> [[String: Any]] {
                backend.records().filter { $0["transport"] as? String == transport && $0["signal"] as? String == signal && $0["answer"] as? String == "ok" }
            }
            #expect(try await live.eventually {
                !arrived("grpc", "traces").isEmpty && !arrived("grpc", "logs").isEmpty && !arrived("http", "traces").isEmpty
            })
            let grpcTraces = arrived("grpc", "traces").first.map { String(describing: $0["request"] ?? "") } ?? ""
            #expect(grpcTraces.contains("forwarded"))
            #expect(grpcTraces.contains("[REDACTED:email]"))
            #expect(!grpcTraces.contains("jane@example.com"))
            let headers = arrived("grpc", "traces").first?["headers"] as? [String: Any]
            #expect(headers?["x-api-key"] as? String == "s3cr3t-forwarding-key")
            #expect(backend.records().contains { $0["answer"] as? String == "unavailable" }, "the scripted failure happened")
            // The backend records a request before it answers: the sidecar counts it sent once the answer is in.
            #expect(try await live.eventually {
                live.counter("otel_sidecar_exporter_sent_items_total", [("exporter", "grpc-backend"), ("signal", "traces")]) == 1
                    && live.counter("otel_sidecar_exporter_sent_items_total", [("exporter", "http-backend"), ("signal", "traces")]) == 1
            })
        }
    }
}
