/// A cheap test on a string's ``Features`` that must pass before a matcher runs at all, compiled to a
/// bit mask over ``Features/signature`` so the common case is one AND and one compare per matcher.
struct Prefilter: Sendable, Equatable {
    /// The signature bits a string must have.
    let mask: UInt64

    /// Passes every string (user masks).
    static let none = Prefilter(mask: 0)

    init(mask: UInt64) { self.mask = mask }

    /// `all`: every one of these ``Features/Flag`` bits; `any`: at least one of them (only the pairs
    /// ``Features/Signature`` precomputes); thresholds: only the values ``Features/Signature`` has bits for.
    init(all: UInt32 = 0, any: UInt32 = 0, digits: Int = 0, dots: Int = 0, colons: Int = 0, cardDigits: Int = 0,
         phoneDigits: Int = 0, ibanShape: Bool = false) {
        typealias S = Features.Signature
        var m = UInt64(all)
        if any != 0 {
            // safe: `any` sets come only from the built-in detector table.
            guard let bit = S.anyBits[any] else { preconditionFailure("no signature bit for this 'any' set") }
            m |= bit
        }
        m |= S.bit(for: digits, in: S.digits)
        m |= S.bit(for: dots, in: S.dots)
        m |= S.bit(for: colons, in: S.colons)
        m |= S.bit(for: cardDigits, in: S.cardDigits)
        m |= S.bit(for: phoneDigits, in: S.phoneDigits)
        if ibanShape { m |= S.ibanShape }
        mask = m
    }

    @inline(__always)
    func passes(_ signature: UInt64) -> Bool { signature & mask == mask }
}

/// "Contains one of these literals", ignoring ASCII case, for every literal group at once: matchers that
/// need a keyword or a fixed token prefix (`bearer`, `eyJ`, `ghp_`, `xox`, …) name a group.
///
/// ``Features`` tests each byte triple of a string against ``triples`` (a 65536-bit hashed set of the
/// literals' first three bytes in every case) in its first pass; only when one is present and a gated
/// matcher's ``Prefilter`` passed does ``groups(in:)`` compare whole literals, at those positions only.
final class LiteralIndex: @unchecked Sendable {
    // Immutable after init; the buffers are owned and freed here.
    let triples: UnsafeMutablePointer<UInt64>
    /// Per triple bucket (`hash % bucketCount`), the range of `entries`.
    private let starts: UnsafeMutablePointer<Int32>
    private let entries: UnsafeMutableBufferPointer<(offset: Int32, length: Int32, group: Int32)>
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    private let fold: UnsafeMutablePointer<UInt8>
    private static let bucketCount = 509

    /// The 16-bit hash of the three bytes ending a 24-bit window.
    @inline(__always)
    static func tripleHash(_ window: UInt32) -> Int { Int(((window & 0xFF_FFFF) &* 0x9E37_79B1) >> 16) }

    /// `groups[g]` is the literal list of group `g` (at most 64 groups; literals of three bytes or more).
    init(_ groups: [[String]]) {
        // safe: StringEngine caps the groups at 64 before calling.
        precondition(groups.count <= 64)
        fold = .allocate(capacity: 256)
        for b in 0..<256 { fold[b] = KeyPatternSet.fold(UInt8(b)) }
        triples = .allocate(capacity: 1024)
        triples.initialize(repeating: 0, count: 1024)
        var list: [(bucket: Int, literal: [UInt8], group: Int32)] = []
        for (g, literals) in groups.enumerated() {
            for literal in literals {
                let folded = literal.utf8.map(KeyPatternSet.fold)
                // safe: literals come only from the built-in detectors, all of three bytes or more.
                precondition(folded.count >= 3, "literal prefilters need three bytes")
                for a in Self.cases(folded[0]) {
                    for b in Self.cases(folded[1]) {
                        for c in Self.cases(folded[2]) {
                            let h = Self.tripleHash(UInt32(a) << 16 | UInt32(b) << 8 | UInt32(c))
                            triples[h >> 6] |= 1 << UInt64(h & 63)
                        }
                    }
                }
                let h = Self.tripleHash(UInt32(folded[0]) << 16 | UInt32(folded[1]) << 8 | UInt32(folded[2]))
                list.append((h % Self.bucketCount, folded, Int32(g)))
            }
        }
        list.sort { $0.bucket < $1.bucket }
        starts = .allocate(capacity: Self.bucketCount + 1)
        var index = 0
        for bucket in 0...Self.bucketCount {
            while index < list.count, list[index].bucket < bucket { index += 1 }
            starts[bucket] = Int32(index)
        }
        entries = .allocate(capacity: max(1, list.count))
        var flat: [UInt8] = []
        for (i, item) in list.enumerated() {
            entries[i] = (Int32(flat.count), Int32(item.literal.count), item.group)
            flat += item.literal
        }
        bytes = .allocate(capacity: max(1, flat.count))
        _ = bytes.initialize(from: flat)
    }

    private static func cases(_ b: UInt8) -> [UInt8] {
        b &- UInt8(ascii: "a") < 26 ? [b, b & ~0x20] : [b]
    }

    deinit {
        fold.deallocate()
        triples.deallocate()
        starts.deallocate()
        entries.deallocate()
        bytes.deallocate()
    }

    /// Bit `g` set when a literal of group `g` occurs in `text`.
    func groups(in text: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = text.count
        guard n >= 3 else { return 0 }
        var hits: UInt64 = 0
        var window = UInt32(fold[Int(text[0])]) << 8 | UInt32(fold[Int(text[1])])
        var i = 2
        while i < n {
            window = window << 8 | UInt32(fold[Int(text[i])])
            i += 1
            let h = Self.tripleHash(window)
            guard triples[h >> 6] & (1 << UInt64(h & 63)) != 0 else { continue }
            let start = i - 3
            let bucket = h % Self.bucketCount
            var e = Int(starts[bucket])
            let end = Int(starts[bucket + 1])
            while e < end {
                let entry = entries[e]
                e += 1
                let length = Int(entry.length)
                guard start + length <= n else { continue }
                let base = Int(entry.offset)
                var j = 0
                while j < length, fold[Int(text[start + j])] == bytes[base + j] { j += 1 }
                if j == length { hits |= 1 << UInt64(entry.group) }
            }
        }
        return hits
    }
}
