/// A cheap, seeded 64-bit hash over bytes, eight at a time: for the small tables that remember what was
/// seen before (the decoder's string interner, span-metric label sets). A collision
/// only costs a comparison in those tables; where crafted input could pile entries on one chain, callers
/// pass a random seed. About ten times fewer instructions than `Hasher` (SipHash) for short strings.
public struct WordHash {
    @usableFromInline static let k: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The running state (use `finalized` for table slots).
    public var value: UInt64

    @inlinable
    public init(seed: UInt64 = 0) { value = seed }

    @inlinable @inline(__always)
    public mutating func add(word: UInt64) {
        let m = (value ^ word) &* Self.k
        value = (m << 29) | (m >> 35)
    }

    @inlinable
    public mutating func add(bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            add(word: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < n && n >= 8 {
            // The last, partial word: the final eight bytes again (overlapping), plus the length.
            add(word: bytes.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) ^ UInt64(truncatingIfNeeded: n))
            return
        }
        var tail = UInt64(truncatingIfNeeded: n) << 56
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        add(word: tail)
    }

    @inlinable
    public mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { add(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The hash, mixed so that its high bits depend on every byte (take slots from the high bits).
    @inlinable
    public var finalized: UInt64 {
        (value ^ (value >> 31)) &* Self.k
    }

    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var h = WordHash(seed: seed)
        h.add(bytes: bytes)
        return h.finalized
    }
}

extension WordHash {
    /// Adds an attribute value: strings and ints by their contents, other kinds through `Hasher`.
    public mutating func add(_ v: AttributeValue) {
        switch v {
        case .string(let s):
            add(word: 1)
            add(s)
        case .int(let i):
            add(word: 2)
            add(word: UInt64(bitPattern: i))
        default:
            var h = Hasher()
            h.combine(v)
            add(word: 3)
            add(word: UInt64(bitPattern: Int64(h.finalize())))
        }
    }
}
