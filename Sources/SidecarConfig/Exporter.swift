extension SidecarConfiguration {
    /// `exporters[]`: one backend, with its own queue, batcher, circuit breaker and retry policy.
    public struct Exporter: Sendable, Equatable {
        /// `name`, required, unique, `[a-z0-9_-]+`. `otlp` is the one the `OTEL_EXPORTER_OTLP_*` variables configure.
        public var name: String
        /// `protocol`, required.
        public var `protocol`: ExporterProtocol
        /// `endpoint`: required unless `console` or every signal has its own endpoint.
        /// grpc: `http://host:port`, `https://host:port`, `unix:///path`;
        /// http: `http(s)://host:port[/base]` (the exporter appends `/v1/<signal>`),
        /// `http+unix://%2Fpath%2Fto.sock[/base]`, `unix:///path`.
        public var endpoint: String?
        /// `traces_endpoint`: the full URL for traces, used as given.
        public var tracesEndpoint: String?
        /// `metrics_endpoint`: the full URL for metrics, used as given.
        public var metricsEndpoint: String?
        /// `logs_endpoint`: the full URL for logs, used as given.
        public var logsEndpoint: String?
        /// `path`: console only, a file to append to instead of stdout.
        public var path: String?
        /// `signals`, default all three.
        public var signals: [Signal]
        /// `headers` (values are secrets).
        public var headers: [String: Secret]
        /// `headers_file`: a file of `Key: value` lines (values are secrets); its entries are
        /// overridden by `headers`. Read by ``SidecarConfiguration/resolvingSecretFiles(readFile:)``.
        public var headersFile: String?
        /// `compression`, default `gzip`.
        public var compression: Compression
        /// `timeout`, default 10s, per export request.
        public var timeout: Duration
        /// `insecure`, default `false`: only for a grpc endpoint written without a scheme
        /// (`host:port`), where it means plaintext; `http://` is always plaintext and `https://` always TLS.
        public var insecure: Bool
        /// `tls`.
        public var tls: TLS
        /// `queue`.
        public var queue: Queue
        /// `batch`.
        public var batch: Batch
        /// `retry`.
        public var retry: Retry
        /// `circuit_breaker`.
        public var circuitBreaker: CircuitBreaker

        public init(name: String, protocol: ExporterProtocol, endpoint: String? = nil) {
            self.name = name
            self.protocol = `protocol`
            self.endpoint = endpoint
            self.tracesEndpoint = nil
            self.metricsEndpoint = nil
            self.logsEndpoint = nil
            self.path = nil
            self.signals = Signal.allCases
            self.headers = [:]
            self.headersFile = nil
            self.compression = .gzip
            self.timeout = .seconds(10)
            self.insecure = false
            self.tls = TLS()
            self.queue = Queue(spill: Spill(directory: Spill.defaultDirectory(exporterName: name)))
            self.batch = Batch()
            self.retry = Retry()
            self.circuitBreaker = CircuitBreaker()
        }

        /// The endpoint for one signal: `<signal>_endpoint` when set, else `endpoint`.
        /// The per-signal one is a complete URL; a shared http one is a base to which
        /// the exporter appends `/v1/traces`, `/v1/metrics` or `/v1/logs`.
        public func endpoint(for signal: Signal) -> (url: String, isSignalSpecific: Bool)? {
            let specific: String? = switch signal {
            case .traces: tracesEndpoint
            case .metrics: metricsEndpoint
            case .logs: logsEndpoint
            }
            if let specific { return (specific, true) }
            return endpoint.map { ($0, false) }
        }

        /// `exporters[].tls`.
        public struct TLS: Sendable, Equatable {
            /// `ca_file`: PEM roots to trust instead of the system's; env `OTEL_EXPORTER_OTLP_CERTIFICATE`.
            public var caFile: String?
            /// `cert_file`: client certificate (PEM), with `key_file`; env `OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`.
            public var certFile: String?
            /// `key_file`: client key (PEM), with `cert_file`; env `OTEL_EXPORTER_OTLP_CLIENT_KEY`.
            public var keyFile: String?
            /// `server_name`: SNI and verification name, default the endpoint's host.
            public var serverName: String?
            /// `insecure_skip_verify`, default `false`.
            public var insecureSkipVerify: Bool

            public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, serverName: String? = nil, insecureSkipVerify: Bool = false) {
                self.caFile = caFile
                self.certFile = certFile
                self.keyFile = keyFile
                self.serverName = serverName
                self.insecureSkipVerify = insecureSkipVerify
            }
        }

        /// `exporters[].queue`: bounded in items and bytes.
        public struct Queue: Sendable, Equatable {
            /// `max_items`, default 100000.
            public var maxItems: Int
            /// `max_bytes`, default 64MiB.
            public var maxBytes: Int
            /// `overflow`, default `drop_oldest`.
            public var overflow: OverflowPolicy
            /// `spill`.
            public var spill: Spill

            public init(maxItems: Int = 100_000, maxBytes: Int = 64 << 20, overflow: OverflowPolicy = .dropOldest, spill: Spill = Spill(directory: "")) {
                self.maxItems = maxItems
                self.maxBytes = maxBytes
                self.overflow = overflow
                self.spill = spill
            }
        }

        /// `exporters[].queue.spill`: an on-disk overflow and shutdown buffer.
        public struct Spill: Sendable, Equatable {
            /// `enabled`, default `false`.
            public var enabled: Bool
            /// `directory`, default `/var/lib/otel-sidecar/spill/<name>`.
            public var directory: String
            /// `max_bytes`, default 1GiB.
            public var maxBytes: Int
            /// `mode`, default `overflow`.
            public var mode: SpillMode
            /// `fsync`, default `interval`.
            public var fsync: FsyncPolicy
            /// `fsync_interval`, default 1s.
            public var fsyncInterval: Duration

            public init(enabled: Bool = false, directory: String, maxBytes: Int = 1 << 30, mode: SpillMode = .overflow, fsync: FsyncPolicy = .interval, fsyncInterval: Duration = .seconds(1)) {
                self.enabled = enabled
                self.mode = mode
                self.directory = directory
                self.maxBytes = maxBytes
                self.fsync = fsync
                self.fsyncInterval = fsyncInterval
            }

            /// `/var/lib/otel-sidecar/spill/<name>`.
            public static func defaultDirectory(exporterName: String) -> String {
                "/var/lib/otel-sidecar/spill/\(exporterName)"
            }
        }

        /// `exporters[].batch`: flush at whichever limit comes first.
        public struct Batch: Sendable, Equatable {
            /// `max_items`, default 8192.
            public var maxItems: Int
            /// `max_bytes`, default 4MiB; at most `queue.max_bytes`.
            public var maxBytes: Int
            /// `max_delay`, default 200ms.
            public var maxDelay: Duration

            public init(maxItems: Int = 8192, maxBytes: Int = 4 << 20, maxDelay: Duration = .milliseconds(200)) {
                self.maxItems = maxItems
                self.maxBytes = maxBytes
                self.maxDelay = maxDelay
            }
        }

        /// `exporters[].retry`: exponential backoff with jitter (the Collector's defaults).
        public struct Retry: Sendable, Equatable {
            /// `enabled`, default `true`.
            public var enabled: Bool
            /// `initial`, default 5s; at most `max`.
            public var initial: Duration
            /// `max`, default 30s: the largest single backoff.
            public var max: Duration
            /// `multiplier`, default 1.5, at least 1.
            public var multiplier: Double
            /// `randomization`, default 0.5, in 0...1: delay × (1 ± randomization).
            public var randomization: Double
            /// `max_elapsed`, default 300s: give up on a batch after this long; 0 = never.
            public var maxElapsed: Duration

            public init(enabled: Bool = true, initial: Duration = .seconds(5), max: Duration = .seconds(30), multiplier: Double = 1.5, randomization: Double = 0.5, maxElapsed: Duration = .seconds(300)) {
                self.enabled = enabled
                self.initial = initial
                self.max = max
                self.multiplier = multiplier
                self.randomization = randomization
                self.maxElapsed = maxElapsed
            }
        }

        /// `exporters[].circuit_breaker`.
        public struct CircuitBreaker: Sendable, Equatable {
            /// `enabled`, default `true`.
            public var enabled: Bool
            /// `failure_threshold`, default 5 consecutive failures open the breaker.
            public var failureThreshold: Int
            /// `failure_ratio`, default 0.5: this failed share over `window` also opens it…
            public var failureRatio: Double
            /// `window`, default 30s.
            public var window: Duration
            /// `min_requests`, default 10: …once the window holds at least this many requests.
            public var minRequests: Int
            /// `cooldown`, default 5s: open → half-open; grows with repeated trips…
            public var cooldown: Duration
            /// `max_cooldown`, default 5m: …up to this.
            public var maxCooldown: Duration

            public init(enabled: Bool = true, failureThreshold: Int = 5, failureRatio: Double = 0.5, window: Duration = .seconds(30), minRequests: Int = 10, cooldown: Duration = .seconds(5), maxCooldown: Duration = .seconds(300)) {
                self.enabled = enabled
                self.failureThreshold = failureThreshold
                self.failureRatio = failureRatio
                self.window = window
                self.minRequests = minRequests
                self.cooldown = cooldown
                self.maxCooldown = maxCooldown
            }
        }
    }
}
