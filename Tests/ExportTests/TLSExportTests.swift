import Delivery
import Foundation
import Logging
import SidecarConfig
import SidecarModel
import Testing
@testable import Export

/// TLS and mTLS against the Python backend (grpc.ssl_server_credentials; ssl for OTLP/HTTP), with
/// certificates made by `openssl` at test time.
@Suite(.serialized)
struct TLSExportTests {
    enum CA: Sendable { case trusted, other, none }

    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var host = "127.0.0.1"
        var ca: CA = .trusted
        var serverName: String?
        var skipVerify = false
        var clientCert = false
        var delivered: Bool
    }

    static let serverOnlyCases: [Case] = [
        // NIOSSL accepts a certificate naming either the host name or the connected IP address: the server's
        // certificate names no IP, so 127.0.0.1 needs server_name.
        Case(description: "CA file, IP address not in the certificate", delivered: false),
        Case(description: "CA file, DNS name", host: "localhost", delivered: true),
        Case(description: "server_name override", serverName: "backend.test", delivered: true),
        Case(description: "server_name not in the certificate", serverName: "wrong.test", delivered: false),
        Case(description: "untrusted CA", host: "localhost", ca: .other, delivered: false),
        Case(description: "system roots only", host: "localhost", ca: .none, delivered: false),
        Case(description: "insecure_skip_verify", ca: .none, skipVerify: true, delivered: true),
        Case(description: "client certificate offered, not asked for", host: "localhost", clientCert: true, delivered: true),
    ]

    static let mutualCases: [Case] = [
        Case(description: "mTLS with a client certificate", host: "localhost", clientCert: true, delivered: true),
        Case(description: "mTLS without a client certificate", host: "localhost", delivered: false),
    ]

    static func exporter(_ c: Case, _ proto: SidecarConfiguration.ExporterProtocol, port: Int, certs: TestCertificates) -> SidecarConfiguration.Exporter {
        // Refusals come back at once; a generous timeout keeps a busy machine from failing the others.
        var e = Samples.exporter(proto, "https://\(c.host):\(port)", timeout: c.delivered ? .seconds(15) : .seconds(3))
        switch c.ca {
        case .trusted: e.tls.caFile = certs.caFile
        case .other: e.tls.caFile = certs.otherCAFile
        case .none: e.tls.caFile = nil
        }
        e.tls.serverName = c.serverName
        e.tls.insecureSkipVerify = c.skipVerify
        if c.clientCert {
            e.tls.certFile = certs.clientCert
            e.tls.keyFile = certs.clientKey
        }
        return e
    }

    /// Runs `cases` against one backend and checks each was delivered (and recorded) or refused as retryable.
    static func run(_ cases: [Case], proto: SidecarConfiguration.ExporterProtocol, mutual: Bool) async throws {
        let certs = try TestCertificates.make()
        defer { certs.remove() }
        var o = Backend.Options(tls: (certs.serverCert, certs.serverKey, mutual ? certs.caFile : nil))
        if proto == .grpc { o.grpc = true } else { o.http = true; o.httpTLS = true }
        try await Backend.with(o) { backend in
            var delivered = 0
            for c in cases {
                let port = proto == .grpc ? backend.grpcPort : backend.httpPort
                let made = try ExportClients.make(for: exporter(c, proto, port: port, certs: certs), logger: Logger(label: "t"))
                let outcome = try await withServices(made.services) { await made.client.export(Samples.batch(.traces)) }
                await made.client.shutdown()
                if c.delivered {
                    #expect(outcome == .success, "\(c)")
                    delivered += 1
                } else {
                    if case .retryable = outcome {} else { Issue.record("\(c): expected retryable, got \(outcome)") }
                }
                let recs = try await backend.requests(atLeast: delivered, wait: .seconds(c.delivered ? 20 : 0))
                #expect(recs.count == delivered, "\(c)")
            }
            if let last = try await backend.requests(atLeast: delivered).last { try Samples.expectReceived(last, .traces) }
        }
    }

    @Test func grpcTLS() async throws { try await Self.run(Self.serverOnlyCases, proto: .grpc, mutual: false) }
    @Test func grpcMutualTLS() async throws { try await Self.run(Self.mutualCases, proto: .grpc, mutual: true) }
    @Test func httpTLS() async throws { try await Self.run(Self.serverOnlyCases, proto: .httpProtobuf, mutual: false) }
    @Test func httpMutualTLS() async throws { try await Self.run(Self.mutualCases, proto: .httpJSON, mutual: true) }

    @Test func unreadableTLSFilesFailAtSetupWithTheKey() throws {
        var e = Samples.exporter(.httpProtobuf, "https://127.0.0.1:4318")
        e.tls.caFile = "/nonexistent/ca.pem"
        #expect(throws: ExportSetupError.self) { try ExportClients.make(for: e, logger: Logger(label: "t")) }
        do {
            _ = try ExportClients.make(for: e, logger: Logger(label: "t"))
        } catch {
            #expect(error.key == "tls.ca_file")
            #expect(error.description.hasPrefix("exporters[backend].tls.ca_file: "))
        }
    }
}
