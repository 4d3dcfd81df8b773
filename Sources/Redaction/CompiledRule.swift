import Pipeline
import SidecarConfig

/// The scopes of `masks[].scope`, as bits.
struct ScopeSet: OptionSet, Sendable {
    let rawValue: UInt8

    static let spanName = ScopeSet(rawValue: 1 << 0)
    static let attributes = ScopeSet(rawValue: 1 << 1)
    static let eventAttributes = ScopeSet(rawValue: 1 << 2)
    static let linkAttributes = ScopeSet(rawValue: 1 << 3)
    static let logBody = ScopeSet(rawValue: 1 << 4)
    static let metricAttributes = ScopeSet(rawValue: 1 << 5)
    static let resourceAttributes = ScopeSet(rawValue: 1 << 6)
    static let all = ScopeSet(rawValue: 0x7F)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ scope: SidecarConfiguration.RedactionScope) {
        switch scope {
        case .spanName: self = .spanName
        case .attributes: self = .attributes
        case .eventAttributes: self = .eventAttributes
        case .linkAttributes: self = .linkAttributes
        case .logBody: self = .logBody
        case .metricAttributes: self = .metricAttributes
        case .resourceAttributes: self = .resourceAttributes
        }
    }

    /// Index 0...6, for per-scope rule lists.
    var index: Int { rawValue.trailingZeroBitCount }
}

/// The attribute key a value sits under: its own (nearest) key and the top-level attribute's key.
struct KeyContext {
    var nearest: String?
    var top: String?

    static let none = KeyContext(nearest: nil, top: nil)
}

enum RuleKind: String, Sendable {
    case builtin, mask
}

enum RuleAction: Sendable {
    case mask([UInt8])
    /// `[HASH:<name>:<16 hex digits of HMAC-SHA256(key, match)>]`.
    case hash(HMACSHA256, prefix: [UInt8])
    case drop
}

final class Matcher: Sendable {
    let prefilter: Prefilter
    /// Second-stage prefilter: one of these literals must occur (ignoring ASCII case); empty: none.
    let literals: [String]
    let engine: Engine

    enum Engine: Sendable {
        case regex(PCRE2Pattern, Validator?)
        case keyedSecrets
    }

    init(prefilter: Prefilter, literals: [String] = [], engine: Engine) {
        self.prefilter = prefilter
        self.literals = literals
        self.engine = engine
    }
}

/// One value rule (a user mask or a built-in detector), compiled, with its counters.
final class CompiledRule: Sendable {
    let name: String
    let kind: RuleKind
    let matchers: [Matcher]
    let action: RuleAction
    let scopes: ScopeSet
    /// `masks[].keys`: the rule only applies under these keys.
    let keys: KeyPatternSet?
    /// Built-ins: never under these keys.
    let excludedKeys: KeyPatternSet?
    let redactions: Counter
    let limitHits: Counter
    /// What a whole value becomes when a scan hits a limit (fail closed).
    let limitReplacement: [UInt8]

    init(
        name: String, kind: RuleKind, matchers: [Matcher], action: RuleAction, scopes: ScopeSet,
        keys: KeyPatternSet?, excludedKeys: KeyPatternSet?, counters: CounterRegistry
    ) {
        self.name = name
        self.kind = kind
        self.matchers = matchers
        self.action = action
        self.scopes = scopes
        self.keys = keys
        self.excludedKeys = excludedKeys
        let labels = [("kind", kind.rawValue), ("rule", name)]
        redactions = counters.counter(RedactionMetrics.redactions, labels)
        limitHits = counters.counter(RedactionMetrics.limitHits, labels)
        limitReplacement = Array("[REDACTED:\(name):match_limit]".utf8)
    }

    func applies(to keys: KeyContext) -> Bool {
        if let filter = self.keys {
            let hit = (keys.nearest.map(filter.matches) ?? false) || (keys.top.map(filter.matches) ?? false)
            if !hit { return false }
        }
        if let excluded = excludedKeys, let nearest = keys.nearest, excluded.matches(nearest) { return false }
        return true
    }

    enum Result {
        case unchanged
        case changed([UInt8], count: Int)
        case drop
        case limit
    }

    func apply(_ matcher: Matcher, to input: UnsafeBufferPointer<UInt8>, scratch: PCRE2Scratch) -> Result {
        switch matcher.engine {
        case .keyedSecrets:
            let ranges = KeyedSecrets.scan(input)
            if ranges.isEmpty { return .unchanged }
            if case .drop = action { return .drop }
            var out: [UInt8] = []
            out.reserveCapacity(input.count + 16)
            var copied = 0
            for range in ranges {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<range.lowerBound]))
                appendReplacement(to: &out, input, range)
                copied = range.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied...]))
            return .changed(out, count: ranges.count)
        case .regex(let pattern, let validator):
            return applyRegex(pattern, validator, to: input, scratch: scratch)
        }
    }

    private func applyRegex(
        _ pattern: PCRE2Pattern, _ validator: Validator?, to input: UnsafeBufferPointer<UInt8>, scratch: PCRE2Scratch
    ) -> Result {
        var out: [UInt8] = []
        var copied = 0
        var offset = 0
        var count = 0
        if input.count >= PCRE2Pattern.guardThreshold { scratch.startBudget() }
        scan: while offset <= input.count {
            switch pattern.match(input, from: offset, scratch: scratch) {
            case .none:
                break scan
            case .limit:
                return .limit
            case .found(let start, let end):
                if end == start {
                    offset = start + 1
                    continue scan
                }
                var range = start..<end
                if let validator {
                    guard let accepted = validator(input, range) else {
                        offset = start + 1
                        continue scan
                    }
                    range = accepted
                }
                range = Self.snapToCharacters(range, input)
                if range.lowerBound < copied {
                    offset = max(range.upperBound, start + 1)
                    continue scan
                }
                if case .drop = action { return .drop }
                if count == 0 { out.reserveCapacity(input.count + 24) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<range.lowerBound]))
                appendReplacement(to: &out, input, range)
                copied = range.upperBound
                count += 1
                offset = max(range.upperBound, start + 1)
            }
        }
        if count == 0 { return .unchanged }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied...]))
        return .changed(out, count: count)
    }

    private func appendReplacement(to out: inout [UInt8], _ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
        switch action {
        case .mask(let replacement):
            out.append(contentsOf: replacement)
        case .hash(let hmac, let prefix):
            let digest = hmac.authenticate(UnsafeBufferPointer(rebasing: input[range]))
            out.append(contentsOf: prefix)
            for byte in digest.prefix(8) {
                out.append(Self.hex[Int(byte >> 4)])
                out.append(Self.hex[Int(byte & 0xF)])
            }
            out.append(UInt8(ascii: "]"))
        case .drop:
            break
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Widens a byte range so it never splits a UTF-8 sequence (patterns match bytes).
    static func snapToCharacters(_ range: Range<Int>, _ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower > 0, lower < bytes.count, bytes[lower] & 0xC0 == 0x80 { lower -= 1 }
        while upper < bytes.count, bytes[upper] & 0xC0 == 0x80 { upper += 1 }
        return lower..<upper
    }
}
