import Foundation
import Testing

struct BackendError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// The Python OTLP backend (`python/otlp_backend.py`: grpcio + opentelemetry-proto, http.server), run as a
/// child process for one test. It records every request it decoded as a JSON line.
final class Backend {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let script = repoRoot.appendingPathComponent("Tests/ExportTests/python/otlp_backend.py").path

    /// `OTEL_SIDECAR_PYTHON`, else the repository's `.venv` (`make venv`). Missing → the test fails.
    static func python() throws -> String {
        if let p = ProcessInfo.processInfo.environment["OTEL_SIDECAR_PYTHON"], !p.isEmpty { return p }
        let venv = repoRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw BackendError("no Python with grpcio and opentelemetry-proto: run `make venv` (creates \(venv) from Tests/InteropTests/python/requirements.txt) or set OTEL_SIDECAR_PYTHON")
        }
        return venv
    }

    struct Options {
        var grpc = false
        var grpcUnix = false
        var grpcSniff = false
        var http = false
        var httpUnix = false
        var script: [String] = []
        var requireHeader: (String, String)?
        /// cert, key, client CA (mTLS) for the gRPC TCP listener.
        var tls: (cert: String, key: String, clientCA: String?)?
        /// With `tls`: the OTLP/HTTP listener uses it (HTTPS) instead of the gRPC one.
        var httpTLS = false
    }

    let dir: URL
    let process: Process
    let ports: [String: Int]
    let recordPath: String
    var grpcPort: Int { ports["grpc_port"] ?? 0 }
    var grpcSniffPort: Int { ports["grpc_sniff_port"] ?? 0 }
    var httpPort: Int { ports["http_port"] ?? 0 }
    var grpcSocket: String { dir.appendingPathComponent("g.sock").path }
    var httpSocket: String { dir.appendingPathComponent("h.sock").path }

    private init(dir: URL, process: Process, ports: [String: Int]) {
        self.dir = dir
        self.process = process
        self.ports = ports
        recordPath = dir.appendingPathComponent("record.jsonl").path
    }

    /// Starts a backend, runs `body`, stops it.
    static func with<T>(_ options: Options, _ body: (Backend) async throws -> T) async throws -> T {
        let b = try await start(options)
        defer { b.stop() }
        return try await body(b)
    }

    static func start(_ o: Options) async throws -> Backend {
        // Short: Unix socket paths are limited to 107 bytes.
        let dir = URL(fileURLWithPath: "/tmp/oxt-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var args = [script, "--record", dir.appendingPathComponent("record.jsonl").path,
                    "--ready", dir.appendingPathComponent("ready.json").path]
        if o.grpc || o.grpcSniff { args += ["--grpc-port", "0"] }
        if o.grpcSniff { args += ["--grpc-sniff-port", "0"] }
        if o.grpcUnix { args += ["--grpc-unix", dir.appendingPathComponent("g.sock").path] }
        if o.http { args += ["--http-port", "0"] }
        if o.httpUnix { args += ["--http-unix", dir.appendingPathComponent("h.sock").path] }
        if !o.script.isEmpty { args += ["--script", o.script.joined(separator: ",")] }
        if let (k, v) = o.requireHeader { args += ["--require-header", "\(k)=\(v)"] }
        if let tls = o.tls {
            args += ["--tls-cert", tls.cert, "--tls-key", tls.key]
            if let ca = tls.clientCA { args += ["--tls-client-ca", ca] }
            if o.httpTLS { args.append("--http-tls") }
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try python())
        p.arguments = args
        let errURL = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardOutput = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let readyPath = dir.appendingPathComponent("ready.json").path
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: readyPath),
               let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Int] {
                return Backend(dir: dir, process: p, ports: obj)
            }
            if !p.isRunning {
                let err = String(decoding: FileManager.default.contents(atPath: errURL.path) ?? Data(), as: UTF8.self)
                throw BackendError("the Python backend exited (\(p.terminationStatus)): \(err)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        p.terminate()
        throw BackendError("the Python backend did not become ready in 30 s")
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

    /// Every record so far.
    func records() -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: recordPath) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Records of requests (not frame records), waiting up to `wait` for at least `count` (generous: the
    /// machine may be busy; it returns as soon as they are there).
    func requests(atLeast count: Int, transport: String? = nil, wait: Duration = .seconds(20)) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + wait
        while true {
            let r = records().filter { rec in
                let t = rec["transport"] as? String
                return transport.map { t == $0 } ?? (t == "grpc" || t == "http")
            }
            if r.count >= count || ContinuousClock.now >= deadline { return r }
            try await Task.sleep(for: .milliseconds(25))
        }
    }
}
