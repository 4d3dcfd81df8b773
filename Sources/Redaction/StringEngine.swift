/// An ordered rule list for one scope, with every matcher's prefilter laid out flat so the common case
/// (no rule is a candidate) touches no object and no reference count.
final class RulePlan: @unchecked Sendable {
    // Immutable after init; the buffers are owned and freed here.
    let rules: [CompiledRule]
    let prefilters: UnsafeMutableBufferPointer<Prefilter>
    /// For each prefilter slot: the rule index, the matcher index within it, the literal group or -1.
    let slots: UnsafeMutableBufferPointer<(rule: Int32, matcher: Int32, group: Int32)>
    let literals: LiteralIndex

    /// The scope this plan serves (``ScopeSet/index``), for the clean-string cache.
    let scope: Int

    init(_ rules: [CompiledRule], scope: Int) {
        self.rules = rules
        self.scope = scope
        var prefilters: [Prefilter] = []
        var slots: [(rule: Int32, matcher: Int32, group: Int32)] = []
        var groups: [[String]] = []
        for (r, rule) in rules.enumerated() {
            for (m, matcher) in rule.matchers.enumerated() {
                var group: Int32 = -1
                var prefilter = matcher.prefilter
                if !matcher.literals.isEmpty, groups.count < 64 {
                    group = Int32(groups.count)
                    groups.append(matcher.literals)
                    prefilter = Prefilter(mask: prefilter.mask | Features.Signature.literalPair)
                }
                prefilters.append(prefilter)
                slots.append((Int32(r), Int32(m), group))
            }
        }
        self.prefilters = .allocate(capacity: max(1, prefilters.count))
        _ = self.prefilters.initialize(from: prefilters)
        self.slots = .allocate(capacity: max(1, slots.count))
        _ = self.slots.initialize(from: slots)
        count = prefilters.count
        literals = LiteralIndex(groups)
    }

    deinit {
        prefilters.deallocate()
        slots.deallocate()
    }

    let count: Int
    var isEmpty: Bool { rules.isEmpty }
}

/// Runs an ordered rule list over one string.
enum StringEngine {
    enum Outcome {
        case unchanged
        case replaced([UInt8])
        case drop
    }

    static func run(_ input: UnsafeBufferPointer<UInt8>, plan: RulePlan, keys: KeyContext, scratch: PCRE2Scratch) -> Outcome {
        if input.isEmpty || plan.isEmpty { return .unchanged }
        let cacheable = input.count <= CleanStringCache.maxLength
        if cacheable, scratch.cleanCache.contains(input, scope: plan.scope) { return .unchanged }
        var keyDependent = false
        let triples = UnsafePointer(plan.literals.triples)
        var signature = Features(input, triples: triples).signature
        var current: [UInt8]? = nil
        var literalHits: UInt64 = 0
        var literalsKnown = false
        var checkedRule: Int32 = -1
        var ruleApplies = false
        let prefilters = plan.prefilters
        var slot = 0
        while slot < plan.count {
            if !prefilters[slot].passes(signature) {
                slot += 1
                continue
            }
            let (r, m, group) = plan.slots[slot]
            slot += 1
            if group >= 0 {
                if !literalsKnown {
                    literalHits = current.map { c in c.withUnsafeBufferPointer { plan.literals.groups(in: $0) } }
                        ?? plan.literals.groups(in: input)
                    literalsKnown = true
                }
                if literalHits & (1 << UInt64(group)) == 0 { continue }
            }
            let rule = plan.rules[Int(r)]
            if r != checkedRule {
                checkedRule = r
                ruleApplies = rule.applies(to: keys)
                if rule.keys != nil || rule.excludedKeys != nil { keyDependent = true }
            }
            guard ruleApplies else { continue }
            let matcher = rule.matchers[Int(m)]
            let result: CompiledRule.Result
            if let bytes = current {
                result = bytes.withUnsafeBufferPointer { rule.apply(matcher, to: $0, scratch: scratch) }
            } else {
                result = rule.apply(matcher, to: input, scratch: scratch)
            }
            switch result {
            case .unchanged:
                continue
            case .changed(let bytes, let n):
                rule.redactions.add(UInt64(n))
                current = bytes
                signature = bytes.withUnsafeBufferPointer { Features($0, triples: triples) }.signature
                literalsKnown = false
            case .drop:
                rule.redactions.add(1)
                return .drop
            case .limit:
                rule.limitHits.add(1)
                return .replaced(rule.limitReplacement)
            }
        }
        if let current { return .replaced(current) }
        if cacheable, !keyDependent { scratch.cleanCache.insert(input, scope: plan.scope) }
        return .unchanged
    }

    static func run(_ string: String, plan: RulePlan, keys: KeyContext, scratch: PCRE2Scratch) -> Outcome {
        if string.isEmpty || plan.isEmpty { return .unchanged }
        if let outcome = string.utf8.withContiguousStorageIfAvailable({ run($0, plan: plan, keys: keys, scratch: scratch) }) {
            return outcome
        }
        let bytes = Array(string.utf8)
        return bytes.withUnsafeBufferPointer { run($0, plan: plan, keys: keys, scratch: scratch) }
    }
}
