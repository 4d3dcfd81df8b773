#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The key rules' decisions (`blocked_keys` matched, `allowed_keys` matched) for keys seen before, per
/// scratch (so per caller, without locks; a scratch belongs to one `Redactor`, so to one set of rules).
///
/// Attribute keys repeat in every span (`mcp.tool.name`, `server.address`, …) and the word matching of
/// key patterns costs hundreds of instructions per key: a direct-mapped table answers a repeated key with
/// one hash and one comparison. Nothing is allocated after `init`.
final class KeyDecisionCache {
    static let slotCount = 256
    /// Longer keys are decided without the cache.
    static let maxLength = 64

    struct Decision: OptionSet {
        let rawValue: UInt8
        static let blocked = Decision(rawValue: 1)
        static let allowed = Decision(rawValue: 2)
    }

    private let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount * maxLength)
    /// Per slot: stored length (0: empty) and the decision.
    private let lengths = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount)
    private let decisions = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount)

    init() {
        lengths.initialize(repeating: 0, count: Self.slotCount)
        decisions.initialize(repeating: 0, count: Self.slotCount)
    }

    deinit {
        storage.deallocate()
        lengths.deallocate()
        decisions.deallocate()
    }

    /// The decision for `key`, from the cache or from `decide` (then remembered).
    @inline(__always)
    func decision(_ key: String, _ decide: (UnsafeBufferPointer<UInt8>) -> Decision) -> Decision {
        var key = key
        return key.withUTF8 { bytes in
            guard bytes.count > 0, bytes.count <= Self.maxLength else { return decide(bytes) }
            let i = CleanStringCache.slot(bytes, scope: 0xFE) % Self.slotCount
            let slot = storage + i * Self.maxLength
            if Int(lengths[i]) == bytes.count, memcmp(slot, bytes.baseAddress!, bytes.count) == 0 {
                return Decision(rawValue: decisions[i])
            }
            let d = decide(bytes)
            slot.update(from: bytes.baseAddress!, count: bytes.count)
            lengths[i] = UInt8(bytes.count)
            decisions[i] = d.rawValue
            return d
        }
    }
}
