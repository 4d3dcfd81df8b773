import Delivery
import EventProtocol
import Export
import Ingest
import Logging
import MetricStore
import Pipeline
import Redaction
import SidecarConfig
import ServiceLifecycle
import SidecarModel
import UnixSignals

/// Builds the sidecar's services from a validated configuration and runs them in one `ServiceGroup`.
///
/// Registration order is dependency order — the metrics endpoint, then sinks and exporters, then receivers,
/// then the lifecycle reporter — so the reverse-order graceful shutdown marks the sidecar not ready, stops
/// intake, drains what is queued, and closes the metrics endpoint last.
public struct SidecarApp: Sendable {
    public let config: SidecarConfiguration
    public let logger: Logger
    public let counters = CounterRegistry()
    public let readiness = Readiness()
    /// `$NOTIFY_SOCKET` by default; tests pass their own listener.
    public var notifySocket: String?
    /// Re-reads the configuration on SIGHUP (nil: reload disabled).
    public var reloadConfiguration: (@Sendable () throws -> SidecarConfiguration)?

    public init(config: SidecarConfiguration, logger: Logger, notifySocket: String? = SystemdNotify.environmentSocket,
                reloadConfiguration: (@Sendable () throws -> SidecarConfiguration)? = nil) {
        self.config = config
        self.logger = logger
        self.notifySocket = notifySocket
        self.reloadConfiguration = reloadConfiguration
    }

    public struct StartupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// The exporters' sinks, and the services they need (client connections, then the delivery service:
    /// registered before the receivers, so shutdown drains them after intake stops).
    func makeExporters(gauges: DeliveryGauges) throws -> (sinks: [any TelemetrySink], services: [any Service]) {
        var sinks: [any TelemetrySink] = []
        var services: [any Service] = []
        for e in config.exporters {
            switch e.protocol {
            case .console where e.path == "/dev/null":
                // Nothing would read the output: count and discard without encoding (benchmarks use this).
                sinks.append(DiscardingSink(name: e.name, counters: counters))
            case .console:
                sinks.append(try ConsoleExporter(name: e.name, path: e.path, counters: counters))
            default:
                let made: (client: any ExportClient, services: [any Service])
                do {
                    made = try ExportClients.make(for: e, logger: logger)
                } catch {
                    throw StartupError(description: "exporter '\(e.name)': \(error)")
                }
                let delivery: DeliveryService
                do {
                    delivery = try DeliveryService(exporter: e, client: made.client, counters: counters, gauges: gauges,
                                                   logger: logger, shutdownGracePeriod: config.service.shutdownGracePeriod)
                } catch {
                    throw StartupError(description: "exporter '\(e.name)': \(error)")
                }
                services += made.services
                services.append(delivery)
                sinks.append(delivery)
            }
        }
        if sinks.isEmpty {
            // No backend configured: until the embedded store lands, print what arrives (docs/configuration.md).
            logger.notice("no exporter configured: writing received telemetry to stdout as OTLP/JSON lines")
            sinks.append(try ConsoleExporter(name: "console", path: nil, counters: counters))
        }
        return (sinks, services)
    }

