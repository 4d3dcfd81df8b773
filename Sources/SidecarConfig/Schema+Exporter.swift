extension Schema {
    typealias Exporter = Config.Exporter

    static var exporter: [Field<Exporter>] {
        [
            .value("name", \.name, .string),
            .value("protocol", \.protocol, .enumeration),
            .optional("endpoint", \.endpoint, .string),
            .optional("traces_endpoint", \.tracesEndpoint, .string),
            .optional("metrics_endpoint", \.metricsEndpoint, .string),
            .optional("logs_endpoint", \.logsEndpoint, .string),
            .optional("path", \.path, .string),
            .list("signals", \.signals, .enumeration),
            .map("headers", \.headers, keys: .headerName, values: .secret, merge: false, name: { $0 }, order: { $0.sorted() }),
            .optional("headers_file", \.headersFile, .string),
            .value("compression", \.compression, .enumeration),
            .value("timeout", \.timeout, .duration),
            .value("insecure", \.insecure, .bool),
            .section("tls", \.tls, [
                .optional("ca_file", \.caFile, .string),
                .optional("cert_file", \.certFile, .string),
                .optional("key_file", \.keyFile, .string),
                .optional("server_name", \.serverName, .string),
                .value("insecure_skip_verify", \.insecureSkipVerify, .bool),
            ]),
            .section("queue", \.queue, [
                .value("max_items", \.maxItems, .int(1...Int.max)),
                .value("max_bytes", \.maxBytes, .size()),
                .value("overflow", \.overflow, .enumeration),
                .section("spill", \.spill, [
                    .value("enabled", \.enabled, .bool),
                    .value("directory", \.directory, .nonEmpty),
                    .value("max_bytes", \.maxBytes, .size()),
                    .value("mode", \.mode, .enumeration),
                    .value("fsync", \.fsync, .enumeration),
                    .value("fsync_interval", \.fsyncInterval, .duration),
                ]),
            ]),
            .section("batch", \.batch, [
                .value("max_items", \.maxItems, .int(1...Int.max)),
                .value("max_bytes", \.maxBytes, .size()),
                .value("max_delay", \.maxDelay, .duration),
            ]),
            .section("retry", \.retry, [
                .value("enabled", \.enabled, .bool),
                .value("initial", \.initial, .duration),
                .value("max", \.max, .duration),
                .value("multiplier", \.multiplier, .double(1...1000)),
                .value("randomization", \.randomization, .double(0...1)),
                .value("max_elapsed", \.maxElapsed, .duration),
            ]),
            .section("circuit_breaker", \.circuitBreaker, [
                .value("enabled", \.enabled, .bool),
                .value("failure_threshold", \.failureThreshold, .int(1...Int.max)),
                .value("failure_ratio", \.failureRatio, .double(0...1)),
                .value("window", \.window, .duration),
                .value("min_requests", \.minRequests, .int(1...Int.max)),
                .value("cooldown", \.cooldown, .duration),
                .value("max_cooldown", \.maxCooldown, .duration),
            ]),
        ]
    }
}

extension ValueCodec where Value == String {
    /// An HTTP header name (RFC 9110 token).
    static let headerName = ValueCodec(expected: "a header name", parse: { text in
        let allowed = "!#$%&'*+-.^_`|~"
        let valid = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || (scalar >= "0" && scalar <= "9") || allowed.unicodeScalars.contains(scalar))
        }
        return valid ? .success(text) : .failure(Failure(message: "invalid header name '\(excerpt(text))'"))
    }, render: { .string($0) })
}
