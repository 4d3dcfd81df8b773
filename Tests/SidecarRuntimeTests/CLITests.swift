import Foundation
import Testing

/// The `otel-sidecar` binary as an operator runs it (built by `swift build` / `make test` before the tests).
@Suite("otel-sidecar command line", .serialized)
struct CLITests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        let debug = repoRoot.appendingPathComponent(".build/debug/otel-sidecar").path
        return ProcessInfo.processInfo.environment["OTEL_SIDECAR_BINARY"] ?? debug
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ args: [String], environment: [String: String] = [:]) throws -> Output {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CLIError(description: "\(binary) is missing: build it first (`swift build` or `make test`)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    struct CLIError: Error, CustomStringConvertible {
        var description: String
    }

    func write(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "otel-sidecar-cli-\(UUID().uuidString.prefix(8)).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func validateListsEveryMistakeWithItsKeyPath() throws {
        let path = try write("""
        receivers:
          events:
            max_line_bytes: lots
        exporters:
          - name: jaeger
            protocol: grpc
            endpoint: http://jaeger:4317
            queue:
              overflow: drop_everything
        logging:
          levle: debug
        """)
        let r = try Self.run(["validate", "--config", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("receivers.events.max_line_bytes"))
        #expect(r.stderr.contains("exporters[0].queue.overflow"))
        #expect(r.stderr.contains("logging.levle"))
        let issueLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("  ") }
        #expect(issueLines.count == 3, "\(r.stderr)")
    }

    @Test func validAndEffectiveConfiguration() throws {
        let path = try write("""
        exporters:
          - name: backend
            protocol: http/protobuf
            endpoint: https://otlp.example.com
            headers:
              authorization: Bearer s3cr3t-token
        """)
        #expect(try Self.run(["validate", "--config", path]).status == 0)
        let shown = try Self.run(["config", "--config", path])
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("<redacted>"))
        #expect(!shown.stdout.contains("s3cr3t-token"))
        #expect(!shown.stderr.contains("s3cr3t-token"))
    }

    @Test func environmentOverridesTheFileAndFlagsOverrideBoth() throws {
        let path = try write("service:\n  name: from-file\nlogging:\n  level: info\n")
        let r = try Self.run(["config", "--config", path, "--log-level", "error"], environment: ["OTEL_SERVICE_NAME": "from-env"])
        #expect(r.stdout.contains(#"name: "from-env""#))
        #expect(r.stdout.contains("level: error"))
    }

    @Test func versionAndBadFlags() throws {
        let v = try Self.run(["version"])
        #expect(v.status == 0)
        #expect(v.stdout.hasPrefix("otel-sidecar "))
        #expect(try Self.run(["--no-such-flag"]).status == 64)
    }

    @Test func runPrintsItsSocketsAndExitsCleanlyOnInterrupt() throws {
        let dir = NSTemporaryDirectory() + "otel-sidecar-run-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let minimal = Self.repoRoot.appendingPathComponent("deploy/config/minimal.yaml").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["--config", minimal, "--set", "receivers.otlp.grpc.endpoint=127.0.0.1:0", "--set", "receivers.otlp.http.endpoint=127.0.0.1:0", "--set", "prometheus.endpoint=127.0.0.1:0"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let err = Pipe()
        p.standardError = err
        p.standardOutput = Pipe()
        try p.run()
        // Read stderr until the banner shows the socket (bounded: a hang fails the test, not the suite).
        var text = ""
        let handle = err.fileHandleForReading
        for _ in 0..<200 where !text.contains("Stop with Ctrl-C") {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        #expect(text.contains("events: unix://.run/events.sock"))
        #expect(FileManager.default.fileExists(atPath: dir + "/.run/events.sock"))
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/.run/events.sock"))
    }

    @Test func redactMasksStdinWithTheConfiguredRules() throws {
        let path = try write("""
        processors:
          redaction:
            masks:
              - name: order
                pattern: 'ORD-[0-9]{6}'
        """)
        let r = try Self.runWithInput(["redact", "--config", path], input: "mail jane.doe@example.com about ORD-123456\nnothing to hide here\n")
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines == ["mail [REDACTED:email] about [REDACTED:order]", "nothing to hide here"], "\(lines)")
    }

    static func runWithInput(_ args: [String], input: String) throws -> Output {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        let inp = Pipe()
        let out = Pipe()
        let err = Pipe()
        p.standardInput = inp
        p.standardOutput = out
        p.standardError = err
        try p.run()
        inp.fileHandleForWriting.write(Data(input.utf8))
        try inp.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}
