/// `OTEL_EXPORTER_OTLP_*` and the `_TRACES_`/`_METRICS_`/`_LOGS_` variants, applied to the
/// exporter named `otlp` (see docs/configuration.md, "The OTLP environment variables").
///
/// - Any `*ENDPOINT` variable and no `otlp` exporter in the file: one is created, protocol
///   `http/protobuf`, for all signals when the shared endpoint is set, else for the signals
///   that have their own endpoint.
/// - The shared endpoint goes to `endpoint` (an http base); `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT`
///   to `<signal>_endpoint`, as given. Variables for signals the exporter does not export are ignored.
/// - Other settings: signal variant ?? shared. Signals whose settings equal the shared ones stay
///   in `otlp`; every other signal moves to a copy of it named `otlp-<signal>` (signals
///   `[<signal>]`) with its own settings. If no signal is left, `otlp` keeps its first signal.
struct OTLPEnvironment {
    let overlay: EnvironmentOverlay

    /// The settings that may differ per signal, by variable suffix.
    static let settingKeys = ["PROTOCOL", "HEADERS", "COMPRESSION", "TIMEOUT", "CERTIFICATE", "CLIENT_KEY", "CLIENT_CERTIFICATE", "INSECURE"]

    static func variable(_ key: String, _ signal: Config.Signal?) -> String {
        guard let signal else { return "OTEL_EXPORTER_OTLP_\(key)" }
        return "OTEL_EXPORTER_OTLP_\(signal.rawValue.uppercased())_\(key)"
    }

    /// The variable that supplies `key` for `signal`: its own when set, else the shared one.
    func source(_ key: String, _ signal: Config.Signal?) -> (name: String, value: String)? {
        if let signal, let value = overlay[Self.variable(key, signal)] { return (Self.variable(key, signal), value) }
        return overlay[Self.variable(key, nil)].map { (Self.variable(key, nil), $0) }
    }

    func settings(for signal: Config.Signal?) -> [String?] {
        Self.settingKeys.map { source($0, signal)?.value }
    }

    func apply(to config: inout SidecarConfiguration, context: inout DecodeContext) {
        let sharedEndpoint = overlay[Self.variable("ENDPOINT", nil)]
        var signalEndpoints: [Config.Signal: String] = [:]
        for signal in Config.Signal.allCases {
            signalEndpoints[signal] = overlay[Self.variable("ENDPOINT", signal)]
        }
        let index: Int
        if let existing = config.exporters.firstIndex(where: { $0.name == "otlp" }) {
            index = existing
        } else {
            guard sharedEndpoint != nil || !signalEndpoints.isEmpty else { return }
            var created = Config.Exporter(name: "otlp", protocol: .httpProtobuf)
            created.signals = sharedEndpoint != nil ? Config.Signal.allCases : Config.Signal.allCases.filter { signalEndpoints[$0] != nil }
            index = append(created, to: &config, context: &context)
        }
        let base = "exporters[\(index)]"
        if let sharedEndpoint {
            config.exporters[index].endpoint = sharedEndpoint
            context.mark(base + ".endpoint", keyNode: nil, origin: Self.variable("ENDPOINT", nil))
        }
        for signal in config.exporters[index].signals {
            guard let endpoint = signalEndpoints[signal] else { continue }
            config.exporters[index][signalEndpoint: signal] = endpoint
            context.mark(base + ".\(signal.rawValue)_endpoint", keyNode: nil, origin: Self.variable("ENDPOINT", signal))
        }
        split(at: index, config: &config, context: &context)
    }

    /// Applies the settings, splitting signals whose settings differ from the shared ones.
    private func split(at index: Int, config: inout SidecarConfiguration, context: inout DecodeContext) {
        let shared = settings(for: nil)
        let signals = config.exporters[index].signals
        var staying = signals.filter { settings(for: $0) == shared }
        var moving = signals.filter { settings(for: $0) != shared }
        var stayingSettingsSignal: Config.Signal?
        if staying.isEmpty, let first = moving.first {
            staying = [first]
            moving.removeFirst()
            stayingSettingsSignal = first
        }
        let template = config.exporters[index]
        if !moving.isEmpty {
            config.exporters[index].signals = staying
            for signal in moving { config.exporters[index][signalEndpoint: signal] = nil }
        }
        applySettings(signal: stayingSettingsSignal, to: index, config: &config, context: &context)
        for signal in moving {
            var copy = template
            copy.name = "otlp-\(signal.rawValue)"
            copy.signals = [signal]
            for other in Config.Signal.allCases where other != signal { copy[signalEndpoint: other] = nil }
            let spillExplicit = context.explicit.contains("exporters[\(index)].queue.spill.directory")
            if spillExplicit { copy.queue.spill.directory += "-\(signal.rawValue)" }
            let newIndex = append(copy, to: &config, context: &context)
            if spillExplicit { context.mark("exporters[\(newIndex)].queue.spill.directory", keyNode: nil) }
            applySettings(signal: signal, to: newIndex, config: &config, context: &context)
        }
    }

