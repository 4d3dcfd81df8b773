import Foundation
import Testing

struct PeerError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Real client programs (curl, gzip, h2load, the Python SDK), run as child processes.
enum Peers {
    /// The repository root, through the symlinks of a scratch package if any.
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scripts = repoRoot.appendingPathComponent("Tests/IngestHTTPTests/python")

    struct Output: Sendable {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// `OTEL_SIDECAR_PYTHON`, else the repository's `.venv` (made by `make venv`).
    static func python() throws -> String {
        if let p = ProcessInfo.processInfo.environment["OTEL_SIDECAR_PYTHON"], !p.isEmpty { return p }
        let venv = repoRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw PeerError("no Python with the OpenTelemetry SDK: run `make venv` (creates \(venv) from Tests/InteropTests/python/requirements.txt) or set OTEL_SIDECAR_PYTHON")
        }
        return venv
    }

    /// The absolute path of a program on PATH; a clear failure when it is missing.
    static func tool(_ name: String, package: String) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        throw PeerError("\(name) is not installed (Debian package \(package); .ci/run installs it)")
    }

    /// Runs a program to completion without blocking a concurrency thread; output goes through temp files.
    static func run(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) async throws -> Output {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("otel-http-peer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outURL = tmp.appendingPathComponent("out")
        let errURL = tmp.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        if let stdin {
            let inURL = tmp.appendingPathComponent("in")
            try Data(stdin).write(to: inURL)
            p.standardInput = try FileHandle(forReadingFrom: inURL)
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            p.terminationHandler = { _ in c.resume() }
            do {
                try p.run()
            } catch {
                p.terminationHandler = nil
                c.resume(throwing: error)
            }
        }
        return Output(
            status: p.terminationStatus,
            stdout: Array(try Data(contentsOf: outURL)),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
        )
    }

    /// curl with `-sS`; `-w` writes the status line after the body on stdout when `statusMarker` is set.
    static func curl(_ arguments: [String]) async throws -> Output {
        try await run(try tool("curl", package: "curl"), ["-sS"] + arguments)
    }

    /// `gzip -c` of `bytes` (the real tool, not our zlib).
    static func gzip(_ bytes: [UInt8]) async throws -> [UInt8] {
        let out = try await run(try tool("gzip", package: "gzip"), ["-c", "-n"], stdin: bytes)
        guard out.status == 0 else { throw PeerError("gzip failed: \(out.stderr)") }
        return out.stdout
    }
}

/// A response as curl reports it with `-D <headers file>` and `-o <body file>`.
struct CurlResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    var httpVersion: String

    func header(_ name: String) -> String? {
        headers.last { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// Sends one request with curl. `extra` are further curl arguments (data, headers, --unix-socket, ...).
    static func send(_ url: String, _ extra: [String], in dir: String) async throws -> CurlResponse {
        let id = UUID().uuidString.prefix(8)
        let headersPath = "\(dir)/h-\(id)"
        let bodyPath = "\(dir)/b-\(id)"
        let out = try await Peers.curl(["-D", headersPath, "-o", bodyPath, "-w", "%{http_code} %{http_version}"] + extra + [url])
        guard out.status == 0 else { throw PeerError("curl \(extra) \(url) failed (\(out.status)): \(out.stderr)") }
        let fields = out.text.split(separator: " ")
        let rawHeaders = (try? String(contentsOfFile: headersPath, encoding: .utf8)) ?? ""
        // With 100 Continue (or a redirect) several blocks are written: keep the last.
        let block = rawHeaders.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }.last ?? ""
        var headers: [(String, String)] = []
        for line in block.components(separatedBy: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyPath))).map { Array($0) } ?? []
        return CurlResponse(status: Int(fields.first ?? "") ?? 0, headers: headers, body: body, httpVersion: fields.count > 1 ? String(fields[1]) : "")
    }
}
