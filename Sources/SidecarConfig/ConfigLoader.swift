import Yams

/// Loads the configuration: defaults, then the YAML file, then the `OTEL_*` environment, then
/// `--set` overrides; then checks across keys. Every problem is collected before throwing.
public enum ConfigLoader {
    /// - Parameters:
    ///   - yaml: the file's text; nil means no file (defaults).
    ///   - environment: the process environment, passed in (the library never reads it).
    ///   - overrides: `key.path=value` strings from `--set` flags, highest precedence.
    public static func load(yaml: String?, environment: [String: String], overrides: [String] = []) throws(ConfigErrors) -> SidecarConfiguration {
        let (config, context) = run(yaml: yaml, environment: environment, overrides: overrides)
        guard context.issues.isEmpty else { throw ConfigErrors(issues: context.issues) }
        return config
    }

    /// The whole load, returning what was recorded along the way (for tests).
    static func run(yaml: String?, environment: [String: String], overrides: [String]) -> (SidecarConfiguration, DecodeContext) {
        var context = DecodeContext(environment: environment)
        var config = SidecarConfiguration.default
        if let yaml {
            decodeFile(yaml, into: &config, context: &context)
        }
        context.source = .environment
        EnvironmentOverlay(environment: environment).apply(to: &config, context: &context)
        context.source = .override
        for override in overrides {
            applyOverride(override, to: &config, context: &context)
        }
        deriveDefaults(&config, context: context)
        Validation.validate(config, context: &context)
        return (config, context)
    }

    static func decodeFile(_ yaml: String, into config: inout SidecarConfiguration, context: inout DecodeContext) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .default, .default, .utf8)
        } catch let error as YamlError {
            context.issues.append(issue(for: error))
            return
        } catch {
            context.issues.append(ConfigIssue(keyPath: "", message: "invalid YAML"))
            return
        }
        guard let root else { return }
        if case .mapping = root {
            decodeSection(root, into: &config, fields: Schema.root, path: "", context: &context)
        } else if case .scalar(let scalar) = root, scalar.isNull {
            return
        } else {
            context.report("", "expected a mapping of sections (service, receivers, processors, exporters, …) at the top level", node: root)
        }
    }

    /// A parse error without the file's text (which may hold secrets).
    static func issue(for error: YamlError) -> ConfigIssue {
        func describe(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context else { return "invalid YAML: \(problem)" }
            return "invalid YAML: \(problem) (\(context.text) at line \(context.mark.line))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return ConfigIssue(keyPath: "", message: describe(problem, context), line: mark.line)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigIssue(keyPath: "", message: "duplicate key \(names) in one mapping", line: context.mark.line > 0 ? context.mark.line : nil)
        case .reader(let problem, _, _, _):
            return ConfigIssue(keyPath: "", message: "invalid YAML: \(problem)")
        default:
            return ConfigIssue(keyPath: "", message: "invalid YAML")
        }
    }

    /// Defaults that depend on other keys, where no source set them: a spill directory named
    /// after its exporter, a mask replacement naming its mask.
    static func deriveDefaults(_ config: inout SidecarConfiguration, context: DecodeContext) {
        for index in config.exporters.indices where !context.explicit.contains("exporters[\(index)].queue.spill.directory") {
            config.exporters[index].queue.spill.directory = Config.Exporter.Spill.defaultDirectory(exporterName: config.exporters[index].name)
        }
        for index in config.processors.redaction.masks.indices
        where !context.explicit.contains("processors.redaction.masks[\(index)].replacement") {
            config.processors.redaction.masks[index].replacement = Config.Mask.defaultReplacement(name: config.processors.redaction.masks[index].name)
        }
    }
}
