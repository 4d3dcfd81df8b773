import Foundation
import InMemoryLogging
import Testing

/// Spans and logs with personal data in every field, sent by the real Python SDK over OTLP/gRPC, leave the
/// sidecar masked: in what it exports (the console exporter) and in its own logs.
@Suite("PII never leaves the sidecar", .serialized)
struct PIIEndToEndTests {
    @Test func everyFieldIsMaskedInExportsAndLogs() async throws {
        let logs = InMemoryLogHandler()
        try await LiveSidecar.with(logHandler: logs) { live in
            let socket = live.grpcSocket
            let out = try await offThread { try PythonSDK.run("sdk_pii.py", ["unix://\(socket)"]) }
            let secrets = out.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
            #expect(secrets.count == 9)
            #expect(try await live.eventually {
                live.exportedSpans().count == 1 && live.consoleLines().contains { $0.contains("resourceLogs") }
            })
            let exported = live.consoleLines().joined(separator: "\n")
            for s in secrets {
                #expect(!exported.contains(s), "exported output contains \(s)")
            }
            #expect(exported.contains("[REDACTED:email]"))
            #expect(exported.contains("[REDACTED:card]"))
            let logText = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
            #expect(!logText.isEmpty)
            for s in secrets {
                #expect(!logText.contains(s), "the sidecar's logs contain \(s)")
            }
        }
    }
}
