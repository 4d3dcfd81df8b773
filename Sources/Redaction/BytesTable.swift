#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A small direct-mapped table from byte strings (plus a one-byte tag) to a one-byte value, per scratch
/// (so per caller, without locks). A lookup is one hash and one comparison; a new entry replaces whatever
/// held its slot, so crafted input can only cause misses, never slow lookups. Filling a slot copies into
/// storage allocated once; nothing is allocated after `init`.
///
/// Used for what the redaction rules decided about strings seen before: clean values
/// (`CleanStringCache`) and key-rule decisions (`KeyDecisionCache`).
class BytesTable {
    let slotCount: Int
    /// `slotCount - 1`: slot counts are powers of two, so a slot is a mask, not a division.
    private let mask: Int
    /// Longer strings are not stored (rarely repeated, costly to compare).
    let maxLength: Int

    private let storage: UnsafeMutablePointer<UInt8>
    /// Per slot: stored length (0: empty), tag and value.
    private let lengths: UnsafeMutablePointer<UInt16>
    private let tags: UnsafeMutablePointer<UInt8>
    private let values: UnsafeMutablePointer<UInt8>

    init(slotCount: Int, maxLength: Int) {
        // A power of two (rounded up), so that a slot is a mask.
        var count = 1
        while count < slotCount { count <<= 1 }
        self.slotCount = count
        mask = count - 1
        self.maxLength = maxLength
        storage = .allocate(capacity: count * maxLength)
        lengths = .allocate(capacity: count)
        tags = .allocate(capacity: count)
        values = .allocate(capacity: count)
        lengths.initialize(repeating: 0, count: count)
        tags.initialize(repeating: 0, count: count)
        values.initialize(repeating: 0, count: count)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        tags.deallocate()
        values.deallocate()
    }

    /// From three words of the string (first, middle, last) and its length: strings up to `maxLength`
    /// bytes are looked up for every attribute value, so the slot hash does not read them whole (a
    /// collision costs a comparison, never a wrong answer).
    @inline(__always)
    final func slot(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8) -> Int {
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(tag)
        let base = UnsafeRawPointer(bytes.baseAddress!)
        if n >= 8 {
            h = (h ^ base.loadUnaligned(as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0x94D0_49BB_1331_11EB
            if n >= 16 { h = (h ^ base.loadUnaligned(fromByteOffset: n / 2 - 4, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9 }
        } else {
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        }
        // The multiplications above carry a byte's influence only upwards, so the slot comes from the high
        // half of a final mix (bytes at the end of a string move the high bits only).
        let mixed = (h ^ (h >> 31)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }

    /// The value stored for `bytes` (1...maxLength long) and `tag`, or nil.
    @inline(__always)
    final func value(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8) -> UInt8? {
        let i = slot(bytes, tag: tag)
        guard Int(lengths[i]) == bytes.count, tags[i] == tag,
              memcmp(storage + i * maxLength, bytes.baseAddress!, bytes.count) == 0 else { return nil }
        return values[i]
    }

    /// Stores `value` for `bytes` (1...maxLength long) and `tag`.
    @inline(__always)
    final func store(_ bytes: UnsafeBufferPointer<UInt8>, tag: UInt8, value: UInt8) {
        let i = slot(bytes, tag: tag)
        (storage + i * maxLength).update(from: bytes.baseAddress!, count: bytes.count)
        lengths[i] = UInt16(bytes.count)
        tags[i] = tag
        values[i] = value
    }
}

/// Strings a rule plan has already found clean. Telemetry repeats itself: span names, methods, tool names,
/// hosts and versions recur in every span. A string that ran through a scope's rules without a change, and
/// without any key-dependent rule being a candidate, gives the same result every time.
final class CleanStringCache: BytesTable {
    static let maxLength = 128

    init() { super.init(slotCount: 512, maxLength: Self.maxLength) }

    /// `bytes` is 1...maxLength long.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>, scope: Int) -> Bool {
        value(bytes, tag: UInt8(truncatingIfNeeded: scope)) != nil
    }

    /// `bytes` is 1...maxLength long.
    func insert(_ bytes: UnsafeBufferPointer<UInt8>, scope: Int) {
        store(bytes, tag: UInt8(truncatingIfNeeded: scope), value: 1)
    }
}

/// The key rules' decisions (`blocked_keys` matched, `allowed_keys` matched) for keys seen before. Attribute
/// keys repeat in every span and the word matching of key patterns costs hundreds of instructions per key.
/// A scratch belongs to one `Redactor`, so to one set of rules.
final class KeyDecisionCache: BytesTable {
    init() { super.init(slotCount: 256, maxLength: 64) }

    struct Decision: OptionSet {
        let rawValue: UInt8
        static let blocked = Decision(rawValue: 1)
        static let allowed = Decision(rawValue: 2)
    }

    /// The decision for `key`, from the cache or from `decide` (then remembered).
    @inline(__always)
    func decision(_ key: String, _ decide: (UnsafeBufferPointer<UInt8>) -> Decision) -> Decision {
        var key = key
        return key.withUTF8 { bytes in
            guard bytes.count > 0, bytes.count <= maxLength else { return decide(bytes) }
            if let v = value(bytes, tag: 0) { return Decision(rawValue: v) }
            let d = decide(bytes)
            store(bytes, tag: 0, value: d.rawValue)
            return d
        }
    }
}
