/// Every YAML key, in the order it is rendered. docs/configuration.md documents the same keys;
/// ConfigurationTests checks that the full example file sets them all.
enum Schema {
    static var root: [Field<Config>] {
        [
            .section("service", \.service, service),
            .section("receivers", \.receivers, receivers),
            .section("processors", \.processors, processors),
            .objects("exporters", \.exporters, exporter, make: { Config.Exporter(name: "", protocol: .console) }),
            .section("metrics", \.metrics, metrics),
            .section("prometheus", \.prometheus, prometheus),
            .section("health", \.health, [
                .value("live_path", \.livePath, .urlPath),
                .value("ready_path", \.readyPath, .urlPath),
            ]),
            .section("logging", \.logging, [
                .value("level", \.level, .enumeration),
                .value("format", \.format, .enumeration),
            ]),
            .section("store", \.store, [
                .value("enabled", \.enabled, .enumeration),
                .value("max_spans", \.maxSpans, .int(1...Int.max)),
            ]),
        ]
    }

    static var service: [Field<Config.Service>] {
        [
            .value("name", \.name, .nonEmpty),
            .map("resource", \.resource, keys: .nonEmpty, values: .string, merge: false, name: { $0 }, order: { $0.sorted() }),
            .value("shutdown_grace_period", \.shutdownGracePeriod, .duration),
        ]
    }

    static var prometheus: [Field<Config.PrometheusSettings>] {
        [
            .value("enabled", \.enabled, .bool),
            .value("endpoint", \.endpoint, .listenAddress),
            .value("path", \.path, .urlPath),
        ]
    }

    // MARK: Receivers

    static var receivers: [Field<Config.Receivers>] {
        [
            .section("events", \.events, events),
            .section("otlp", \.otlp, [
                .section("grpc", \.grpc, listener() + [.value("max_message_bytes", \.maxMessageBytes, .size())]),
                .section("http", \.http, listener() + [.value("max_body_bytes", \.maxBodyBytes, .size())]),
            ]),
        ]
    }

    static var events: [Field<Config.EventsReceiver>] {
        [
            .value("enabled", \.enabled, .bool),
            .optional("socket", \.socket, .string),
            .optional("datagram_socket", \.datagramSocket, .string),
        ] + socketAccess.map { .flattened($0, from: \.access) } + [
            .value("max_line_bytes", \.maxLineBytes, .size()),
            .value("max_attributes", \.maxAttributes, .int(1...Int.max)),
            .value("max_depth", \.maxDepth, .int(1...64)),
        ]
    }

    static func listener<R: Config.ListenerReceiver>() -> [Field<R>] {
        [
            .value("enabled", \.enabled, .bool),
            .optional("socket", \.socket, .string),
            .optional("endpoint", \.endpoint, .listenAddress),
        ] + socketAccess.map { .flattened($0, from: \.access) }
    }

    static var socketAccess: [Field<Config.SocketAccess>] {
        [
            .value("socket_mode", \.mode, .octalMode),
            .optional("socket_group", \.group, .string),
            .list("allowed_uids", \.allowedUIDs, .id),
            .list("allowed_gids", \.allowedGIDs, .id),
        ]
    }

    // MARK: Processors

    static var processors: [Field<Config.Processors>] {
        [
            .section("redaction", \.redaction, redaction),
            .section("sampling", \.sampling, [
                .value("sampler", \.sampler, .enumeration),
                .value("ratio", \.ratio, .double(0...1)),
                .value("rate_limit", \.rateLimit, .double(0...Double.greatestFiniteMagnitude)),
                .value("keep_errors", \.keepErrors, .bool),
            ]),
            .section("limits", \.limits, [
                .value("max_attributes", \.maxAttributes, .int()),
                .value("max_attribute_value_length", \.maxAttributeValueLength, .int()),
                .value("max_events", \.maxEvents, .int()),
                .value("max_links", \.maxLinks, .int()),
            ]),
            .section("span_metrics", \.spanMetrics, spanMetrics),
        ]
    }

    static var spanMetrics: [Field<Config.SpanMetricsSettings>] {
        [
            .value("enabled", \.enabled, .bool),
            .value("namespace", \.namespace, .nonEmpty),
            .objects("dimensions", \.dimensions, [
                .value("name", \.name, .nonEmpty),
                .optional("default", \.defaultValue, .string),
            ], make: { Config.SpanMetricsSettings.Dimension(name: "") }),
            .list("duration_buckets", \.durationBuckets, .double(0...Double.greatestFiniteMagnitude)),
            .list("allow_high_cardinality", \.allowHighCardinality, .nonEmpty),
            .objects("attribute_sums", \.attributeSums, [
                .value("attribute", \.attribute, .nonEmpty),
                .list("by", \.by, .nonEmpty),
                .optional("name", \.name, .nonEmpty),
                .value("unit", \.unit, .string),
                .optional("description", \.description, .string),
            ], make: { Config.SpanMetricsSettings.AttributeSum(attribute: "") }),
        ]
    }

    static var metrics: [Field<Config.MetricsSettings>] {
        [
            .value("export_interval", \.exportInterval, .duration),
            .value("cardinality_limit", \.cardinalityLimit, .int(1...Int.max)),
            .value("expiry", \.expiry, .duration),
            .value("max_metrics", \.maxMetrics, .int(1...Int.max)),
            .objects("histograms", \.histograms, [
                .value("name", \.name, .nonEmpty),
                .list("buckets", \.buckets, .double(-Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude)),
            ], make: { Config.HistogramBuckets(name: "", buckets: []) }),
            .value("exponential_histogram_max_buckets", \.exponentialHistogramMaxBuckets, .int(2...160)),
            .list("resource_attributes_as_labels", \.resourceAttributesAsLabels, .nonEmpty),
        ]
    }

    static var redaction: [Field<Config.RedactionSettings>] {
        [
            .value("enabled", \.enabled, .bool),
            .map("builtins", \.builtins, keys: .enumeration, values: .bool, merge: true, name: \.rawValue, order: { keys in
                Config.BuiltinPattern.allCases.filter(keys.contains)
            }),
            .list("blocked_keys", \.blockedKeys, .nonEmpty),
            .optionalList("allowed_keys", \.allowedKeys, .nonEmpty),
            .objects("masks", \.masks, mask, make: { Config.Mask(name: "", pattern: "") }),
            .optional("hash_key", \.hashKey, .secret),
            .optional("hash_key_file", \.hashKeyFile, .string),
            .value("match_limit", \.matchLimit, .int(1...Int.max)),
        ]
    }

    static var mask: [Field<Config.Mask>] {
        [
            .value("name", \.name, .nonEmpty),
            .value("pattern", \.pattern, .nonEmpty),
            .value("replacement", \.replacement, .string),
            .value("action", \.action, .enumeration),
            .optionalList("keys", \.keys, .nonEmpty),
            .list("scope", \.scope, .enumeration),
        ]
    }
}
