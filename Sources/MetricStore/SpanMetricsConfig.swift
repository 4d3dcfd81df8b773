import SidecarConfig

/// Settings of the span-derived (RED) metrics: the configuration's `processors.span_metrics` section
/// itself (`SidecarConfiguration.SpanMetricsSettings`, where the keys and defaults are documented). This
/// extension adds what the metric store needs: the metric names and validation.
public typealias SpanMetricsConfig = SidecarConfiguration.SpanMetricsSettings

extension SidecarConfiguration.SpanMetricsSettings {
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