    public func makeServices(onReady: @escaping @Sendable ([(String, String)]) -> Void) throws -> [any Service] {
        let processors: Processors
        do {
            processors = try Processors(config: config.processors, counters: counters)
        } catch {
            throw StartupError(description: error.issues.map(\.description).joined(separator: "; "))
        }
        let metricIssues = MetricStoreConfig.check(config)
        if !metricIssues.isEmpty {
            throw StartupError(description: metricIssues.map(\.description).joined(separator: "; "))
        }
        let spanMetrics: SpanMetrics
        do {
            spanMetrics = try SpanMetrics(config: config.processors.spanMetrics, counters: counters)
        } catch {
            throw StartupError(description: "processors.span_metrics: \(error)")
        }
        let store = MetricStore(config: MetricStoreConfig(config.metrics), spanMetrics: spanMetrics, counters: counters)
        let gauges = DeliveryGauges()
        let exporters = try makeExporters(gauges: gauges)
        // Exporters get traces and logs as they arrive; metrics only as the store's aggregated series.
        let exporterSinks: [any TelemetrySink] = exporters.sinks.map { NoRawMetrics(inner: $0) }
        let pipeline = Pipeline(sinks: exporterSinks + [store], counters: counters, processor: processors)

        var services: [any Service] = []
        if config.prometheus.enabled {
            services.append(makeMetricsServer(store: store, gauges: gauges))
        }
        services += exporters.services
        if config.metrics.exportInterval > .zero {
            // After the exporters, before the receivers: at shutdown its last collection is drained.
            services.append(MetricExportService(
                store: store, sinks: exporters.sinks, interval: config.metrics.exportInterval, ownResource: ownResource,
                counters: counters, logger: logger
            ))
        }
        services += makeEventReceivers(pipeline)
        services += makeGRPCReceivers(pipeline)
        services += makeHTTPReceivers(pipeline)
        if !services.contains(where: { $0 is EventSocketReceiver || $0 is EventDatagramReceiver || $0 is OTLPGRPCReceiver || $0 is OTLPHTTPReceiver }) {
            throw StartupError(description: "no receiver is enabled: enable receivers.events or receivers.otlp")
        }
        if let reload = reloadConfiguration {
            services.append(ReloadService(pipeline: pipeline, counters: counters, logger: logger, load: reload))
        }
        services.append(LifecycleReporter(readiness: readiness, logger: logger, notifySocket: notifySocket, onReady: onReady))
        return services
    }

    /// The sidecar's own resource: `service.name` and `service.resource`.
    var ownResource: Resource {
        var attributes = [Attribute("service.name", .string(config.service.name))]
        for (key, value) in config.service.resource.sorted(by: { $0.key < $1.key }) where key != "service.name" {
            attributes.append(Attribute(key, .string(value)))
        }
        return Resource(attributes: attributes)
    }

    /// Prometheus `/metrics` plus `/healthz` and `/readyz` on one loopback listener.
    func makeMetricsServer(store: MetricStore, gauges: DeliveryGauges) -> HTTPServer {
        let exposition = PrometheusExposition(store: store, counters: counters, extra: [{
            // Delivery's queue/spill/breaker gauges and export-duration histograms, read at each scrape.
            ExtraTelemetry(gauges: gauges.snapshot(), histograms: gauges.histograms().map { h in
                let s = h.snapshot
                return HistogramSeries(name: h.name, labels: h.labels, bounds: h.bounds, bucketCounts: s.buckets, sum: s.sum, count: s.count)
            })
        }])
        let readiness = self.readiness
        var router = HTTPRouter()
        router.add(config.prometheus.path) { req in
            let (contentType, body) = exposition.scrape(accept: req.headers.first(name: "accept"))
            return HTTPResponse(status: .ok, contentType: contentType, body: body).compressed(for: req)
        }
        router.add(config.health.livePath) { _ in .text(.ok, "ok\n") }
        router.add(config.health.readyPath) { _ in
            readiness.isReady ? .text(.ok, "ready\n") : .text(.serviceUnavailable, "not ready\n")
        }
        let ep = config.prometheus.endpoint
        return HTTPServer(
            settings: .init(name: "prometheus", listener: .tcp(host: Self.host(ep.host), port: ep.port), maxBodyBytes: 64 << 10),
            router: router, counters: counters, readiness: readiness, logger: logger
        )
    }

