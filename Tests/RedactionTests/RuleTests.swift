import Pipeline
import SidecarConfig
import SidecarModel
import Testing
@testable import Redaction

/// Rule order, actions, key rules and configuration errors.
struct RuleTests {
    static func masks(_ masks: [Config.Mask], hashKey: String? = nil, builtins: Bool = false) -> Config.RedactionSettings {
        var s = Config.RedactionSettings(blockedKeys: [])
        if !builtins { s.builtins = Dictionary(uniqueKeysWithValues: Config.BuiltinPattern.allCases.map { ($0, false) }) }
        s.masks = masks
        s.hashKey = hashKey.map(Config.Secret.init)
        return s
    }

    @Test func masksRunInConfigurationOrderAndDeterministically() {
        let a = Config.Mask(name: "a", pattern: "secret-[0-9]+")
        let b = Config.Mask(name: "b", pattern: "secret")
        let ab = Fixtures.redactor(Self.masks([a, b]))
        let ba = Fixtures.redactor(Self.masks([b, a]))
        #expect(ab.redactLine("id secret-42") == "id [REDACTED:a]")
        #expect(ba.redactLine("id secret-42") == "id [REDACTED:b]-42")
        for _ in 0..<3 { #expect(ab.redactLine("id secret-42 secret-7") == "id [REDACTED:a] [REDACTED:a]") }
    }

    /// User masks run before the built-ins, so a hash mask on emails wins over the email detector.
    @Test func userMasksBeforeBuiltins() {
        let mask = Config.Mask(name: "mail", pattern: #"[a-z.]+@example\.com"#, action: .hash)
        let r = Fixtures.redactor(Self.masks([mask], hashKey: "k1", builtins: true))
        let out = r.redactLine("to jane@example.com, bob@other.org")
        #expect(out.hasPrefix("to [HASH:mail:"))
        #expect(out.hasSuffix(", [REDACTED:email]"))
    }

    @Test func hashCorrelates() throws {
        let mask = Config.Mask(name: "order", pattern: "ORD-[0-9]{6,}", action: .hash)
        let one = Fixtures.redactor(Self.masks([mask], hashKey: "key-one"))
        let again = Fixtures.redactor(Self.masks([mask], hashKey: "key-one"))
        let other = Fixtures.redactor(Self.masks([mask], hashKey: "key-two"))
        let h1 = one.redactLine("ORD-123456")
        #expect(h1 == again.redactLine("ORD-123456"))
        #expect(h1 != one.redactLine("ORD-123457"))
        #expect(h1 != other.redactLine("ORD-123456"))
        // [HASH:order:<first 8 bytes of HMAC-SHA256(key, match) in hex>]
        let digest = HMACSHA256(key: Array("key-one".utf8)).authenticate(Array("ORD-123456".utf8))
        #expect(h1 == "[HASH:order:\(HMACTests.hex(Array(digest.prefix(8))))]")
    }

    @Test func dropRemovesTheAttributeAndBlanksText() {
        let r = Fixtures.redactor(Self.masks([Config.Mask(name: "internal", pattern: "INTERNAL", action: .drop)]))
        var traces = Fixtures.traces([Fixtures.span(name: "INTERNAL op", attributes: [
            Attribute("a", "ok"), Attribute("b", "INTERNAL note"), Attribute("c", .array(["x", "INTERNAL"])),
            Attribute("m", .map([Attribute("keep", "1"), Attribute("gone", "INTERNAL")])),
        ])])
        r.redact(&traces)
        let span = Fixtures.firstSpan(traces)
        #expect(span.name == "")
        #expect(span.attributes.map(\.key) == ["a", "m"])
        #expect(span.attributes[key: "m"] == .map([Attribute("keep", "1")]))
        #expect(span.droppedAttributesCount == 2)
        #expect(r.redactLine("INTERNAL line") == "")
    }

    @Test func keyFiltersLimitAMask() {
        let mask = Config.Mask(name: "id", pattern: "[0-9]{4,}", keys: ["user_id", "http.request.header.*"])
        let r = Fixtures.redactor(Self.masks([mask]))
        var traces = Fixtures.traces([Fixtures.span(attributes: [
            Attribute("user_id", "12345"), Attribute("order_id", "12345"), Attribute("http.request.header.x-user", "98765"),
            Attribute("profile", .map([Attribute("userId", "55555")])),
        ])])
        r.redact(&traces)
        let attrs = Fixtures.firstSpan(traces).attributes
        #expect(attrs[key: "user_id"] == .string("[REDACTED:id]"))
        #expect(attrs[key: "order_id"] == .string("12345"))
        #expect(attrs[key: "http.request.header.x-user"] == .string("[REDACTED:id]"))
        #expect(attrs[key: "profile"] == .map([Attribute("userId", "[REDACTED:id]")]))  // `userId` is the words user, id
        #expect(r.redactLine("user_id 12345") == "user_id 12345")  // masks with keys never apply without a key
    }

    @Test func blockedKeyWords() {
        let r = Fixtures.redactor(Config.RedactionSettings(builtins: [:]))
        var traces = Fixtures.traces([Fixtures.span(attributes: [
            Attribute("http.request.header.x-api-key", "k"), Attribute("accessToken", "t"), Attribute("OPENAI_API_KEY", "k"),
            Attribute("gen_ai.usage.input_tokens", .int(12)), Attribute("tokenizer", "cl100k"), Attribute("db.password", "p"),
            Attribute("http.response.header.set-cookie", "s=1"), Attribute("user.name", "jane"),
        ])])
        r.redact(&traces)
        let masked = Fixtures.firstSpan(traces).attributes.filter { $0.value == .string(Redactor.keyReplacement) }.map(\.key)
        #expect(masked == ["http.request.header.x-api-key", "accessToken", "OPENAI_API_KEY", "db.password", "http.response.header.set-cookie"])
    }

    @Test func allowlistFailsClosed() {
        var settings = Config.RedactionSettings(builtins: [:], allowedKeys: ["service.name", "http.*", "user_agent"])
        settings.blockedKeys = ["authorization"]
        let counters = CounterRegistry()
        let r = Fixtures.redactor(settings, counters: counters)
        var traces = Fixtures.traces([Fixtures.span(attributes: [
            Attribute("http.method", "GET"), Attribute("http.request.header.authorization", "Bearer x"), Attribute("user.name", "jane"),
            Attribute("user_agent", .map([Attribute("name", "curl")])), Attribute("empty", .empty),
        ])])
        r.redact(&traces)
        let attrs = Fixtures.firstSpan(traces).attributes
        #expect(attrs[key: "http.method"] == .string("GET"))
        #expect(attrs[key: "http.request.header.authorization"] == .string(Redactor.keyReplacement))  // blocked wins
        #expect(attrs[key: "user.name"] == .string(Redactor.keyReplacement))
        #expect(attrs[key: "user_agent"] == .map([Attribute("name", "curl")]))  // allowlist is for top-level keys
        #expect(attrs[key: "empty"] == .empty)
        #expect(traces.resourceSpans[0].resource?.attributes[key: "service.name"] == .string("svc"))
        #expect(counters.value(RedactionMetrics.redactions, [("kind", "key"), ("rule", "allowed_keys")]) == 2)
        #expect(counters.value(RedactionMetrics.redactions, [("kind", "key"), ("rule", "blocked_keys")]) == 1)
    }

    @Test func builtinsSwitchOffByName() {
        var settings = Config.RedactionSettings()
        settings.builtins[.email] = false
        let r = Fixtures.redactor(settings)
        #expect(r.redactLine("jane@example.com 10.1.2.3") == "jane@example.com [REDACTED:ipv4]")
    }

    @Test func countersCountRulesNeverValues() {
        let counters = CounterRegistry()
        let r = Fixtures.redactor(counters: counters)
        _ = r.redactLine("a@example.com b@example.com 4111111111111111")
        #expect(counters.value(RedactionMetrics.redactions, [("kind", "builtin"), ("rule", "email")]) == 2)
        #expect(counters.value(RedactionMetrics.redactions, [("kind", "builtin"), ("rule", "card")]) == 1)
        for c in counters.snapshot() {
            #expect(!c.labels.contains { $0.1.contains("@") || $0.1.contains("4111") })
        }
    }

    @Test func configurationErrorsCarryKeyPaths() {
        var settings = Self.masks([
            Config.Mask(name: "ok", pattern: "a+"),
            Config.Mask(name: "bad", pattern: "(unclosed"),
            Config.Mask(name: "h", pattern: "x", action: .hash),
        ])
        settings.hashKey = nil
        let issues = Redactor.check(settings)
        #expect(issues.map(\.keyPath) == ["processors.redaction.masks[1].pattern", "processors.redaction.masks[2].action"])
        #expect(issues[0].message.contains("offset 9"))
        #expect(issues[0].message.contains("missing closing parenthesis"))
        var config = Config.Processors.default
        config.redaction = settings
        #expect(throws: ConfigErrors.self) { try Processors(config: config, counters: CounterRegistry()) }
        #expect(Processors.check(.default).isEmpty)
    }

    /// Patterns match bytes; a match inside a multi-byte character widens to the whole character.
    @Test func replacementsKeepUTF8Whole() {
        let r = Fixtures.redactor(Self.masks([Config.Mask(name: "x", pattern: #"\xa9"#, replacement: "[X]")]))
        #expect(r.redactLine("café ok") == "caf[X] ok")
    }
}
