import Foundation
import Testing

/// Locates and runs the Python reference implementation (opentelemetry-proto from PyPI) used as a peer.
/// `make test` creates `.venv` with the pinned packages; `OTEL_SIDECAR_PYTHON` may point elsewhere.
enum PythonPeer {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scripts = repoRoot.appendingPathComponent("Tests/InteropTests/python")
    static let goldens = repoRoot.appendingPathComponent("Tests/InteropTests/Goldens")

    static var python: String? {
        if let p = ProcessInfo.processInfo.environment["OTEL_SIDECAR_PYTHON"], !p.isEmpty { return p }
        let venv = repoRoot.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ script: String, _ args: [String]) throws -> Result {
        guard let python else {
            throw PeerError("no Python venv: run `make test` (it creates .venv with Tests/InteropTests/python/requirements.txt)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [scripts.appendingPathComponent(script).path] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    struct PeerError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    struct Golden: Sendable, CustomStringConvertible {
        var name: String
        var type: String
        var description: String { name }
    }

    static func manifest() -> [Golden] {
        let text = (try? String(contentsOf: goldens.appendingPathComponent("MANIFEST.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { return nil }
            return Golden(name: String(parts[0]), type: String(parts[1]))
        }
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: goldens.appendingPathComponent(name)))
    }

    static func tempFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("otel-sidecar-interop-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }
}
