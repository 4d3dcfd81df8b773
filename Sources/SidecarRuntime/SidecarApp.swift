import EventProtocol
import Ingest
import Logging
import Pipeline
import SidecarConfig
import ServiceLifecycle
import UnixSignals

/// Builds the sidecar's services from a validated configuration and runs them in one `ServiceGroup`.
///
/// Registration order is dependency order (sinks and exporters first, receivers last), so the reverse-order
/// graceful shutdown stops intake first and drains what is queued after.
public struct SidecarApp: Sendable {
    public let config: SidecarConfiguration
    public let logger: Logger
    public let counters = CounterRegistry()
    public let readiness = Readiness()

    /// `$NOTIFY_SOCKET` by default; tests pass their own listener.
    public var notifySocket: String?

    public init(config: SidecarConfiguration, logger: Logger, notifySocket: String? = SystemdNotify.environmentSocket) {
        self.config = config
        self.logger = logger
        self.notifySocket = notifySocket
    }

    public struct StartupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The sinks every processed batch is handed to.
    func makeSinks() throws -> [any TelemetrySink] {
        var sinks: [any TelemetrySink] = []
        for e in config.exporters {
            switch e.protocol {
            case .console:
                sinks.append(try ConsoleExporter(name: e.name, path: e.path, counters: counters))
            default:
                throw StartupError(description: "exporter '\(e.name)': protocol \(e.protocol.rawValue) is not available yet in this build; use protocol: console")
            }
        }
        if sinks.isEmpty {
            // No backend configured: until the embedded store lands, print what arrives (docs/configuration.md).
            logger.notice("no exporter configured: writing received telemetry to stdout as OTLP/JSON lines")
            sinks.append(try ConsoleExporter(name: "console", path: nil, counters: counters))
        }
        return sinks
    }

    public func makeServices(onReady: @escaping @Sendable ([(String, String)]) -> Void) throws -> [any Service] {
        let pipeline = Pipeline(sinks: try makeSinks(), counters: counters)
        var services: [any Service] = []
        let ev = config.receivers.events
        if ev.enabled, let socket = ev.socket, !socket.isEmpty {
            services.append(EventSocketReceiver(
                settings: .init(name: "events", socketPath: socket, socketMode: ev.access.mode, socketGroup: ev.access.group,
                                limits: EventLimits(maxLineBytes: ev.maxLineBytes, maxAttributes: ev.maxAttributes, maxDepth: ev.maxDepth)),
                pipeline: pipeline, readiness: readiness, logger: logger
            ))
        }
        if services.isEmpty {
            throw StartupError(description: "no receiver is enabled: enable receivers.events (the OTLP receivers are not available yet in this build)")
        }
        services.append(LifecycleReporter(readiness: readiness, logger: logger, notifySocket: notifySocket, onReady: onReady))
        return services
    }

    /// The group of all services; SIGTERM/SIGINT start a graceful shutdown bounded by
    /// `service.shutdown_grace_period` (tests pass no signals and call `triggerGracefulShutdown()`).
    public func makeServiceGroup(
        signals: [UnixSignal] = [.sigterm, .sigint],
        onReady: @escaping @Sendable ([(String, String)]) -> Void = { _ in }
    ) throws -> ServiceGroup {
        let services = try makeServices(onReady: onReady)
        return ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: signals,
            cancellationSignals: [],
            logger: logger
        ).with(maximumGracefulShutdownDuration: config.service.shutdownGracePeriod))
    }

    /// Runs until SIGTERM/SIGINT or a service fails.
    public func run(onReady: @escaping @Sendable ([(String, String)]) -> Void = { _ in }) async throws {
        try await makeServiceGroup(onReady: onReady).run()
    }
}

extension ServiceGroupConfiguration {
    func with(maximumGracefulShutdownDuration d: Duration) -> Self {
        var c = self
        c.maximumGracefulShutdownDuration = d
        return c
    }
}
