/// Key patterns of `blocked_keys`, `allowed_keys` and `masks[].keys`.
///
/// A pattern without `*` or `?` is a sequence of words; it matches a key whose words contain it as
/// consecutive words. Words are split at every character that is not an ASCII letter or digit
/// (`.`, `_`, `-`, spaces, …), between a lower-case and an upper-case letter (`accessToken`), before the
/// last capital of a run followed by a lower-case letter (`APIKey`) and between letters and digits;
/// comparison ignores ASCII case. So `token` matches `auth_token`, `accessToken` and
/// `http.request.header.x-token`, not `input_tokens` or `tokenizer`; `api_key` matches `x-api-key`
/// and `OPENAI_API_KEY`. A pattern with `*` or `?` is a glob over the whole key, ignoring case
/// (`http.request.header.*`).
struct KeyPatternSet: Sendable {
    private let words: WordPatterns
    private let globs: [[UInt8]]

    var isEmpty: Bool { words.count == 0 && globs.isEmpty }

    init(_ patterns: [String]) {
        var wordLists: [[[UInt8]]] = []
        var globs: [[UInt8]] = []
        for pattern in patterns {
            let bytes = Array(pattern.utf8)
            if bytes.contains(UInt8(ascii: "*")) || bytes.contains(UInt8(ascii: "?")) {
                globs.append(bytes.map(Self.fold))
                continue
            }
            let split = bytes.withUnsafeBufferPointer { buffer in
                Self.words(buffer).map { range in buffer[range].map(Self.fold) }
            }
            if !split.isEmpty { wordLists.append(split) }
        }
        words = WordPatterns(wordLists)
        self.globs = globs
    }

    func matches(_ key: String) -> Bool {
        if isEmpty { return false }
        if let hit = key.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return hit }
        return Array(key.utf8).withUnsafeBufferPointer { matches(bytes: $0) }
    }

    func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if !globs.isEmpty {
            for glob in globs where Self.glob(glob, bytes) { return true }
        }
        return words.count > 0 && words.matches(bytes)
    }

    @inline(__always)
    static func fold(_ b: UInt8) -> UInt8 { b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b }

    enum Kind: UInt8 { case none, lower, upper, digit, other }

    @inline(__always)
    static func kind(_ b: UInt8) -> Kind { kinds[Int(b)] }

    /// Read-only after its one-time initialisation; never freed.
    nonisolated(unsafe) static let kinds: UnsafePointer<Kind> = {
        let table: [Kind] = (0..<256).map { i in
            let b = UInt8(i)
            if b &- UInt8(ascii: "a") < 26 { return .lower }
            if b &- UInt8(ascii: "A") < 26 { return .upper }
            if b &- UInt8(ascii: "0") < 10 { return .digit }
            if b >= 0x80 { return .other }
            return .none
        }
        let storage = UnsafeMutablePointer<Kind>.allocate(capacity: 256)
        storage.initialize(from: table, count: 256)
        return UnsafePointer(storage)
    }()

    /// The word ranges of a key or pattern.
    static func words(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var iterator = WordIterator(bytes)
        while let word = iterator.next() { result.append(word) }
        return result
    }

    /// Yields word ranges without allocating.
    struct WordIterator {
        let bytes: UnsafeBufferPointer<UInt8>
        let kinds = KeyPatternSet.kinds
        var position = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        @inline(__always)
        private func kind(_ b: UInt8) -> Kind { kinds[Int(b)] }

        mutating func next() -> Range<Int>? {
            let n = bytes.count
            while position < n, kind(bytes[position]) == .none { position += 1 }
            guard position < n else { return nil }
            let start = position
            var previous = kind(bytes[position])
            position += 1
            while position < n {
                let k = kind(bytes[position])
                if k == .none { break }
                let boundary: Bool
                switch (previous, k) {
                case (.lower, .upper), (.digit, .lower), (.digit, .upper), (.lower, .digit), (.upper, .digit):
                    boundary = true
                case (.upper, .upper):
                    boundary = position + 1 < n && kind(bytes[position + 1]) == .lower
                default:
                    boundary = false
                }
                if boundary { break }
                previous = k
                position += 1
            }
            return start..<position
        }
    }

    /// Case-insensitive glob: `*` any run, `?` one byte.
    static func glob(_ pattern: [UInt8], _ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var p = 0, t = 0
        var star = -1, mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                star = p
                mark = t
                p += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == fold(text[t]) {
                p += 1
                t += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}

/// The word patterns, flat in owned buffers: for each pattern its words as (offset, length) into one
/// byte buffer, indexed by the first word's length and first byte so a key word is compared only
/// with patterns that could start there.
final class WordPatterns: @unchecked Sendable {
    // Immutable after init; the buffers are owned and freed here.
    let count: Int
    /// Pattern p: words wordStart[p]..<wordStart[p + 1].
    private let wordStart: UnsafeMutablePointer<Int32>
    private let words: UnsafeMutablePointer<(offset: Int32, length: Int32)>
    private let bytes: UnsafeMutablePointer<UInt8>
    /// Bit per (first-word length capped at 63, first byte class) that starts some pattern.
    private let filter: UnsafeMutablePointer<UInt64>

    init(_ patterns: [[[UInt8]]]) {
        count = patterns.count
        wordStart = .allocate(capacity: patterns.count + 1)
        let total = patterns.reduce(0) { $0 + $1.count }
        words = .allocate(capacity: max(1, total))
        let flat = patterns.flatMap { $0.flatMap { $0 } }
        bytes = .allocate(capacity: max(1, flat.count))
        bytes.initialize(from: flat, count: flat.count)
        filter = .allocate(capacity: 64)
        filter.initialize(repeating: 0, count: 64)
        var w = 0, offset = 0
        for (p, pattern) in patterns.enumerated() {
            wordStart[p] = Int32(w)
            for word in pattern {
                words[w] = (Int32(offset), Int32(word.count))
                offset += word.count
                w += 1
            }
            filter[min(pattern[0].count, 63)] |= Self.bit(pattern[0][0])
        }
        wordStart[patterns.count] = Int32(w)
    }

    deinit {
        wordStart.deallocate()
        words.deallocate()
        bytes.deallocate()
        filter.deallocate()
    }

    @inline(__always)
    static func bit(_ b: UInt8) -> UInt64 {
        let f = KeyPatternSet.fold(b)
        if f &- UInt8(ascii: "a") < 26 { return 1 << UInt64(f &- UInt8(ascii: "a")) }
        if f &- UInt8(ascii: "0") < 10 { return 1 << UInt64(26 + f &- UInt8(ascii: "0")) }
        return 1 << 63
    }

    func matches(_ key: UnsafeBufferPointer<UInt8>) -> Bool {
        var iterator = KeyPatternSet.WordIterator(key)
        while let word = iterator.next() {
            guard filter[min(word.count, 63)] & Self.bit(key[word.lowerBound]) != 0 else { continue }
            patterns: for p in 0..<count {
                var rest = iterator
                var range = word
                let first = Int(wordStart[p]), last = Int(wordStart[p + 1])
                for w in first..<last {
                    if w > first {
                        guard let next = rest.next() else { continue patterns }
                        range = next
                    }
                    let (offset, length) = words[w]
                    guard range.count == Int(length) else { continue patterns }
                    var i = 0
                    while i < Int(length) {
                        if KeyPatternSet.fold(key[range.lowerBound + i]) != bytes[Int(offset) + i] { continue patterns }
                        i += 1
                    }
                }
                return true
            }
        }
        return false
    }
}
