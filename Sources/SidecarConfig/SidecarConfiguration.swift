/// The sidecar's effective configuration: defaults, then the YAML file, then the
/// `OTEL_*` environment, then `--set` overrides (see docs/configuration.md).
///
/// Every property has a default; `SidecarConfiguration.default` is what runs
/// without a file. Load with ``ConfigLoader/load(yaml:environment:overrides:)``.
public struct SidecarConfiguration: Sendable, Equatable {
    /// `service`: the sidecar's own identity and lifecycle.
    public var service: Service
    /// `receivers`: the event socket and the OTLP/gRPC and OTLP/HTTP listeners.
    public var receivers: Receivers
    /// `processors`: limits, redaction and sampling, applied before fan-out.
    public var processors: Processors
    /// `exporters`: one delivery pipeline each (queue, batcher, breaker, retry). Default: none.
    public var exporters: [Exporter]
    /// `metrics`: aggregation limits, histogram buckets and the periodic OTLP export of metrics.
    public var metrics: MetricsSettings
    /// `prometheus`: the /metrics listener (also serves the health paths).
    public var prometheus: PrometheusSettings
    /// `health`: liveness and readiness paths on the prometheus listener.
    public var health: HealthSettings
    /// `logging`: the sidecar's own log output on stderr.
    public var logging: LogSettings
    /// `store`: the embedded local store.
    public var store: StoreSettings

    public init(
        service: Service = .default,
        receivers: Receivers = .default,
        processors: Processors = .default,
        exporters: [Exporter] = [],
        metrics: MetricsSettings = .default,
        prometheus: PrometheusSettings = .default,
        health: HealthSettings = .default,
        logging: LogSettings = .default,
        store: StoreSettings = .default
    ) {
        self.service = service
        self.receivers = receivers
        self.processors = processors
        self.exporters = exporters
        self.metrics = metrics
        self.prometheus = prometheus
        self.health = health
        self.logging = logging
        self.store = store
    }

    /// Every key at its default; no exporter, so the local store is on.
    public static let `default` = SidecarConfiguration()

    /// Whether the local store runs: `store.enabled`, where `auto` means "when no exporter is configured".
    public var storeIsEnabled: Bool {
        switch store.enabled {
        case .auto: exporters.isEmpty
        case .on: true
        case .off: false
        }
    }
}

extension SidecarConfiguration {
    /// `service`.
    public struct Service: Sendable, Equatable {
        /// `service.name`, default `otel-sidecar`; env `OTEL_SERVICE_NAME`.
        public var name: String
        /// `service.resource`, default empty; env `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`,
        /// percent-decoded; its entries override the file's).
        public var resource: [String: String]
        /// `service.shutdown_grace_period`, default `10s`: how long shutdown may take to drain queues.
        public var shutdownGracePeriod: Duration

        public init(name: String = "otel-sidecar", resource: [String: String] = [:], shutdownGracePeriod: Duration = .seconds(10)) {
            self.name = name
            self.resource = resource
            self.shutdownGracePeriod = shutdownGracePeriod
        }

        public static let `default` = Service()
    }

    /// `prometheus`.
    public struct PrometheusSettings: Sendable, Equatable {
        /// `prometheus.enabled`, default `true`.
        public var enabled: Bool
        /// `prometheus.endpoint`, default `127.0.0.1:9464`; env `OTEL_EXPORTER_PROMETHEUS_HOST` and
        /// `OTEL_EXPORTER_PROMETHEUS_PORT` override the host and the port part.
        public var endpoint: ListenAddress
        /// `prometheus.path`, default `/metrics`.
        public var path: String

        public init(enabled: Bool = true, endpoint: ListenAddress = ListenAddress(host: "127.0.0.1", port: 9464), path: String = "/metrics") {
            self.enabled = enabled
            self.endpoint = endpoint
            self.path = path
        }

        public static let `default` = PrometheusSettings()
    }

    /// `health`: served on the prometheus listener.
    public struct HealthSettings: Sendable, Equatable {
        /// `health.live_path`, default `/healthz`.
        public var livePath: String
        /// `health.ready_path`, default `/readyz`.
        public var readyPath: String

        public init(livePath: String = "/healthz", readyPath: String = "/readyz") {
            self.livePath = livePath
            self.readyPath = readyPath
        }

        public static let `default` = HealthSettings()
    }

    /// `logging`.
    public struct LogSettings: Sendable, Equatable {
        /// `logging.level`, default `info`. The raw values are swift-log's `Logger.Level` names.
        public var level: LogLevel
        /// `logging.format`, default `auto` (JSON when stderr is not a TTY, text otherwise).
        public var format: LogFormat

        public init(level: LogLevel = .info, format: LogFormat = .auto) {
            self.level = level
            self.format = format
        }

        public static let `default` = LogSettings()
    }

    /// `store`: the embedded local store, the default sink when no exporter is configured.
    public struct StoreSettings: Sendable, Equatable {
        /// `store.enabled`: `auto` (default: on when no exporter is configured), `true` or `false`.
        /// Use ``SidecarConfiguration/storeIsEnabled`` for the decision.
        public var enabled: StoreMode
        /// `store.max_spans`, default `10000`: the newest spans kept.
        public var maxSpans: Int

        public init(enabled: StoreMode = .auto, maxSpans: Int = 10_000) {
            self.enabled = enabled
            self.maxSpans = maxSpans
        }

        public static let `default` = StoreSettings()
    }

    /// A `host:port` listen address; IPv6 hosts are written in brackets: `[::1]:4317`.
    public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
        /// The host without brackets (`127.0.0.1`, `::1`, `localhost`).
        public var host: String
        /// 0...65535; 0 asks the system for a free port.
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, with brackets around an IPv6 host.
        public var description: String {
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// A secret value (a header value, a hash key). Its description is `<redacted>`, so
    /// printing or logging a configuration never shows it; read ``value`` to use it.
    public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
        public var value: String

        public init(_ value: String) {
            self.value = value
        }

        public var description: String { "<redacted>" }
        public var debugDescription: String { "<redacted>" }
        public var customMirror: Mirror { Mirror(self, children: [:]) }
    }
}
