import Foundation
import Testing

/// SIGHUP re-reads the processors section of the running binary's configuration file: a bad file keeps
/// the old rules (and says why), a good one replaces them.
@Suite("SIGHUP reload", .serialized)
struct ReloadTests {
    func config(dir: String, metricsPort: Int, mask: String) -> String {
        """
        receivers:
          events:
            socket: \(dir)/events.sock
          otlp:
            grpc: {enabled: false}
            http: {enabled: false}
        prometheus:
          endpoint: 127.0.0.1:\(metricsPort)
        processors:
          redaction:
            masks:
              - name: ticket
                pattern: '\(mask)'
        exporters:
          - name: out
            protocol: console
            path: \(dir)/out.jsonl
        logging:
          format: json
        """
    }

    func send(_ line: String, _ socket: String) async throws {
        let c = try UnixClient(path: socket)
        c.send(line + "\n")
        c.shutdownWrite()
        _ = try await offThread { c.readAll() }
    }

    @Test func aBadReloadKeepsTheOldRulesAndAGoodOneReplacesThem() async throws {
        let dir = LiveSidecar.makeDirectory()
        let port = Shell.freePort()
        let file = dir + "/sidecar.yaml"
        try config(dir: dir, metricsPort: port, mask: "TICKET-[0-9]+").write(toFile: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLITests.binary)
        p.arguments = ["run", "--config", file]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { p.terminate() } }
        let metrics = "http://127.0.0.1:\(port)/metrics"
        func metric(_ name: String) -> String {
            ((try? Shell.httpGet(metrics)) ?? "").split(separator: "\n").first { $0.hasPrefix(name) }.map(String.init) ?? ""
        }
        func output() -> String { (try? String(contentsOfFile: dir + "/out.jsonl", encoding: .utf8)) ?? "" }
        var ready = false
        for _ in 0..<400 where !ready {
            ready = (try? Shell.httpGet("http://127.0.0.1:\(port)/readyz")) != nil
            if !ready { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(ready)

        try await send(#"{"type":"span","name":"a","attributes":{"note":"see TICKET-123 and CASE-9"}}"#, dir + "/events.sock")
        // A file whose pattern does not compile: the old rule stays, the failure is counted.
        try config(dir: dir, metricsPort: port, mask: "CASE-[0-9+").write(toFile: file, atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        var failed = false
        for _ in 0..<400 where !failed {
            failed = metric(#"otel_sidecar_config_reloads_total{result="failure"}"#).hasSuffix(" 1")
            if !failed { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(failed)
        try await send(#"{"type":"span","name":"b","attributes":{"note":"see TICKET-456 and CASE-9"}}"#, dir + "/events.sock")
        // A good file with a new pattern: it applies to what arrives next.
        try config(dir: dir, metricsPort: port, mask: "CASE-[0-9]+").write(toFile: file, atomically: true, encoding: .utf8)
        kill(p.processIdentifier, SIGHUP)
        var reloaded = false
        for _ in 0..<400 where !reloaded {
            reloaded = metric(#"otel_sidecar_config_reloads_total{result="success"}"#).hasSuffix(" 1")
            if !reloaded { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(reloaded)
        try await send(#"{"type":"span","name":"c","attributes":{"note":"see TICKET-789 and CASE-9"}}"#, dir + "/events.sock")
        var lines: [String] = []
        for _ in 0..<400 where lines.count < 3 {
            lines = output().split(separator: "\n").map(String.init)
            if lines.count < 3 { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(lines.count == 3)
        if lines.count == 3 {
            #expect(lines[0].contains("[REDACTED:ticket]") && lines[0].contains("CASE-9"))
            #expect(lines[1].contains("[REDACTED:ticket]") && lines[1].contains("CASE-9"), "a bad reload must keep the old rules")
            #expect(lines[2].contains("TICKET-789") && !lines[2].contains("CASE-9"), "a good reload applies the new rules")
        }
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(log.contains("reload failed"))
        #expect(log.contains("processors.redaction.masks[0].pattern"))
        #expect(!log.contains("TICKET-"), "the sidecar's logs never carry telemetry values")
    }
}
