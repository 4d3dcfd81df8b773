// The closed sets of values the configuration accepts. The raw values are the
// spellings in YAML, in the environment and in `--set`.

extension SidecarConfiguration {
    /// `logging.level`; the names of swift-log's `Logger.Level`.
    public enum LogLevel: String, Sendable, CaseIterable {
        case trace, debug, info, notice, warning, error, critical
    }

    /// `logging.format`.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// JSON when stderr is not a TTY, text otherwise.
        case auto
        case json
        case text
    }

    /// `store.enabled`.
    public enum StoreMode: String, Sendable, CaseIterable {
        /// On when no exporter is configured.
        case auto
        case on = "true"
        case off = "false"
    }

    /// A telemetry signal (`exporters[].signals`).
    public enum Signal: String, Sendable, CaseIterable {
        case traces, metrics, logs
    }

    /// `exporters[].protocol`.
    public enum ExporterProtocol: String, Sendable, CaseIterable {
        case grpc
        case httpProtobuf = "http/protobuf"
        case httpJSON = "http/json"
        /// Writes OTLP/JSON lines to stdout, or to `path`.
        case console
    }

    /// `exporters[].compression`.
    public enum Compression: String, Sendable, CaseIterable {
        case gzip, none
    }

    /// `exporters[].queue.overflow`: what a full queue does with new data.
    public enum OverflowPolicy: String, Sendable, CaseIterable {
        /// Evict the oldest queued item (default: the newest data is worth most).
        case dropOldest = "drop_oldest"
        /// Reject the new item.
        case dropNewest = "drop_newest"
        /// Reject the new item and tell OTLP clients to retry (RESOURCE_EXHAUSTED / 429).
        case refuse
    }

    /// `exporters[].queue.spill.mode`: when the disk spill is written to.
    public enum SpillMode: String, Sendable, CaseIterable {
        /// Only when the memory queue is full (and at shutdown for what could not be delivered). The default:
        /// no disk I/O at all while the backend keeps up.
        case overflow
        /// Every accepted item is written to the spill before it is acknowledged and delivered from there:
        /// with `fsync: always`, nothing acknowledged to a client is lost even by SIGKILL or power loss, at the
        /// price of a write (and an fsync) per received request on the receiving task.
        case writeAhead = "write_ahead"
    }

    /// `exporters[].queue.spill.fsync`.
    public enum FsyncPolicy: String, Sendable, CaseIterable {
        case always, interval, never
    }

    /// `processors.sampling.sampler`; the `OTEL_TRACES_SAMPLER` names.
    public enum Sampler: String, Sendable, CaseIterable {
        case alwaysOn = "always_on"
        case alwaysOff = "always_off"
        case traceIDRatio = "traceidratio"
        case parentBasedAlwaysOn = "parentbased_always_on"
        case parentBasedAlwaysOff = "parentbased_always_off"
        case parentBasedTraceIDRatio = "parentbased_traceidratio"
    }

    /// `processors.redaction.builtins`: the built-in value patterns, all on by default.
    public enum BuiltinPattern: String, Sendable, CaseIterable {
        case email, phone, card, iban
        case usSSN = "us_ssn"
        case ipv4, ipv6, jwt, bearer
        case awsAccessKey = "aws_access_key"
        case githubToken = "github_token"
        case slackToken = "slack_token"
        case apiKey = "api_key"
    }

    /// `processors.redaction.masks[].action`.
    public enum MaskAction: String, Sendable, CaseIterable {
        /// Replace the match with `replacement`.
        case mask
        /// Replace the match with a keyed hash (needs `hash_key` or `hash_key_file`), for correlation.
        case hash
        /// Drop the whole attribute (or blank the whole string where there is no attribute).
        case drop
    }

    /// `processors.redaction.masks[].scope`: where a mask applies.
    public enum RedactionScope: String, Sendable, CaseIterable {
        case spanName = "span_name"
        case attributes
        case eventAttributes = "event_attributes"
        case linkAttributes = "link_attributes"
        case logBody = "log_body"
        case metricAttributes = "metric_attributes"
        case resourceAttributes = "resource_attributes"
    }
}
