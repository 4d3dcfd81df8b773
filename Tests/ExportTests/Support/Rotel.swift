import Foundation

/// rotel (PyPI `rotel`, a Rust OTLP collector) as a downstream hop: it receives from our exporter on
/// loopback and forwards over OTLP/gRPC to the Python backend, which records what arrived.
final class Rotel {
    let process: Process
    let grpcPort: Int
    let httpPort: Int
    let dir: URL

    /// `OTEL_SIDECAR_ROTEL`, else `rotel/rotel-agent` in the Python environment's site-packages.
    static func binary() throws -> String {
        if let p = ProcessInfo.processInfo.environment["OTEL_SIDECAR_ROTEL"], !p.isEmpty { return p }
        let python = URL(fileURLWithPath: try Backend.python())
        let lib = python.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lib")
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? [] where entry.hasPrefix("python") {
            let p = lib.appendingPathComponent("\(entry)/site-packages/rotel/rotel-agent").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw BackendError("rotel-agent not found: `make venv` installs the PyPI package rotel (Tests/InteropTests/python/requirements.txt), or set OTEL_SIDECAR_ROTEL")
    }

    private init(process: Process, grpcPort: Int, httpPort: Int, dir: URL) {
        self.process = process
        self.grpcPort = grpcPort
        self.httpPort = httpPort
        self.dir = dir
    }

    static func with<T>(forwardingTo backendGRPCPort: Int, _ body: (Rotel) async throws -> T) async throws -> T {
        let r = try await start(forwardingTo: backendGRPCPort)
        defer { r.stop() }
        return try await body(r)
    }

    static func start(forwardingTo backendGRPCPort: Int) async throws -> Rotel {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rotel-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let grpc = try freePort()
        let http = try freePort()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try binary())
        p.arguments = ["start", "--otlp-grpc-endpoint", "127.0.0.1:\(grpc)", "--otlp-http-endpoint", "127.0.0.1:\(http)",
                       "--exporter", "otlp", "--otlp-exporter-endpoint", "http://127.0.0.1:\(backendGRPCPort)",
                       "--otlp-exporter-protocol", "grpc", "--batch-timeout", "50ms",
                       "--pid-file", dir.appendingPathComponent("rotel.pid").path]
        let log = dir.appendingPathComponent("rotel.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: log)
        p.standardError = try FileHandle(forWritingTo: log)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let r = Rotel(process: p, grpcPort: grpc, httpPort: http, dir: dir)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if canConnect(grpc), canConnect(http) { return r }
            if !p.isRunning {
                let text = String(decoding: FileManager.default.contents(atPath: log.path) ?? Data(), as: UTF8.self)
                r.stop()
                throw BackendError("rotel-agent exited (\(p.terminationStatus)): \(text)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        r.stop()
        throw BackendError("rotel-agent did not listen within 20 s")
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = ContinuousClock.now + .seconds(3)
            while process.isRunning, ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }

    static func canConnect(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
