import Foundation

/// A CA, a server certificate (DNS names localhost and backend.test, no IP address) and a client certificate signed by it,
/// plus an unrelated CA, made with the `openssl` command for one test (EC P-256, valid one day).
struct TestCertificates {
    let dir: URL
    var caFile: String { path("ca.pem") }
    var otherCAFile: String { path("other-ca.pem") }
    var serverCert: String { path("server.pem") }
    var serverKey: String { path("server.key") }
    var clientCert: String { path("client.pem") }
    var clientKey: String { path("client.key") }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    static func make() throws -> TestCertificates {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("otel-export-certs-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let c = TestCertificates(dir: dir)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for (name, cn) in [("ca", "otel-sidecar test CA"), ("other-ca", "an unrelated CA")] {
            try openssl(["req", "-x509"] + ec + ["-keyout", c.path("\(name).key"), "-out", c.path("\(name).pem"), "-days", "1",
                         "-subj", "/CN=\(cn)", "-addext", "basicConstraints=critical,CA:TRUE",
                         "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        }
        let leaves = [
            ("server", "backend", "subjectAltName=DNS:localhost,DNS:backend.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n"),
            ("client", "otel-sidecar", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n"),
        ]
        for (name, cn, ext) in leaves {
            try ext.write(toFile: c.path("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl(["req", "-new"] + ec + ["-keyout", c.path("\(name).key"), "-out", c.path("\(name).csr"), "-subj", "/CN=\(cn)"])
            try openssl(["x509", "-req", "-in", c.path("\(name).csr"), "-CA", c.caFile, "-CAkey", c.path("ca.key"),
                         "-CAcreateserial", "-out", c.path("\(name).pem"), "-days", "1", "-extfile", c.path("\(name).ext")])
        }
        return c
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }

    static func openssl(_ args: [String]) throws {
        let p = Process()
        var found: String?
        for d in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(d)/openssl") {
            found = "\(d)/openssl"
            break
        }
        guard let found else { throw BackendError("openssl is not installed (Debian package openssl)") }
        p.executableURL = URL(fileURLWithPath: found)
        p.arguments = args
        p.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw BackendError("openssl \(args.prefix(2).joined(separator: " ")) failed: \(String(decoding: message, as: UTF8.self))")
        }
    }
}