    private func append(_ exporter: Config.Exporter, to config: inout SidecarConfiguration, context: inout DecodeContext) -> Int {
        config.exporters.append(exporter)
        let index = config.exporters.count - 1
        for key in ["", ".name", ".protocol"] {
            context.mark("exporters[\(index)]" + key, keyNode: nil, origin: "the OTEL_EXPORTER_OTLP_* variables")
        }
        return index
    }

    private func applySettings(signal: Config.Signal?, to index: Int, config: inout SidecarConfiguration, context: inout DecodeContext) {
        let base = "exporters[\(index)]"
        func set<T>(_ key: String, _ keyPath: WritableKeyPath<Config.Exporter, T>, _ field: String, _ codec: ValueCodec<T>) {
            guard let (name, text) = source(key, signal) else { return }
            switch codec.parse(text) {
            case .success(let value):
                config.exporters[index][keyPath: keyPath] = value
                context.mark(base + "." + field, keyNode: nil, origin: name)
            case .failure(let failure):
                context.report(base + "." + field, "\(name): \(failure.message)")
            }
        }
        set("PROTOCOL", \.protocol, "protocol", .otlpProtocol)
        set("COMPRESSION", \.compression, "compression", .enumeration)
        set("TIMEOUT", \.timeout, "timeout", .milliseconds)
        set("CERTIFICATE", \.tls.caFile, "tls.ca_file", .someString)
        set("CLIENT_KEY", \.tls.keyFile, "tls.key_file", .someString)
        set("CLIENT_CERTIFICATE", \.tls.certFile, "tls.cert_file", .someString)
        set("INSECURE", \.insecure, "insecure", .bool)
        if let (name, text) = source("HEADERS", signal) {
            switch EnvironmentOverlay.parseKeyValueList(text) {
            case .success(let pairs):
                for (key, value) in pairs {
                    guard case .success = ValueCodec<String>.headerName.parse(key) else {
                        context.report(base + ".headers", "\(name): invalid header name '\(excerpt(key))'")
                        continue
                    }
                    config.exporters[index].headers[key] = Config.Secret(value)
                }
                context.mark(base + ".headers", keyNode: nil, origin: name)
            case .failure(let failure):
                context.report(base + ".headers", "\(name): \(failure.message)")
            }
        }
    }
}

extension SidecarConfiguration.Exporter {
    /// `traces_endpoint`, `metrics_endpoint` or `logs_endpoint`.
    subscript(signalEndpoint signal: SidecarConfiguration.Signal) -> String? {
        get {
            switch signal {
            case .traces: tracesEndpoint
            case .metrics: metricsEndpoint
            case .logs: logsEndpoint
            }
        }
        set {
            switch signal {
            case .traces: tracesEndpoint = newValue
            case .metrics: metricsEndpoint = newValue
            case .logs: logsEndpoint = newValue
            }
        }
    }
}

extension ValueCodec where Value == Config.ExporterProtocol {
    /// The `OTEL_EXPORTER_OTLP_PROTOCOL` values: no `console`.
    static let otlpProtocol = ValueCodec(expected: "grpc, http/protobuf or http/json", parse: { text in
        if let value = Config.ExporterProtocol(rawValue: text), value != .console { return .success(value) }
        return .failure(Failure(message: "invalid value '\(excerpt(text))'; expected one of grpc, http/protobuf, http/json"))
    }, render: { .plain($0.rawValue) })
}

extension ValueCodec where Value == Duration {
    /// Whole milliseconds, the unit of `OTEL_EXPORTER_OTLP_TIMEOUT`.
    static let milliseconds = ValueCodec(expected: "milliseconds", parse: { text in
        ConfigUnits.parseMilliseconds(text).map { .success($0) }
            ?? .failure(Failure(message: "expected whole milliseconds such as 10000, got '\(excerpt(text))'"))
    }, render: { .plain(ConfigUnits.formatDuration($0)) })
}

extension ValueCodec where Value == String? {
    static let someString = ValueCodec(expected: "a string", parse: { .success($0) }, render: { $0.map { .string($0) } ?? .null })
}
