import Foundation
import Logging
import OTLPWire
import SidecarConfig
import SidecarModel
import SidecarRuntime
import ServiceLifecycle
import Testing

/// Runs a real sidecar (its ServiceGroup) with sockets in a temp directory, waits until it is ready,
/// runs the test body, then shuts it down gracefully — the pattern of hummingbird's live test framework.
struct LiveSidecar {
    let dir: String
    let app: SidecarApp
    var eventsSocket: String { dir + "/run/events.sock" }
    var consolePath: String { dir + "/console.jsonl" }
    var grpcSocket: String { dir + "/run/otlp-grpc.sock" }

    /// The TCP address a receiver bound (port 0 in the configuration picks a free one).
    func address(_ name: String) -> String? {
        app.readiness.addresses.first(where: { $0.0 == name })?.1
    }

    static func makeDirectory() -> String {
        let dir = NSTemporaryDirectory() + "otel-sidecar-test-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func config(dir: String, extra: String = "", eventsExtra: String = "", exporters: String? = nil) throws -> SidecarConfiguration {
        let yaml = """
        receivers:
          events:
            socket: \(dir)/run/events.sock
            datagram_socket: \(dir)/run/events.dgram
            max_line_bytes: 4096
            \(eventsExtra)
          otlp:
            grpc:
              socket: \(dir)/run/otlp-grpc.sock
              endpoint: 127.0.0.1:0
            http:
              socket: \(dir)/run/otlp-http.sock
              endpoint: 127.0.0.1:0
        prometheus:
          endpoint: 127.0.0.1:0
        exporters:
        \(exporters ?? "  - name: console\n    protocol: console\n    path: \(dir)/console.jsonl")
        \(extra)
        """
        return try ConfigLoader.load(yaml: yaml, environment: [:])
    }

    static func with<T: Sendable>(
        dir: String = makeDirectory(), notifySocket: String? = nil, extraConfig: String = "", eventsExtra: String = "",
        exporters: String? = nil,
        logHandler: (any LogHandler)? = nil,
        _ body: @Sendable (LiveSidecar) async throws -> T
    ) async throws -> T {
        let config = try Self.config(dir: dir, extra: extraConfig, eventsExtra: eventsExtra, exporters: exporters)
        var logger = logHandler.map { h in Logger(label: "test", factory: { _ in h }) } ?? Logger(label: "test")
        logger.logLevel = logHandler == nil ? .critical : .trace
        let app = SidecarApp(config: config, logger: logger, notifySocket: notifySocket)
        let group = try app.makeServiceGroup(signals: [])
        let live = LiveSidecar(dir: dir, app: app)
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            var waited = 0
            while !app.readiness.isReady {
                waited += 1
                if waited > 5000 {
                    await group.triggerGracefulShutdown()
                    throw HarnessError(description: "the sidecar did not become ready: \(app.readiness.addresses)")
                }
                try await Task.sleep(for: .milliseconds(2))
            }
            let result = try await body(live)
            await group.triggerGracefulShutdown()
            var value: T?
            for try await r in tasks { if let r { value = r } }
            return value ?? result
        }
    }

    /// OTLP/JSON lines the console exporter wrote.
    func consoleLines() -> [String] {
        guard let text = try? String(contentsOfFile: consolePath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    func exportedSpans() -> [Span] {
        consoleLines().compactMap { try? OTLPJSON.decodeTraces(Array($0.utf8)) }
            .flatMap { $0.resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) } }
    }

    func counter(_ name: String, _ labels: [(String, String)]) -> UInt64 {
        app.counters.value(name, labels)
    }

    /// Polls (without asserting on time) until `condition` holds or ~10 s pass.
    func eventually(_ condition: () -> Bool) async throws -> Bool {
        for _ in 0..<2000 {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }
}

/// A blocking Unix stream client for tests.
final class UnixClient: @unchecked Sendable {
    let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            // deinit closes fd (it runs even when this initializer throws): never close it twice.
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    func send(_ s: String) { send(Array(s.utf8)) }

    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Foundation.send(fd, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                off += n
            }
        }
    }

    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads until EOF.
    func readAll() -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return String(decoding: out, as: UTF8.self)
    }

    deinit { close(fd) }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
}

/// Runs blocking work (a subprocess, a blocking socket read) on its own thread, so the test never parks one
/// of the few cooperative threads that the sidecar's own async code (gRPC handlers) needs to make progress.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
        let t = Thread {
            do { c.resume(returning: try body()) } catch { c.resume(throwing: error) }
        }
        t.start()
    }
}
