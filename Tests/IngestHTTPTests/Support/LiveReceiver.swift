import Foundation
import InMemoryLogging
import Ingest
import Logging
import NIOCore
import Pipeline
import ServiceLifecycle
import SidecarModel
import Synchronization
import Testing

/// A sink that records every batch, or refuses everything (a full queue with the `refuse` policy).
final class RecordingSink: TelemetrySink {
    let name = "recorder"
    let refusing: Bool
    private let batches = Mutex<[TelemetryBatch]>([])

    init(refusing: Bool = false) {
        self.refusing = refusing
    }

    func consume(_ batch: TelemetryBatch) -> SubmitResult {
        if refusing { return .refused(retryAfter: .seconds(1)) }
        batches.withLock { $0.append(batch) }
        return .accepted
    }

    var received: [TelemetryBatch] { batches.withLock { $0 } }

    var traces: [TracesData] { received.compactMap { if case .traces(let d) = $0 { return d } else { return nil } } }
    var metrics: [MetricsData] { received.compactMap { if case .metrics(let d) = $0 { return d } else { return nil } } }
    var logs: [LogsData] { received.compactMap { if case .logs(let d) = $0 { return d } else { return nil } } }
    var spanCount: Int { traces.reduce(0) { $0 + $1.spanCount } }
}

/// Live OTLP/HTTP receivers on a temp Unix socket and on 127.0.0.1:0, run by a real `ServiceGroup`, with a
/// recording pipeline: the pattern of hummingbird's live test framework (run, wait until listening, test,
/// graceful shutdown).
struct LiveOTLP: Sendable {
    struct Options: Sendable {
        var maxBodyBytes = 1 << 20
        var refusing = false
        var socketMode: UInt32 = 0o660
        var allowlist = PeerAllowlist.anyone
        var extraRoutes = HTTPRouter()
        var idleTimeout: Duration? = .seconds(120)
        var logHandler: InMemoryLogHandler?
    }

    let dir: String
    let socketPath: String
    let port: Int
    let sink: RecordingSink
    let counters: CounterRegistry
    let group: ServiceGroup

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func makeDirectory() -> String {
        let dir = "/tmp/otel-http-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func with<T: Sendable>(_ options: Options = Options(), _ body: @Sendable (LiveOTLP) async throws -> T) async throws -> T {
        let dir = makeDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let socketPath = dir + "/run/otlp-http.sock"
        var logger = Logger(label: "test")
        if let handler = options.logHandler {
            logger = Logger(label: "test") { _ in handler }
            logger.logLevel = .debug
        } else {
            logger.logLevel = .critical
        }
        let counters = CounterRegistry()
        let sink = RecordingSink(refusing: options.refusing)
        let pipeline = Pipeline(sinks: [sink], counters: counters)
        let readiness = Readiness()
        let stats = OTLPReceiverStats(receiver: "otlp_http", counters: counters, logger: logger)
        let unix = OTLPHTTPReceiver(
            settings: .init(listener: .unix(path: socketPath, mode: options.socketMode, allowlist: options.allowlist), maxBodyBytes: options.maxBodyBytes,
                           idleTimeout: options.idleTimeout),
            pipeline: pipeline, readiness: readiness, stats: stats, logger: logger, extraRoutes: options.extraRoutes
        )
        let tcp = OTLPHTTPReceiver(
            settings: .init(listener: .tcp(host: "127.0.0.1", port: 0), maxBodyBytes: options.maxBodyBytes, idleTimeout: options.idleTimeout),
            pipeline: pipeline, readiness: readiness, stats: stats, logger: logger, extraRoutes: options.extraRoutes
        )
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: unix), .init(service: tcp)], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger
        ))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            do {
                let address = try await tcp.listeningAddress()
                _ = try await unix.listeningAddress()
                let live = LiveOTLP(dir: dir, socketPath: socketPath, port: address.port ?? 0, sink: sink, counters: counters, group: group)
                let result = try await body(live)
                await group.triggerGracefulShutdown()
                for try await _ in tasks {}
                return result
            } catch {
                await group.triggerGracefulShutdown()
                while let _ = try? await tasks.next() {}
                throw error
            }
        }
    }

    func counter(_ name: String, _ labels: [(String, String)]) -> UInt64 {
        counters.value(name, labels)
    }

    func requestErrors(_ reason: String) -> UInt64 {
        counter("otel_sidecar_receiver_request_errors_total", [("receiver", "otlp_http"), ("reason", reason)])
    }

    /// A file in the test's directory (for curl `--data-binary @file`).
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
