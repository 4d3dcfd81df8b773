import Delivery
import Foundation
import InMemoryLogging
import Logging
import SidecarConfig
import SidecarModel
import Testing
@testable import Export

/// OTLP/HTTP exporter (async-http-client) against the Python http.server + opentelemetry-proto backend.
@Suite(.serialized)
struct HTTPExportTests {
    /// Exports `batches` with a fresh client and shuts it down.
    static func export(_ e: SidecarConfiguration.Exporter, _ batches: [EncodedBatch], logger: Logger = Logger(label: "t")) async throws -> [ExportOutcome] {
        let made = try ExportClients.make(for: e, logger: logger)
        #expect(made.services.isEmpty)
        var outcomes: [ExportOutcome] = []
        for b in batches { outcomes.append(await made.client.export(b)) }
        await made.client.shutdown()
        return outcomes
    }

    @Test(arguments: [SidecarConfiguration.ExporterProtocol.httpProtobuf, .httpJSON])
    func everySignalToTheBasePlusV1Path(proto: SidecarConfiguration.ExporterProtocol) async throws {
        try await Backend.with(.init(http: true)) { backend in
            let outcomes = try await Self.export(Samples.exporter(proto, "http://127.0.0.1:\(backend.httpPort)"), Signal.allCases.map(Samples.batch))
            #expect(outcomes == [.success, .success, .success])
            let recs = try await backend.requests(atLeast: 3)
            #expect(recs.map { $0["path"] as? String } == ["/v1/traces", "/v1/metrics", "/v1/logs"])
            let contentType = proto == .httpJSON ? "application/json" : "application/x-protobuf"
            for (rec, signal) in zip(recs, Signal.allCases) {
                #expect(rec["content_type"] as? String == contentType)
                #expect(rec["content_encoding"] as? String == "")
                try Samples.expectReceived(rec, signal)
            }
        }
    }

    @Test(arguments: [SidecarConfiguration.ExporterProtocol.httpProtobuf, .httpJSON])
    func gzip(proto: SidecarConfiguration.ExporterProtocol) async throws {
        try await Backend.with(.init(http: true)) { backend in
            let e = Samples.exporter(proto, "http://127.0.0.1:\(backend.httpPort)", compression: .gzip)
            let outcomes = try await Self.export(e, [Samples.batch(.traces)])
            #expect(outcomes == [.success])
            let rec = try #require(try await backend.requests(atLeast: 1).first)
            #expect(rec["content_encoding"] as? String == "gzip")
            try Samples.expectReceived(rec, .traces)
        }
    }

    @Test func perSignalEndpointsAreUsedAsGivenAndABaseGetsV1() async throws {
        try await Backend.with(.init(http: true)) { backend in
            let base = "http://127.0.0.1:\(backend.httpPort)"
            var e = Samples.exporter(.httpProtobuf, "\(base)/otlp/")
            e.tracesEndpoint = "\(base)/custom/trace-intake"
            e.logsEndpoint = "\(base)/logs-here"
            let outcomes = try await Self.export(e, Signal.allCases.map(Samples.batch))
            #expect(outcomes == [.success, .success, .success])
            let recs = try await backend.requests(atLeast: 3)
            #expect(recs.map { $0["path"] as? String } == ["/custom/trace-intake", "/otlp/v1/metrics", "/logs-here"])
            for (rec, signal) in zip(recs, Signal.allCases) { try Samples.expectReceived(rec, signal) }
        }
    }

    @Test(arguments: ["http+unix", "unix"])
    func unixSocket(scheme: String) async throws {
        try await Backend.with(.init(httpUnix: true)) { backend in
            let endpoint = scheme == "unix"
                ? "unix://\(backend.httpSocket)"
                : "http+unix://\(backend.httpSocket.replacingOccurrences(of: "/", with: "%2F"))/base"
            let outcomes = try await Self.export(Samples.exporter(.httpProtobuf, endpoint), [Samples.batch(.logs)])
            #expect(outcomes == [.success])
            let rec = try #require(try await backend.requests(atLeast: 1).first)
            #expect(rec["path"] as? String == (scheme == "unix" ? "/v1/logs" : "/base/v1/logs"))
            try Samples.expectReceived(rec, .logs)
        }
    }

