import Pipeline
import SidecarConfig
import SidecarModel

/// PII redaction (`processors.redaction`): key rules, then value rules (user masks in configuration
/// order, then the enabled built-in detectors in their fixed order), over every scope of a batch.
///
/// Immutable and `Sendable`: one instance serves every event loop; each call borrows its own regex
/// scratch from a pool. Rebuild it to change the configuration.
public final class Redactor: Sendable {
    /// What a value under a blocked (or, in allowlist mode, unlisted) key becomes.
    public static let keyReplacement = "[REDACTED:key]"

    let enabled: Bool
    /// Value rules per scope (``ScopeSet/index``), in run order.
    let rulesByScope: [RulePlan]
    let blocked: KeyPatternSet
    let allowed: KeyPatternSet?
    let blockedCounter: Counter
    let allowedCounter: Counter
    let pool: ScratchPool

    /// Compiles every pattern. Throws all problems at once, each with its key path
    /// (`processors.redaction.masks[2].pattern: …`).
    public convenience init(settings: SidecarConfiguration.RedactionSettings, counters: CounterRegistry) throws(ConfigErrors) {
        try self.init(settings: settings, counters: counters, limits: MatchLimits(matchLimit: UInt32(clamping: settings.matchLimit)))
    }

    init(settings: SidecarConfiguration.RedactionSettings, counters: CounterRegistry, limits: MatchLimits) throws(ConfigErrors) {
        var issues: [ConfigIssue] = []
        var user: [CompiledRule] = []
        let base = "processors.redaction"
        let hmac = settings.hashKey.map { HMACSHA256(key: Array($0.value.utf8)) }
        for (index, mask) in settings.masks.enumerated() {
            let path = "\(base).masks[\(index)]"
            let pattern: PCRE2Pattern
            do {
                pattern = try PCRE2Pattern(mask.pattern)
            } catch {
                issues.append(ConfigIssue(keyPath: path + ".pattern", message: "invalid regular expression at offset \(error.offset): \(error.message)"))
                continue
            }
            let action: RuleAction
            switch mask.action {
            case .mask:
                action = .mask(Array(mask.replacement.utf8))
            case .drop:
                action = .drop
            case .hash:
                guard let hmac else {
                    let why = settings.hashKeyFile == nil
                        ? "action 'hash' needs processors.redaction.hash_key or hash_key_file"
                        : "action 'hash' needs the hash key: hash_key_file was not read"
                    issues.append(ConfigIssue(keyPath: path + ".action", message: why))
                    continue
                }
                action = .hash(hmac, prefix: Array("[HASH:\(mask.name):".utf8))
            }
            user.append(CompiledRule(
                name: mask.name, kind: .mask, matchers: [Matcher(prefilter: .none, engine: .regex(pattern, nil))],
                action: action, scopes: mask.scope.reduce(into: ScopeSet()) { $0.insert(ScopeSet($1)) },
                keys: mask.keys.map(KeyPatternSet.init), excludedKeys: nil, counters: counters
            ))
        }
        var builtins: [CompiledRule] = []
        for pattern in BuiltinDetectors.order where settings.isEnabled(pattern) {
            let spec = BuiltinDetectors.spec(pattern)
            var matchers: [Matcher] = []
            for m in spec.matchers {
                let literals = m.literals
                switch m.engine {
                case .keyedSecrets:
                    matchers.append(Matcher(prefilter: m.prefilter, literals: literals, engine: .keyedSecrets))
                case .regex(let source, let validator):
                    do {
                        matchers.append(Matcher(prefilter: m.prefilter, literals: literals, engine: .regex(try PCRE2Pattern(source), validator)))
                    } catch {
                        // A built-in that does not compile is a bug; fail loudly at start, not at run time.
                        issues.append(ConfigIssue(keyPath: "\(base).builtins.\(pattern.rawValue)", message: "internal pattern error at offset \(error.offset): \(error.message)"))
                    }
                }
            }
            builtins.append(CompiledRule(
                name: pattern.rawValue, kind: .builtin, matchers: matchers,
                action: .mask(Array("[REDACTED:\(pattern.rawValue)]".utf8)), scopes: .all, keys: nil,
                excludedKeys: spec.excludedKeys.isEmpty ? nil : KeyPatternSet(spec.excludedKeys), counters: counters
            ))
        }
        if !issues.isEmpty { throw ConfigErrors(issues: issues) }
        let rules = user + builtins
        rulesByScope = (0..<7).map { index in
            RulePlan(rules.filter { $0.scopes.contains(ScopeSet(rawValue: 1 << UInt8(index))) }, scope: index)
        }
        enabled = settings.enabled
        blocked = KeyPatternSet(settings.blockedKeys)
        allowed = settings.allowedKeys.map(KeyPatternSet.init)
        blockedCounter = counters.counter(RedactionMetrics.redactions, [("kind", "key"), ("rule", "blocked_keys")])
        allowedCounter = counters.counter(RedactionMetrics.redactions, [("kind", "key"), ("rule", "allowed_keys")])
        pool = ScratchPool(limits: limits)
    }

    /// Every problem the configuration's patterns have (for `otel-sidecar validate`); empty when it compiles.
    public static func check(_ settings: SidecarConfiguration.RedactionSettings) -> [ConfigIssue] {
        do {
            _ = try Redactor(settings: settings, counters: CounterRegistry())
            return []
        } catch {
            return error.issues
        }
    }

    /// Masks a batch in place.
    public func redact(_ batch: inout TelemetryBatch) {
        guard enabled else { return }
        switch batch {
        case .traces(var data):
            batch = .metrics(MetricsData())  // release the payload so `data` is uniquely referenced
            redact(&data)
            batch = .traces(data)
        case .metrics(var data):
            batch = .logs(LogsData())
            redact(&data)
            batch = .metrics(data)
        case .logs(var data):
            batch = .metrics(MetricsData())
            redact(&data)
            batch = .logs(data)
        }
    }

    public func redact(_ data: inout TracesData) {
        guard enabled else { return }
        pool.withScratch { RedactionPass(redactor: self, scratch: $0).traces(&data) }
    }

    public func redact(_ data: inout MetricsData) {
        guard enabled else { return }
        pool.withScratch { RedactionPass(redactor: self, scratch: $0).metrics(&data) }
    }

    public func redact(_ data: inout LogsData) {
        guard enabled else { return }
        pool.withScratch { RedactionPass(redactor: self, scratch: $0).logs(&data) }
    }

    /// One line of text masked with the value rules of the `log_body` scope (rules with `keys` do not
    /// apply; `action: drop` blanks the line). For `otel-sidecar redact`.
    public func redactLine(_ line: String) -> String {
        guard enabled else { return line }
        return pool.withScratch { scratch in
            switch StringEngine.run(line, plan: rulesByScope[ScopeSet.logBody.index], keys: .none, scratch: scratch) {
            case .unchanged: return line
            case .replaced(let bytes): return String(decoding: bytes, as: UTF8.self)
            case .drop: return ""
            }
        }
    }
}