    func makeEventReceivers(_ pipeline: Pipeline) -> [any Service] {
        let ev = config.receivers.events
        guard ev.enabled else { return [] }
        let limits = EventLimits(maxLineBytes: ev.maxLineBytes, maxAttributes: ev.maxAttributes, maxDepth: ev.maxDepth)
        let allowlist = PeerAllowlist(uids: ev.access.allowedUIDs, gids: ev.access.allowedGIDs)
        var services: [any Service] = []
        if let socket = ev.socket, !socket.isEmpty {
            services.append(EventSocketReceiver(
                settings: .init(name: "events", socketPath: socket, socketMode: ev.access.mode, socketGroup: ev.access.group,
                                limits: limits, allowlist: allowlist),
                pipeline: pipeline, readiness: readiness, logger: logger
            ))
        }
        if let dgram = ev.datagramSocket, !dgram.isEmpty {
            services.append(EventDatagramReceiver(
                settings: .init(name: "events", socketPath: dgram, socketMode: ev.access.mode, socketGroup: ev.access.group, limits: limits),
                pipeline: pipeline, readiness: readiness, logger: logger
            ))
        }
        return services
    }

    func makeGRPCReceivers(_ pipeline: Pipeline) -> [any Service] {
        let grpc = config.receivers.otlp.grpc
        guard grpc.enabled else { return [] }
        let stats = OTLPReceiverStats(receiver: "otlp_grpc", counters: counters, logger: logger)
        var listeners: [OTLPGRPCReceiver.Listener] = []
        if let socket = grpc.socket, !socket.isEmpty {
            listeners.append(.unix(path: socket, mode: grpc.access.mode, group: grpc.access.group,
                                   allowlist: PeerAllowlist(uids: grpc.access.allowedUIDs, gids: grpc.access.allowedGIDs)))
        }
        if let ep = grpc.endpoint { listeners.append(.tcp(host: Self.host(ep.host), port: ep.port)) }
        return listeners.map { l in
            OTLPGRPCReceiver(
                settings: .init(receiver: "otlp_grpc", listener: l, maxMessageBytes: grpc.maxMessageBytes),
                pipeline: pipeline, readiness: readiness, stats: stats, logger: logger
            )
        }
    }

    func makeHTTPReceivers(_ pipeline: Pipeline) -> [any Service] {
        let http = config.receivers.otlp.http
        guard http.enabled else { return [] }
        let stats = OTLPReceiverStats(receiver: "otlp_http", counters: counters, logger: logger)
        var listeners: [HTTPListener] = []
        if let s = http.socket, !s.isEmpty {
            listeners.append(.unix(path: s, mode: http.access.mode, group: http.access.group,
                                   allowlist: PeerAllowlist(uids: http.access.allowedUIDs, gids: http.access.allowedGIDs)))
        }
        if let ep = http.endpoint { listeners.append(.tcp(host: Self.host(ep.host), port: ep.port)) }
        return listeners.map { l in
            OTLPHTTPReceiver(settings: .init(listener: l, maxBodyBytes: http.maxBodyBytes),
                             pipeline: pipeline, readiness: readiness, stats: stats, logger: logger)
        }
    }

    static func host(_ h: String) -> String { h == "localhost" ? "127.0.0.1" : h }

    /// The group of all services; SIGTERM/SIGINT start a graceful shutdown bounded by
    /// `service.shutdown_grace_period` (tests pass no signals and call `triggerGracefulShutdown()`).
    public func makeServiceGroup(
        signals: [UnixSignal] = [.sigterm, .sigint],
        onReady: @escaping @Sendable ([(String, String)]) -> Void = { _ in }
    ) throws -> ServiceGroup {
        let services = try makeServices(onReady: onReady)
        var c = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) },
            gracefulShutdownSignals: signals,
            cancellationSignals: [],
            logger: logger
        )
        c.maximumGracefulShutdownDuration = config.service.shutdownGracePeriod
        return ServiceGroup(configuration: c)
    }

    /// Runs until SIGTERM/SIGINT or a service fails.
    public func run(onReady: @escaping @Sendable ([(String, String)]) -> Void = { _ in }) async throws {
        try await makeServiceGroup(onReady: onReady).run()
    }
}