    @Test func headersArriveAndAreNeverLogged() async throws {
        let secret = "Bearer s3cr3t-http-token"
        try await Backend.with(.init(http: true, requireHeader: ("authorization", secret))) { backend in
            let logs = InMemoryLogHandler()
            var logger = Logger(label: "t") { _ in logs }
            logger.logLevel = .trace
            var e = Samples.exporter(.httpJSON, "http://127.0.0.1:\(backend.httpPort)")
            e.headers = ["Authorization": .init(secret), "X-Tenant": .init("team-a")]
            var bad = e
            bad.headers = [:]
            let ok = try await Self.export(e, [Samples.batch(.metrics)], logger: logger)
            let denied = try await Self.export(bad, [Samples.batch(.metrics)], logger: logger)
            #expect(ok == [.success])
            #expect(denied == [.permanent(reason: "http_401")])
            let headers = try #require(try await backend.requests(atLeast: 1).first?["headers"] as? [String: String])
            #expect(headers["authorization"] == secret)
            #expect(headers["x-tenant"] == "team-a")
            for entry in logs.entries {
                let text = "\(entry.message) \(entry.metadata)"
                #expect(!text.contains("s3cr3t"), "a log line carries the header: \(text)")
            }
        }
    }

    static let classifications: [(String, ExportOutcome)] = [
        ("http:503:7", .retryable(reason: "http_503", retryAfter: .seconds(7))),
        ("unavailable", .retryable(reason: "http_503", retryAfter: nil)),
        ("resource_exhausted:3", .retryable(reason: "http_429", retryAfter: .seconds(3))),
        ("http:502", .retryable(reason: "http_502", retryAfter: nil)),
        ("http:504", .retryable(reason: "http_504", retryAfter: nil)),
        ("invalid_argument", .permanent(reason: "http_400")),
        ("http:404", .permanent(reason: "http_404")),
        ("partial:2:rejected two", .partialSuccess(rejected: 2, message: "rejected two")),
    ]

    /// One backend per protocol: each scripted answer is followed by an `ok`, checked on a second export.
    @Test(arguments: [SidecarConfiguration.ExporterProtocol.httpProtobuf, .httpJSON])
    func outcomeClassification(proto: SidecarConfiguration.ExporterProtocol) async throws {
        let cases = Self.classifications
        try await Backend.with(.init(http: true, script: cases.flatMap { [$0.0, "ok"] })) { backend in
            let made = try ExportClients.make(for: Samples.exporter(proto, "http://127.0.0.1:\(backend.httpPort)"), logger: Logger(label: "t"))
            for (answer, expected) in cases {
                let first = await made.client.export(Samples.batch(.traces))
                let second = await made.client.export(Samples.batch(.traces))
                #expect(first == expected, "\(answer)")
                #expect(second == .success, "\(answer)")
            }
            await made.client.shutdown()
            #expect(try await backend.requests(atLeast: 2 * cases.count).count == 2 * cases.count)
        }
    }

    @Test func retryAfterAsHTTPDate() {
        #expect(ExportOutcome.parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", nowUnixSeconds: 1_445_412_480) == .seconds(10))
    }

    @Test func timeoutIsRetryable() async throws {
        try await Backend.with(.init(http: true, script: ["slow:3"])) { backend in
            let e = Samples.exporter(.httpProtobuf, "http://127.0.0.1:\(backend.httpPort)", timeout: .milliseconds(500))
            let made = try ExportClients.make(for: e, logger: Logger(label: "t"))
            let outcome = await made.client.export(Samples.batch(.traces))
            await made.client.shutdown()
            #expect(outcome == .retryable(reason: "timeout", retryAfter: nil))
        }
    }

    @Test func cancellationAnswersCancelledPromptly() async throws {
        try await Backend.with(.init(http: true, script: ["slow:5"])) { backend in
            let made = try ExportClients.make(for: Samples.exporter(.httpProtobuf, "http://127.0.0.1:\(backend.httpPort)"), logger: Logger(label: "t"))
            let task = Task { await made.client.export(Samples.batch(.traces)) }
            _ = try await backend.requests(atLeast: 1)
            task.cancel()
            let outcome = await task.value
            await made.client.shutdown()
            #expect(outcome == .retryable(reason: "cancelled", retryAfter: nil))
        }
    }

    @Test func unreachableBackendIsRetryable() async throws {
        let port = try freePort()
        let outcomes = try await Self.export(Samples.exporter(.httpProtobuf, "http://127.0.0.1:\(port)", timeout: .seconds(2)), [Samples.batch(.traces)])
        #expect(outcomes == [.retryable(reason: "connect", retryAfter: nil)])
    }
}
