/// Checks across keys, on the final configuration (after file, environment and overrides), so
/// they hold whatever source set the values. Issues point at the key's line when the file set it.
enum Validation {
    static func validate(_ config: SidecarConfiguration, context: inout DecodeContext) {
        validateReceivers(config, &context)
        validateRedaction(config.processors.redaction, &context)
        validateExporters(config.exporters, &context)
        validateListeners(config, &context)
    }

    private static func validateReceivers(_ config: SidecarConfiguration, _ context: inout DecodeContext) {
        let receivers = config.receivers
        if receivers.events.enabled, receivers.events.socket == nil, receivers.events.datagramSocket == nil {
            context.reportAtKey("receivers.events", "enabled, but neither socket nor datagram_socket is set (set enabled: false to turn it off)")
        }
        for (name, enabled, socket, endpoint) in [
            ("grpc", receivers.otlp.grpc.enabled, receivers.otlp.grpc.socket, receivers.otlp.grpc.endpoint),
            ("http", receivers.otlp.http.enabled, receivers.otlp.http.socket, receivers.otlp.http.endpoint),
        ] where enabled && socket == nil && endpoint == nil {
            context.reportAtKey("receivers.otlp.\(name)", "enabled, but both socket and endpoint are empty (set enabled: false to turn it off)")
        }
        var seen: [String: String] = [:]
        let sockets: [(String, Bool, String?)] = [
            ("receivers.events.socket", receivers.events.enabled, receivers.events.socket),
            ("receivers.events.datagram_socket", receivers.events.enabled, receivers.events.datagramSocket),
            ("receivers.otlp.grpc.socket", receivers.otlp.grpc.enabled, receivers.otlp.grpc.socket),
            ("receivers.otlp.http.socket", receivers.otlp.http.enabled, receivers.otlp.http.socket),
        ]
        for (path, enabled, socket) in sockets where enabled {
            guard let socket else { continue }
            if let other = seen[socket] {
                context.reportAtKey(path, "the same socket path as \(other)")
            } else {
                seen[socket] = path
            }
        }
    }

    /// Two TCP listeners on one host and port.
    private static func validateListeners(_ config: SidecarConfiguration, _ context: inout DecodeContext) {
        var listeners: [(String, Config.ListenAddress)] = []
        if config.receivers.otlp.grpc.enabled, let endpoint = config.receivers.otlp.grpc.endpoint {
            listeners.append(("receivers.otlp.grpc.endpoint", endpoint))
        }
        if config.receivers.otlp.http.enabled, let endpoint = config.receivers.otlp.http.endpoint {
            listeners.append(("receivers.otlp.http.endpoint", endpoint))
        }
        if config.prometheus.enabled { listeners.append(("prometheus.endpoint", config.prometheus.endpoint)) }
        for (position, (path, address)) in listeners.enumerated() where address.port != 0 {
            if let other = listeners[..<position].first(where: { $0.1 == address }) {
                context.reportAtKey(path, "\(address) is also \(other.0)")
            }
        }
        let health = config.health
        if health.livePath == health.readyPath {
            context.reportAtKey("health.ready_path", "the same path as health.live_path")
        }
        for (path, value) in [("health.live_path", health.livePath), ("health.ready_path", health.readyPath)] where value == config.prometheus.path {
            context.reportAtKey(path, "the same path as prometheus.path")
        }
    }

    private static func validateRedaction(_ redaction: Config.RedactionSettings, _ context: inout DecodeContext) {
        let base = "processors.redaction"
        if redaction.hashKey != nil, redaction.hashKeyFile != nil {
            context.reportAtKey(base + ".hash_key_file", "set either hash_key or hash_key_file, not both")
        }
        var names: [String: Int] = [:]
        for (index, mask) in redaction.masks.enumerated() {
            let path = "\(base).masks[\(index)]"
            if mask.name.isEmpty {
                context.reportAtKey(path + ".name", "missing required key 'name'")
            } else if let first = names[mask.name] {
                context.reportAtKey(path + ".name", "duplicate mask name '\(excerpt(mask.name))' (also masks[\(first)])")
            } else {
                names[mask.name] = index
            }
            if mask.pattern.isEmpty { context.reportAtKey(path + ".pattern", "missing required key 'pattern'") }
            if mask.scope.isEmpty { context.reportAtKey(path + ".scope", "must name at least one scope") }
            if let duplicate = firstDuplicate(mask.scope) {
                context.reportAtKey(path + ".scope", "'\(duplicate.rawValue)' is listed twice")
            }
            if mask.action == .hash, redaction.hashKey == nil, redaction.hashKeyFile == nil {
                context.reportAtKey(path + ".action", "action 'hash' needs processors.redaction.hash_key or hash_key_file")
            }
        }
    }

    static func firstDuplicate<T: Hashable>(_ values: [T]) -> T? {
        var seen = Set<T>()
        return values.first { !seen.insert($0).inserted }
    }
}
