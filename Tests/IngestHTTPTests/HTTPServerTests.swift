import Foundation
import Ingest
import Logging
import NIOCore
import NIOHTTP1
import Pipeline
import ServiceLifecycle
import Testing

/// The generic server: extra routes (as /metrics, /healthz will be), HEAD, gzip responses, plain-text errors.
@Suite struct HTTPServerTests {
    static var metricsRouter: HTTPRouter {
        var router = HTTPRouter()
        router.add("/metrics", methods: [.GET]) { request in
            let text = (0..<2000).map { "otel_sidecar_test_total{n=\"\($0)\"} \($0)\n" }.joined()
            return HTTPResponse.text(.ok, text).compressed(for: request)
        }
        router.add("/healthz") { _ in .text(.ok, "ok\n") }
        router.add("/echo", methods: [.POST]) { request in
            HTTPResponse(status: .ok, contentType: "application/octet-stream", body: request.bodyBytes)
        }
        return router
    }

    /// A standalone server (as the lead's metrics endpoint would be) on 127.0.0.1:0.
    func withServer(_ body: @Sendable (Int, CounterRegistry, String) async throws -> Void) async throws {
        let counters = CounterRegistry()
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let server = HTTPServer(settings: .init(name: "metrics", listener: .tcp(host: "127.0.0.1", port: 0), maxBodyBytes: 1024),
                                router: Self.metricsRouter, counters: counters, readiness: nil, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        let dir = LiveOTLP.makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await server.listeningAddress().port ?? 0
            do {
                try await body(port, counters, dir)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func gzipResponseWhenAcceptedAndHead() async throws {
        try await withServer { port, _, dir in
            let url = "http://127.0.0.1:\(port)/metrics"
            let plain = try await CurlResponse.send(url, [], in: dir)
            #expect(plain.status == 200)
            #expect(plain.header("content-encoding") == nil)
            let gz = try await CurlResponse.send(url, ["--compressed"], in: dir)
            #expect(gz.header("content-encoding") == "gzip")
            #expect(gz.header("vary") == "Accept-Encoding")
            #expect(gz.body == plain.body)  // curl decoded it
            #expect(Int(gz.header("content-length") ?? "") ?? .max < plain.body.count / 4)
            let h2 = try await CurlResponse.send(url, ["--compressed", "--http2-prior-knowledge"], in: dir)
            #expect(h2.httpVersion == "2" && h2.body == plain.body)
            // HEAD: GET's headers, no body (with -I curl writes the headers where the body would go).
            let head = try await CurlResponse.send(url, ["-I"], in: dir)
            #expect(head.status == 200)
            #expect(head.header("content-length") == String(plain.body.count))
            #expect(!String(decoding: head.body, as: UTF8.self).contains("otel_sidecar_test_total"))
        }
    }

    @Test func plainTextErrorsAndServerCounters() async throws {
        try await withServer { port, counters, dir in
            let base = "http://127.0.0.1:\(port)"
            let nf = try await CurlResponse.send(base + "/nope", [], in: dir)
            #expect(nf.status == 404)
            #expect(nf.header("content-type") == "text/plain; charset=utf-8")
            let post = try await CurlResponse.send(base + "/healthz", ["-d", "x"], in: dir)
            #expect(post.status == 405)
            #expect(post.header("allow") == "GET, HEAD")
            let big = try await CurlResponse.send(base + "/echo", ["--data-binary", String(repeating: "x", count: 2000)], in: dir)
            #expect(big.status == 413)
            let echo = try await CurlResponse.send(base + "/echo?x=1", ["--data-binary", "hello"], in: dir)
            #expect(String(decoding: echo.body, as: UTF8.self) == "hello")
            for reason in ["not_found", "method_not_allowed", "body_too_large"] {
                #expect(counters.value("otel_sidecar_http_request_errors_total", [("server", "metrics"), ("reason", reason)]) == 1)
            }
            #expect(counters.value("otel_sidecar_receiver_connections_total", [("receiver", "metrics")]) == 4)
        }
    }

    /// Extra routes mounted on the OTLP listener next to the OTLP paths.
    @Test func extraRoutesOnTheOTLPReceiver() async throws {
        try await LiveOTLP.with(.init(extraRoutes: Self.metricsRouter)) { live in
            let r = try await CurlResponse.send("http://sidecar/healthz", ["--unix-socket", live.socketPath], in: live.dir)
            #expect(r.status == 200)
            #expect(String(decoding: r.body, as: UTF8.self) == "ok\n")
        }
    }
}
