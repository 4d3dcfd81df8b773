import Delivery
import Foundation
import InMemoryLogging
import Logging
import SidecarConfig
import SidecarModel
import Testing
@testable import Export

/// OTLP/gRPC exporter against the Python grpcio + opentelemetry-proto backend.
@Suite(.serialized)
struct GRPCExportTests {
    @Test(arguments: Signal.allCases)
    func plaintextTCPDeliversEverySignal(signal: Signal) async throws {
        try await Backend.with(.init(grpc: true)) { backend in
            let made = try ExportClients.make(for: Samples.exporter(.grpc, "http://127.0.0.1:\(backend.grpcPort)"), logger: Logger(label: "t"))
            let outcome = try await withServices(made.services) { await made.client.export(Samples.batch(signal)) }
            await made.client.shutdown()
            #expect(outcome == .success)
            let recs = try await backend.requests(atLeast: 1)
            #expect(recs.count == 1)
            try Samples.expectReceived(try #require(recs.first), signal)
        }
    }

    @Test func unixSocket() async throws {
        try await Backend.with(.init(grpcUnix: true)) { backend in
            let made = try ExportClients.make(for: Samples.exporter(.grpc, "unix://\(backend.grpcSocket)"), logger: Logger(label: "t"))
            let outcomes = try await withServices(made.services) {
                [await made.client.export(Samples.batch(.traces)), await made.client.export(Samples.batch(.logs))]
            }
            #expect(outcomes == [.success, .success])
            let recs = try await backend.requests(atLeast: 2)
            try Samples.expectReceived(recs[0], .traces)
            try Samples.expectReceived(recs[1], .logs)
        }
    }

    /// grpcio hides `grpc-encoding` from servicers, so the backend's proxy reads the message's compressed flag.
    @Test(arguments: [SidecarConfiguration.Compression.gzip, .none])
    func compression(setting: SidecarConfiguration.Compression) async throws {
        try await Backend.with(.init(grpcSniff: true)) { backend in
            let e = Samples.exporter(.grpc, "http://127.0.0.1:\(backend.grpcSniffPort)", compression: setting)
            let made = try ExportClients.make(for: e, logger: Logger(label: "t"))
            let outcome = try await withServices(made.services) { await made.client.export(Samples.batch(.metrics)) }
            #expect(outcome == .success)
            let recs = try await backend.requests(atLeast: 1)
            try Samples.expectReceived(try #require(recs.first), .metrics)
            let frames = backend.records().filter { $0["transport"] as? String == "grpc-frame" }
            #expect(frames.count == 1)
            #expect(frames.first?["compressed"] as? Bool == (setting == .gzip))
        }
    }

    @Test func headersArriveAndAreNeverLogged() async throws {
        let secret = "Bearer s3cr3t-grpc-token"
        try await Backend.with(.init(grpc: true, requireHeader: ("authorization", secret))) { backend in
            let logs = InMemoryLogHandler()
            var logger = Logger(label: "t") { _ in logs }
            logger.logLevel = .trace
            var e = Samples.exporter(.grpc, "http://127.0.0.1:\(backend.grpcPort)")
            e.headers = ["Authorization": .init(secret), "X-Tenant": .init("team-a")]
            let made = try ExportClients.make(for: e, logger: logger)
            var bad = Samples.exporter(.grpc, "http://127.0.0.1:\(backend.grpcPort)")
            bad.headers = ["authorization": .init("Bearer wrong")]
            let unauth = try ExportClients.make(for: bad, logger: logger)
            let (ok, denied) = try await withServices(made.services + unauth.services, logger: logger) {
                (await made.client.export(Samples.batch(.traces)), await unauth.client.export(Samples.batch(.traces)))
            }
            #expect(ok == .success)
            #expect(denied == .permanent(reason: "grpc_unauthenticated"))
            let recs = try await backend.requests(atLeast: 2)
            let headers = try #require(recs.first?["headers"] as? [String: String])
            #expect(headers["authorization"] == secret)
            #expect(headers["x-tenant"] == "team-a")
            for entry in logs.entries {
                let text = "\(entry.message) \(entry.metadata)"
                #expect(!text.contains("s3cr3t"), "a log line carries the header: \(text)")
            }
        }
    }

    static let classifications: [(String, ExportOutcome)] = [
        ("unavailable", .retryable(reason: "grpc_unavailable", retryAfter: nil)),
        ("invalid_argument", .permanent(reason: "grpc_invalid_argument")),
        ("resource_exhausted:2.5", .retryable(reason: "grpc_resource_exhausted", retryAfter: .milliseconds(2500))),
        ("resource_exhausted", .permanent(reason: "grpc_resource_exhausted")),
        ("partial:1:span name too long", .partialSuccess(rejected: 1, message: "span name too long")),
        ("partial:0:just a warning", .success),
    ]

    /// One backend: each scripted answer is followed by an `ok`, checked on a second export.
    @Test func outcomeClassification() async throws {
        let cases = Self.classifications
        try await Backend.with(.init(grpc: true, script: cases.flatMap { [$0.0, "ok"] })) { backend in
            let made = try ExportClients.make(for: Samples.exporter(.grpc, "http://127.0.0.1:\(backend.grpcPort)"), logger: Logger(label: "t"))
            try await withServices(made.services) {
                for (answer, expected) in cases {
                    let first = await made.client.export(Samples.batch(.traces))
                    let second = await made.client.export(Samples.batch(.traces))
                    #expect(first == expected, "\(answer)")
                    #expect(second == .success, "\(answer)")
                }
            }
            #expect(try await backend.requests(atLeast: 2 * cases.count).count == 2 * cases.count)
        }
    }

    @Test func timeoutIsRetryable() async throws {
        try await Backend.with(.init(grpc: true, script: ["slow:3"])) { backend in
            let e = Samples.exporter(.grpc, "http://127.0.0.1:\(backend.grpcPort)", timeout: .milliseconds(500))
            let made = try ExportClients.make(for: e, logger: Logger(label: "t"))
            let outcome = try await withServices(made.services) { await made.client.export(Samples.batch(.logs)) }
            #expect(outcome == .retryable(reason: "timeout", retryAfter: nil))
        }
    }

    @Test func unreachableBackendIsRetryableAndFast() async throws {
        // A port nothing listens on: bind, read the port, close.
        let port = try freePort()
        let made = try ExportClients.make(for: Samples.exporter(.grpc, "http://127.0.0.1:\(port)", timeout: .seconds(5)), logger: Logger(label: "t"))
        let outcome = try await withServices(made.services) { await made.client.export(Samples.batch(.traces)) }
        guard case .retryable = outcome else {
            Issue.record("expected retryable, got \(outcome)")
            return
        }
    }

    @Test func cancellationAnswersCancelled() async throws {
        try await Backend.with(.init(grpc: true, script: ["slow:5"])) { backend in
            let made = try ExportClients.make(for: Samples.exporter(.grpc, "http://127.0.0.1:\(backend.grpcPort)"), logger: Logger(label: "t"))
            let outcome = try await withServices(made.services) {
                let task = Task { await made.client.export(Samples.batch(.traces)) }
                try await Task.sleep(for: .milliseconds(500))
                task.cancel()
                return await task.value
            }
            #expect(outcome == .retryable(reason: "cancelled", retryAfter: nil))
        }
    }
}

func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    let rc = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
            guard bind(fd, p, len) == 0 else { return -1 }
            return getsockname(fd, p, &len)
        }
    }
    guard rc == 0 else { throw BackendError("cannot find a free port") }
    return Int(UInt16(bigEndian: addr.sin_port))
}
