import SidecarConfig

/// Settings of the span-derived (RED) metrics. Every property names its proposed YAML key (under
/// `processors.span_metrics:`) and its default; `SpanMetricsConfig.default` is the one place they live.
public struct SpanMetricsConfig: Sendable, Equatable {
    /// `enabled`, default `true`.
    public var enabled: Bool
    /// `namespace`, default `traces.span.metrics` (the Collector's spanmetrics connector's): the metrics are
    /// `<namespace>.calls` (counter) and `<namespace>.duration` (histogram, seconds), exposed as
    /// `traces_span_metrics_calls_total` and `traces_span_metrics_duration_seconds`.
    public var namespace: String
    /// `dimensions`, default `mcp.method.name`, `mcp.tool.name`, `server.address`: attributes added as
    /// labels, looked up on the span, then on its resource; left out when absent and without a default.
    public var dimensions: [Dimension]
    /// `duration_buckets`, default 5 ms … 120 s: explicit bounds of the duration histogram, in seconds.
    public var durationBuckets: [Double]
    /// `allow_high_cardinality`, default none: keys that `isHighCardinality` refuses but the operator
    /// accepts as dimensions anyway (at their own risk: each value is a series, up to the cardinality limit).
    public var allowHighCardinality: [String]
    /// `attribute_sums`, default the GenAI token counts by model: counters summing a numeric span attribute.
    public var attributeSums: [AttributeSum]

    /// `dimensions[]`: `name` (the attribute key) and `default` (the label value when absent; nil leaves
    /// the label out). The configuration's type, used as it is.
    public typealias Dimension = SidecarConfiguration.SpanMetricsSettings.Dimension

    /// `attribute_sums[]`: `attribute` (the numeric span attribute to add up; other types are ignored and
    /// counted), `by` (grouping keys besides `service.name`), `name` (default `<namespace>.<attribute>`),
    /// `unit`, `description`. The configuration's type, used as it is.
    public typealias AttributeSum = SidecarConfiguration.SpanMetricsSettings.AttributeSum

    public init(
        enabled: Bool = true, namespace: String = "traces.span.metrics",
        dimensions: [Dimension] = [Dimension("mcp.method.name"), Dimension("mcp.tool.name"), Dimension("server.address")],
        durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
        allowHighCardinality: [String] = [],
        attributeSums: [AttributeSum] = [
            AttributeSum(attribute: "gen_ai.usage.input_tokens", by: ["gen_ai.request.model"], unit: "{token}"),
            AttributeSum(attribute: "gen_ai.usage.output_tokens", by: ["gen_ai.request.model"], unit: "{token}"),
        ]
    ) {
        self.enabled = enabled
        self.namespace = namespace
        self.dimensions = dimensions
        self.durationBuckets = durationBuckets
        self.allowHighCardinality = allowHighCardinality
        self.attributeSums = attributeSums
    }

    public static let `default` = SpanMetricsConfig()

    /// The labels every calls and duration series has.
    public static let builtInKeys = ["service.name", "span.name", "span.kind", "status.code"]

    var callsName: String { namespace + ".calls" }
    var durationName: String { namespace + ".duration" }

    func sumName(_ sum: AttributeSum) -> String { sum.name ?? (namespace + "." + sum.attribute) }

    /// Problems with key paths relative to `processors.span_metrics`; empty when valid.
    public func validate() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        let allowed = Set(allowHighCardinality)
        if namespace.isEmpty { problems.append(ConfigProblem("namespace", "must not be empty")) }
        if let message = BucketBounds.problem(durationBuckets) { problems.append(ConfigProblem("duration_buckets", message)) }
        if durationBuckets.contains(where: { $0 < 0 }) { problems.append(ConfigProblem("duration_buckets", "durations cannot be negative")) }

        func checkKey(_ key: String, path: String) -> Bool {
            if key.isEmpty {
                problems.append(ConfigProblem(path, "must not be empty"))
                return false
            }
            if Self.isHighCardinality(key) && !allowed.contains(key) {
                problems.append(ConfigProblem(path, "'\(key)' is a high-cardinality attribute (one series per value); list it in allow_high_cardinality to use it anyway"))
                return false
            }
            return true
        }

