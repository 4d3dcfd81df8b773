import Pipeline
import SidecarModel
import Testing
@testable import Redaction

/// User patterns that backtrack catastrophically (or polynomially) against 100 KB strings: the scan
/// returns, the limit counter moves and the value is masked whole. No timing assertions.
struct ReDoSTests {
    static let hundredKB = String(repeating: "a", count: 100_000) + "!"

    @Test(arguments: [#"(a+)+$"#, #"(.*a){20}"#, #"(a|aa)+$"#, #"^(\w+\s?)*$"#, #"(a|a?)+$"#, #"([a-z]+)*[0-9]$"#])
    func catastrophicPatternsHitTheLimit(pattern: String) throws {
        let counters = CounterRegistry()
        var settings = Config.RedactionSettings(builtins: [:], blockedKeys: [])
        settings.masks = [Config.Mask(name: "evil", pattern: pattern)]
        let redactor = try Redactor(settings: settings, counters: counters)
        var traces = Fixtures.traces([Fixtures.span(attributes: [Attribute("body", .string(Self.hundredKB))])])
        redactor.redact(&traces)
        let maskedWhole = Fixtures.firstSpan(traces).attributes[key: "body"] == .string("[REDACTED:evil:match_limit]")
        #expect(maskedWhole)
        #expect(counters.value(RedactionMetrics.limitHits, [("kind", "mask"), ("rule", "evil")]) == 1)
    }

    /// Polynomial blow-ups that no backtracking limit counts (a possessive scan at every start) are
    /// stopped by the time budget of guarded scans.
    @Test(arguments: [#"(?:[a-z]|[a-y])*+[0-9]"#, #"a{1,50000}[0-9]"#, #"(?=(a*))\1[0-9]"#])
    func polynomialPatternsHitTheTimeBudget(pattern: String) throws {
        let counters = CounterRegistry()
        var settings = Config.RedactionSettings(builtins: [:], blockedKeys: [])
        settings.masks = [Config.Mask(name: "slow", pattern: pattern)]
        var limits = MatchLimits(matchLimit: 100_000)
        limits.scanBudgetNanos = 20_000_000
        let redactor = try Redactor(settings: settings, counters: counters, limits: limits)
        let maskedWhole = redactor.redactLine(Self.hundredKB) == "[REDACTED:slow:match_limit]"
        #expect(maskedWhole)
        #expect(counters.value(RedactionMetrics.limitHits, [("kind", "mask"), ("rule", "slow")]) == 1)
    }

    /// The built-in detectors stay linear on long inputs and never hit a limit on ordinary text.
    @Test func builtinsOnLongInputs() {
        let counters = CounterRegistry()
        let redactor = Fixtures.redactor(counters: counters)
        let long = String(repeating: "user 4111 1111 1111 1111 at 10.0.0.1 mail a@b.io tel +49 30 1234567; ", count: 2000)
        let out = redactor.redactLine(long)
        #expect(!out.contains("4111 1111 1111 1111"))
        #expect(!out.contains("a@b.io"))
        #expect(!counters.snapshot().contains { $0.name == RedactionMetrics.limitHits && $0.value > 0 })
    }
}
