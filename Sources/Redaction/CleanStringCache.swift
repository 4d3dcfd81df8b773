#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Strings a rule plan has already found clean, per scratch (so per caller, without locks).
///
/// Telemetry repeats itself: span names, methods, tool names, hosts and versions recur in every span. A
/// string that ran through a scope's rules without a change, and without any key-dependent rule being a
/// candidate, gives the same result every time, so its bytes are remembered in a small direct-mapped
/// table and the next identical string is answered with one hash and one comparison.
final class CleanStringCache {
    static let slotCount = 512
    /// Strings longer than this are not remembered (rarely repeated, costly to compare).
    static let maxLength = 128

    /// `slotCount` slots of `maxLength` bytes; filling a slot copies, never allocates.
    private let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount * maxLength)
    /// Per slot: stored length (0: empty) and scope.
    private let lengths = UnsafeMutablePointer<UInt16>.allocate(capacity: slotCount)
    private let scopes = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount)

    init() {
        lengths.initialize(repeating: 0, count: Self.slotCount)
        scopes.initialize(repeating: 0xFF, count: Self.slotCount)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        scopes.deallocate()
    }

    @inline(__always)
    static func slot(_ bytes: UnsafeBufferPointer<UInt8>, scope: Int) -> Int {
        let n = bytes.count
        var h = UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: scope)
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
        return Int(truncatingIfNeeded: mixed >> 32) % slotCount
    }

    /// `bytes` is 1...maxLength long.
    func contains(_ bytes: UnsafeBufferPointer<UInt8>, scope: Int) -> Bool {
        let i = Self.slot(bytes, scope: scope)
        guard Int(lengths[i]) == bytes.count, scopes[i] == UInt8(truncatingIfNeeded: scope) else { return false }
        return memcmp(storage + i * Self.maxLength, bytes.baseAddress!, bytes.count) == 0
    }

    /// `bytes` is 1...maxLength long.
    func insert(_ bytes: UnsafeBufferPointer<UInt8>, scope: Int) {
        let i = Self.slot(bytes, scope: scope)
        (storage + i * Self.maxLength).update(from: bytes.baseAddress!, count: bytes.count)
        lengths[i] = UInt16(bytes.count)
        scopes[i] = UInt8(truncatingIfNeeded: scope)
    }
}
