import SidecarModel
import Testing
@testable import Redaction

/// Key-rule decisions are remembered per scratch (`KeyDecisionCache`): more distinct keys than the cache
/// has slots, in several batches, blocked and allowed keys mixed, must be decided exactly as without it.
@Suite struct KeyCacheTests {
    static func keys() -> [String] {
        (0..<700).map { i in
            switch i % 4 {
            case 0: "app.token.\(i)"         // blocked (`token` is a word)
            case 1: "app.tokens_used.\(i)"   // not blocked: `tokens` is another word
            case 2: "x-api-key-\(i)"         // blocked (`api_key`)
            default: "app.value.\(i)"
            }
        }
    }

    static func masked(_ span: Span) -> Set<String> {
        Set(span.attributes.filter { $0.value == .string(Redactor.keyReplacement) }.map(\.key))
    }

    @Test func blocklistDecisionsSurviveCollisionsAndEviction() {
        let redactor = Fixtures.redactor()
        let keys = Self.keys()
        for round in 0..<3 {
            var data = Fixtures.traces(keys.map { Fixtures.span(attributes: [Attribute($0, "plain value")]) })
            redactor.redact(&data)
            let spans = data.resourceSpans[0].scopeSpans[0].spans
            let masked = spans.reduce(into: Set<String>()) { $0.formUnion(Self.masked($1)) }
            let expected = Set(keys.enumerated().filter { $0.offset % 4 == 0 || $0.offset % 4 == 2 }.map(\.element))
            #expect(masked == expected, "round \(round)")
        }
    }

    @Test func allowlistDecisionsAreCachedSeparately() {
        var settings = Config.RedactionSettings.default
        settings.allowedKeys = ["app.value.*", "app.tokens_used.*", "service.name"]
        let redactor = Fixtures.redactor(settings)
        let keys = Self.keys()
        for round in 0..<3 {
            var data = Fixtures.traces(keys.map { Fixtures.span(attributes: [Attribute($0, "plain value")]) })
            redactor.redact(&data)
            let spans = data.resourceSpans[0].scopeSpans[0].spans
            let masked = spans.reduce(into: Set<String>()) { $0.formUnion(Self.masked($1)) }
            // Allowlist mode: only listed keys keep their values (blocked ones are masked anyway).
            let expected = Set(keys.enumerated().filter { $0.offset % 4 == 0 || $0.offset % 4 == 2 }.map(\.element))
            #expect(!masked.contains { $0.hasPrefix("app.value.") || $0.hasPrefix("app.tokens_used.") })
            #expect(masked == expected, "round \(round)")
        }
    }
}
