import Foundation

/// The standard `OTEL_*` variables, over the file and under `--set`. An empty variable counts as
/// unset (as the OpenTelemetry specification says). A malformed value is an issue naming the variable.
struct EnvironmentOverlay {
    let environment: [String: String]

    subscript(name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    func apply(to config: inout SidecarConfiguration, context: inout DecodeContext) {
        set("OTEL_SERVICE_NAME", \.service.name, at: "service.name", .nonEmpty, &config, &context)
        applyResourceAttributes(to: &config, context: &context)
        set("OTEL_TRACES_SAMPLER", \.processors.sampling.sampler, at: "processors.sampling.sampler", .enumeration, &config, &context)
        set("OTEL_TRACES_SAMPLER_ARG", \.processors.sampling.ratio, at: "processors.sampling.ratio", .double(0...1), &config, &context)
        let limits = "processors.limits."
        set("OTEL_ATTRIBUTE_COUNT_LIMIT", \.processors.limits.maxAttributes, at: limits + "max_attributes", .int(), &config, &context)
        set("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", \.processors.limits.maxAttributeValueLength, at: limits + "max_attribute_value_length", .int(), &config, &context)
        set("OTEL_SPAN_EVENT_COUNT_LIMIT", \.processors.limits.maxEvents, at: limits + "max_events", .int(), &config, &context)
        set("OTEL_SPAN_LINK_COUNT_LIMIT", \.processors.limits.maxLinks, at: limits + "max_links", .int(), &config, &context)
        set("OTEL_METRIC_EXPORT_INTERVAL", \.metrics.exportInterval, at: "metrics.export_interval", .millisecondCount, &config, &context)
        applyPrometheus(to: &config, context: &context)
        OTLPEnvironment(overlay: self).apply(to: &config, context: &context)
    }

    /// Parses `name` with `codec` into `keyPath` when the variable is set.
    func set<T>(
        _ name: String, _ keyPath: WritableKeyPath<SidecarConfiguration, T>, at path: String, _ codec: ValueCodec<T>,
        _ config: inout SidecarConfiguration, _ context: inout DecodeContext
    ) {
        guard let text = self[name] else { return }
        switch codec.parse(text) {
        case .success(let value):
            config[keyPath: keyPath] = value
            context.mark(path, keyNode: nil, origin: name)
        case .failure(let failure):
            context.report(path, "\(name): \(failure.message)")
        }
    }

    private func applyResourceAttributes(to config: inout SidecarConfiguration, context: inout DecodeContext) {
        guard let text = self["OTEL_RESOURCE_ATTRIBUTES"] else { return }
        switch Self.parseKeyValueList(text) {
        case .success(let pairs):
            for (key, value) in pairs { config.service.resource[key] = value }
            context.mark("service.resource", keyNode: nil, origin: "OTEL_RESOURCE_ATTRIBUTES")
        case .failure(let failure):
            context.report("service.resource", "OTEL_RESOURCE_ATTRIBUTES: \(failure.message)")
        }
    }

    private func applyPrometheus(to config: inout SidecarConfiguration, context: inout DecodeContext) {
        if var host = self["OTEL_EXPORTER_PROMETHEUS_HOST"] {
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if ListenAddressParser.splitHostPort(host.contains(":") ? "[\(host)]" : host) != nil {
                config.prometheus.endpoint.host = host
                context.mark("prometheus.endpoint", keyNode: nil, origin: "OTEL_EXPORTER_PROMETHEUS_HOST")
            } else {
                context.report("prometheus.endpoint", "OTEL_EXPORTER_PROMETHEUS_HOST: invalid host '\(excerpt(host))'")
            }
        }
        if let port = self["OTEL_EXPORTER_PROMETHEUS_PORT"] {
            switch ListenAddressParser.validatePort(port, in: port) {
            case .success(let value):
                config.prometheus.endpoint.port = value
                context.mark("prometheus.endpoint", keyNode: nil, origin: "OTEL_EXPORTER_PROMETHEUS_PORT")
            case .failure(let failure):
                context.report("prometheus.endpoint", "OTEL_EXPORTER_PROMETHEUS_PORT: \(failure.message)")
            }
        }
    }

    struct ListFailure: Error {
        var message: String
    }

    /// `k=v,k2=v2` (W3C Baggage without properties), keys and values trimmed and percent-decoded.
    /// Failure messages never quote values (they may be secrets).
    static func parseKeyValueList(_ text: String) -> Result<[(String, String)], ListFailure> {
        var pairs: [(String, String)] = []
        for (position, entry) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                return .failure(ListFailure(message: "entry \(position + 1) has no '='; expected key=value pairs separated by commas"))
            }
            let rawKey = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let rawValue = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let key = rawKey.removingPercentEncoding, !key.isEmpty else {
                return .failure(ListFailure(message: "entry \(position + 1) has an empty or badly percent-encoded key"))
            }
            guard let value = rawValue.removingPercentEncoding else {
                return .failure(ListFailure(message: "entry \(position + 1) ('\(excerpt(key))') has a badly percent-encoded value"))
            }
            pairs.append((key, value))
        }
        return .success(pairs)
    }
}