        var labels: [String: String] = [:]
        for key in Self.builtInKeys { labels[PrometheusNaming.labelName(key)] = key }
        for (i, d) in dimensions.enumerated() {
            let path = "dimensions[\(i)].name"
            guard checkKey(d.name, path: path) else { continue }
            let label = PrometheusNaming.labelName(d.name)
            if let other = labels[label] {
                let why = other == d.name ? (Self.builtInKeys.contains(other) ? "is always a label" : "is listed twice") : "becomes the same label '\(label)' as '\(other)'"
                problems.append(ConfigProblem(path, "'\(d.name)' \(why)"))
            } else {
                labels[label] = d.name
            }
        }
        var names: Set<String> = [callsName, durationName]
        for (i, sum) in attributeSums.enumerated() {
            _ = checkKey(sum.attribute, path: "attribute_sums[\(i)].attribute")
            var sumLabels: [String: String] = [PrometheusNaming.labelName("service.name"): "service.name"]
            for (j, key) in sum.by.enumerated() {
                let path = "attribute_sums[\(i)].by[\(j)]"
                guard checkKey(key, path: path) else { continue }
                let label = PrometheusNaming.labelName(key)
                if let other = sumLabels[label] {
                    problems.append(ConfigProblem(path, other == key ? "'\(key)' is listed twice or always a label" : "'\(key)' becomes the same label '\(label)' as '\(other)'"))
                } else {
                    sumLabels[label] = key
                }
            }
            let name = sumName(sum)
            if name.isEmpty {
                problems.append(ConfigProblem("attribute_sums[\(i)].name", "must not be empty"))
            } else if !names.insert(name).inserted {
                problems.append(ConfigProblem("attribute_sums[\(i)].name", "metric '\(name)' is already produced by span metrics"))
            }
        }
        return problems
    }

    /// Attribute keys refused as dimensions unless allowed: values unique per request, user or session
    /// (ids, addresses of clients, full URLs, free text). Rules, on the lowercased key split at `.` and `_`:
    /// the last segment is `id`, `uuid` or `guid`; any segment is `session`, `email`, `token` or `password`;
    /// or the key is one of `highCardinalityKeys`.
    public static func isHighCardinality(_ key: String) -> Bool {
        let lower = key.lowercased()
        if highCardinalityKeys.contains(lower) { return true }
        let segments = lower.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" })
        guard let last = segments.last else { return false }
        if ["id", "uuid", "guid", "ids"].contains(last) { return true }
        if lower.hasSuffix("id") && key.hasSuffix("Id") { return true }  // camelCase: userId, sessionId
        return segments.contains { ["session", "email", "token", "password"].contains($0) }
    }

    /// Well-known unbounded keys of the semantic conventions.
    public static let highCardinalityKeys: Set<String> = [
        "url.full", "url.path", "url.query", "http.url", "http.target", "http.route.full",
        "client.address", "client.port", "client.socket.address", "network.peer.address", "network.peer.port",
        "source.address", "source.port", "net.peer.ip", "net.peer.port", "net.sock.peer.addr", "net.sock.peer.port",
        "user.name", "user.full_name", "enduser.pseudo.id", "db.statement", "db.query.text",
        "exception.message", "exception.stacktrace", "gen_ai.prompt", "gen_ai.completion", "traceparent", "tracestate",
    ]
}

/// Invalid span-metrics settings, each with its key path.
public struct SpanMetricsConfigError: Error, Sendable, CustomStringConvertible {
    public var problems: [ConfigProblem]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

extension SidecarConfiguration.SpanMetricsSettings.Dimension {
    /// `Dimension("mcp.tool.name")`, `Dimension("tenant", default: "none")`.
    public init(_ name: String, default defaultValue: String? = nil) {
        self.init(name: name, defaultValue: defaultValue)
    }
}
