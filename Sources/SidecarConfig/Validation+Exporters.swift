extension Validation {
    static func validateExporters(_ exporters: [Config.Exporter], _ context: inout DecodeContext) {
        var names: [String: Int] = [:]
        var spillDirectories: [String: Int] = [:]
        for (index, exporter) in exporters.enumerated() {
            let base = "exporters[\(index)]"
            if exporter.name.isEmpty {
                context.reportAtKey(base + ".name", "missing required key 'name'")
            } else if !isValidName(exporter.name) {
                context.reportAtKey(base + ".name", "invalid name '\(excerpt(exporter.name))'; use lowercase letters, digits, '_' and '-'")
            } else if let first = names[exporter.name] {
                context.reportAtKey(base + ".name", "duplicate exporter name '\(excerpt(exporter.name))' (also exporters[\(first)])")
            } else {
                names[exporter.name] = index
            }
            if !context.explicit.contains(base + ".protocol") {
                let choices = Config.ExporterProtocol.allCases.map(\.rawValue).joined(separator: ", ")
                context.reportAtKey(base + ".protocol", "missing required key 'protocol'; expected one of \(choices)")
            }
            validateEndpoints(exporter, base, &context)
            validateDelivery(exporter, base, &context)
            if exporter.queue.spill.enabled {
                if let first = spillDirectories[exporter.queue.spill.directory] {
                    context.reportAtKey(base + ".queue.spill.directory", "the same directory as exporters[\(first)]; each exporter needs its own")
                } else {
                    spillDirectories[exporter.queue.spill.directory] = index
                }
            }
        }
    }

    private static func isValidName(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-" }
    }

    private static func validateEndpoints(_ exporter: Config.Exporter, _ base: String, _ context: inout DecodeContext) {
        if exporter.signals.isEmpty { context.reportAtKey(base + ".signals", "must name at least one signal") }
        if let duplicate = firstDuplicate(exporter.signals) {
            context.reportAtKey(base + ".signals", "'\(duplicate.rawValue)' is listed twice")
        }
        let keyed: [(String, String?)] = [
            ("endpoint", exporter.endpoint), ("traces_endpoint", exporter.tracesEndpoint),
            ("metrics_endpoint", exporter.metricsEndpoint), ("logs_endpoint", exporter.logsEndpoint),
        ]
        if exporter.protocol == .console {
            for (key, value) in keyed where value != nil {
                context.reportAtKey(base + "." + key, "the console exporter takes no endpoint; it writes to stdout, or to 'path'")
            }
            return
        }
        if exporter.path != nil {
            context.reportAtKey(base + ".path", "'path' is for the console exporter; use 'endpoint'")
        }
        for (key, value) in keyed {
            guard let value else { continue }
            if case .failure(let failure) = EndpointParser.parse(value, protocol: exporter.protocol, insecure: exporter.insecure) {
                context.reportAtKey(base + "." + key, failure.message)
            }
        }
        let missing = exporter.signals.filter { exporter.endpoint(for: $0) == nil }
        if !missing.isEmpty {
            let names = missing.map(\.rawValue).joined(separator: ", ")
            context.reportAtKey(base + ".endpoint", "missing required key 'endpoint' (no endpoint for \(names))")
        }
        if (exporter.tls.certFile == nil) != (exporter.tls.keyFile == nil) {
            let path = exporter.tls.certFile == nil ? ".tls.key_file" : ".tls.cert_file"
            context.reportAtKey(base + path, "cert_file and key_file must be set together")
        }
    }

    private static func validateDelivery(_ exporter: Config.Exporter, _ base: String, _ context: inout DecodeContext) {
        if exporter.timeout <= .zero { context.reportAtKey(base + ".timeout", "must be more than 0s") }
        let queue = exporter.queue, batch = exporter.batch
        if batch.maxBytes > queue.maxBytes {
            context.reportAtKey(base + ".batch.max_bytes", "\(ConfigUnits.formatSize(batch.maxBytes)) is more than queue.max_bytes (\(ConfigUnits.formatSize(queue.maxBytes)))")
        }
        if batch.maxItems > queue.maxItems {
            context.reportAtKey(base + ".batch.max_items", "\(batch.maxItems) is more than queue.max_items (\(queue.maxItems))")
        }
        if queue.spill.enabled, queue.spill.fsync == .interval, queue.spill.fsyncInterval <= .zero {
            context.reportAtKey(base + ".queue.spill.fsync_interval", "must be more than 0s with fsync: interval")
        }
        let retry = exporter.retry
        if retry.initial <= .zero { context.reportAtKey(base + ".retry.initial", "must be more than 0s") }
        if retry.initial > retry.max {
            context.reportAtKey(base + ".retry.initial", "\(ConfigUnits.formatDuration(retry.initial)) is more than retry.max (\(ConfigUnits.formatDuration(retry.max)))")
        }
        let breaker = exporter.circuitBreaker
        if breaker.window <= .zero { context.reportAtKey(base + ".circuit_breaker.window", "must be more than 0s") }
        if breaker.cooldown <= .zero { context.reportAtKey(base + ".circuit_breaker.cooldown", "must be more than 0s") }
        if breaker.cooldown > breaker.maxCooldown {
            context.reportAtKey(
                base + ".circuit_breaker.cooldown",
                "\(ConfigUnits.formatDuration(breaker.cooldown)) is more than circuit_breaker.max_cooldown (\(ConfigUnits.formatDuration(breaker.maxCooldown)))"
            )
        }
    }
}
