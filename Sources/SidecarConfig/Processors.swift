extension SidecarConfiguration {
    /// `processors`: applied in the receiving task, in the order limits → redaction → sampling.
    public struct Processors: Sendable, Equatable {
        public var redaction: RedactionSettings
        public var sampling: SamplingSettings
        public var limits: LimitSettings
        /// `processors.span_metrics`: RED metrics derived from spans (read by the metric store).
        public var spanMetrics: SpanMetricsSettings

        public init(redaction: RedactionSettings = .default, sampling: SamplingSettings = .default, limits: LimitSettings = .default,
                    spanMetrics: SpanMetricsSettings = .default) {
            self.redaction = redaction
            self.sampling = sampling
            self.limits = limits
            self.spanMetrics = spanMetrics
        }

        public static let `default` = Processors()
    }

    /// `processors.redaction`.
    public struct RedactionSettings: Sendable, Equatable {
        /// The `blocked_keys` default.
        public static let defaultBlockedKeys = [
            "password", "passwd", "secret", "token", "api_key", "apikey", "authorization", "cookie",
            "set-cookie", "session", "ssn", "credit_card", "card_number", "cvv", "private_key",
        ]

        /// `enabled`, default `true`.
        public var enabled: Bool
        /// `builtins`: every built-in pattern, default all `true`. Always holds all of them.
        public var builtins: [BuiltinPattern: Bool]
        /// `blocked_keys`: attribute key patterns whose values are masked. Default ``defaultBlockedKeys``.
        public var blockedKeys: [String]
        /// `allowed_keys`: when set, allowlist mode (only these keys keep their values). Default none.
        public var allowedKeys: [String]?
        /// `masks`: user value patterns, applied in order after the key rules.
        public var masks: [Mask]
        /// `hash_key`: the key for `action: hash` (secret). Default none.
        public var hashKey: Secret?
        /// `hash_key_file`: a file holding the hash key (read by ``SidecarConfiguration/resolvingSecretFiles(readFile:)``).
        public var hashKeyFile: String?
        /// `match_limit`, default 100000: the regex engine's match budget per string.
        public var matchLimit: Int

        public init(
            enabled: Bool = true,
            builtins: [BuiltinPattern: Bool] = Dictionary(uniqueKeysWithValues: BuiltinPattern.allCases.map { ($0, true) }),
            blockedKeys: [String] = RedactionSettings.defaultBlockedKeys,
            allowedKeys: [String]? = nil,
            masks: [Mask] = [],
            hashKey: Secret? = nil,
            hashKeyFile: String? = nil,
            matchLimit: Int = 100_000
        ) {
            self.enabled = enabled
            self.builtins = builtins
            self.blockedKeys = blockedKeys
            self.allowedKeys = allowedKeys
            self.masks = masks
            self.hashKey = hashKey
            self.hashKeyFile = hashKeyFile
            self.matchLimit = matchLimit
        }

        public static let `default` = RedactionSettings()

        /// Whether a built-in pattern is on (missing entries count as on).
        public func isEnabled(_ pattern: BuiltinPattern) -> Bool {
            builtins[pattern] ?? true
        }
    }

    /// `processors.redaction.masks[]`.
    public struct Mask: Sendable, Equatable {
        /// `name`, required and unique.
        public var name: String
        /// `pattern`, required: a regular expression (PCRE2 syntax).
        public var pattern: String
        /// `replacement`, default `[REDACTED:<name>]`.
        public var replacement: String
        /// `action`, default `mask`.
        public var action: MaskAction
        /// `keys`: only values of these key patterns; default none (every key).
        public var keys: [String]?
        /// `scope`, default all scopes.
        public var scope: [RedactionScope]

        public init(
            name: String,
            pattern: String,
            replacement: String? = nil,
            action: MaskAction = .mask,
            keys: [String]? = nil,
            scope: [RedactionScope] = RedactionScope.allCases
        ) {
            self.name = name
            self.pattern = pattern
            self.replacement = replacement ?? Mask.defaultReplacement(name: name)
            self.action = action
            self.keys = keys
            self.scope = scope
        }

        /// `[REDACTED:<name>]`.
        public static func defaultReplacement(name: String) -> String {
            "[REDACTED:\(name)]"
        }
    }

    /// `processors.sampling`.
    public struct SamplingSettings: Sendable, Equatable {
        /// `sampler`, default `parentbased_always_on`; env `OTEL_TRACES_SAMPLER`.
        public var sampler: Sampler
        /// `ratio`, default 1.0, in 0...1, for the ratio samplers; env `OTEL_TRACES_SAMPLER_ARG`.
        public var ratio: Double
        /// `rate_limit`: spans per second per service; default 0 = off.
        public var rateLimit: Double
        /// `keep_errors`, default `true`: spans with status ERROR are kept whatever the sampler says.
        public var keepErrors: Bool

        public init(sampler: Sampler = .parentBasedAlwaysOn, ratio: Double = 1.0, rateLimit: Double = 0, keepErrors: Bool = true) {
            self.sampler = sampler
            self.ratio = ratio
            self.rateLimit = rateLimit
            self.keepErrors = keepErrors
        }

        public static let `default` = SamplingSettings()
    }

    /// `processors.limits`.
    public struct LimitSettings: Sendable, Equatable {
        /// `max_attributes`, default 128; env `OTEL_ATTRIBUTE_COUNT_LIMIT`.
        public var maxAttributes: Int
        /// `max_attribute_value_length`, default 0 = unlimited; env `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`.
        public var maxAttributeValueLength: Int
        /// `max_events`, default 128; env `OTEL_SPAN_EVENT_COUNT_LIMIT`.
        public var maxEvents: Int
        /// `max_links`, default 128; env `OTEL_SPAN_LINK_COUNT_LIMIT`.
        public var maxLinks: Int

        public init(maxAttributes: Int = 128, maxAttributeValueLength: Int = 0, maxEvents: Int = 128, maxLinks: Int = 128) {
            self.maxAttributes = maxAttributes
            self.maxAttributeValueLength = maxAttributeValueLength
            self.maxEvents = maxEvents
            self.maxLinks = maxLinks
        }

        public static let `default` = LimitSettings()
    }
}
