import SidecarModel

/// Strings of one decode, shared when their bytes repeat.
///
/// Telemetry repeats itself: the same attribute keys, span names, hosts and tool names come in every span
/// of a request. A Swift `String` longer than 15 UTF-8 bytes is a heap allocation, so decoding made one
/// allocation (plus a copy and a UTF-8 check) per long string. Here each long string is looked up by a
/// hash of its bytes in a small direct-mapped table first; a repeat is the same `String` again (a retain).
/// Sharing storage also makes later equality checks of these strings (span metrics, redaction caches)
/// succeed on the pointer. A collision only replaces the slot, so crafted input cannot make lookups slow.
final class StringInterner {
    static let slotCount = 256
    /// Shorter strings are stored inline by Swift (no allocation); longer ones are rarely repeated.
    static let minLength = 16
    static let maxLength = 256

    private let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: slotCount)
    private let strings = UnsafeMutablePointer<String>.allocate(capacity: slotCount)

    init() {
        hashes.initialize(repeating: 0, count: Self.slotCount)
        strings.initialize(repeating: "", count: Self.slotCount)
    }

    deinit {
        strings.deinitialize(count: Self.slotCount)
        strings.deallocate()
        hashes.deallocate()
    }

    /// The string of `count` bytes at `p` (`minLength...maxLength`), decoded as `String(decoding:as: UTF8.self)`.
    func string(_ p: UnsafePointer<UInt8>, count n: Int) -> String {
        let h = Self.hash(p, n)
        let i = Int(truncatingIfNeeded: h >> 40) & (Self.slotCount - 1)
        if hashes[i] == h {
            let candidate = strings[i]
            let same = candidate.utf8.count == n && candidate.utf8.withContiguousStorageIfAvailable { stored in
                var k = 0
                while k < n, stored[k] == p[k] { k += 1 }
                return k == n
            } == true
            if same { return candidate }
        }
        let s = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        hashes[i] = h
        strings[i] = s
        return s
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        WordHash.hash(UnsafeRawBufferPointer(start: p, count: n)) | 1  // 0 marks an empty slot
    }
}
