import SidecarModel

/// Attribute lists as identities: sorted by key, one entry per key (the first one wins, as OTLP requires
/// unique keys). Already-normalized lists (the common case) are returned without copying.
enum AttributeSet {
    @inline(__always)
    static func normalized(_ attributes: [Attribute]) -> [Attribute] {
        if attributes.count < 2 { return attributes }
        var previous = attributes[0].key
        for i in 1..<attributes.count {
            let key = attributes[i].key
            if !(previous < key) { return sortedUnique(attributes) }
            previous = key
        }
        return attributes
    }

    private static func sortedUnique(_ attributes: [Attribute]) -> [Attribute] {
        let sorted = attributes.enumerated().sorted { a, b in
            a.element.key != b.element.key ? a.element.key < b.element.key : a.offset < b.offset
        }
        var out: [Attribute] = []
        out.reserveCapacity(sorted.count)
        for (_, a) in sorted where out.last?.key != a.key { out.append(a) }
        return out
    }
}

/// Identity of a series inside a metric family: interned resource and scope, and the attribute set.
struct SeriesKey: Hashable, Sendable {
    var resource: Int32
    var scope: Int32
    var attributes: [Attribute]

    /// The single overflow series of a family (no resource, no scope).
    static let overflow = SeriesKey(resource: 0, scope: 0, attributes: [Attribute(overflowAttributeKey, .bool(true))])
}

/// The attribute the OTel SDK puts on the overflow series; exposed as `otel_metric_overflow="true"`.
public let overflowAttributeKey = "otel.metric.overflow"

struct ScopeKey: Hashable, Sendable {
    var name: String
    var version: String
    var attributes: [Attribute]

    var isEmpty: Bool { name.isEmpty && version.isEmpty && attributes.isEmpty }
}

/// Interned resources or scopes: id 0 is "none"; entries not seen for the expiry and referenced by no
/// series are forgotten at sweep time.
struct InternTable<Key: Hashable & Sendable>: Sendable {
    private(set) var ids: [Key: Int32] = [:]
    private(set) var entries: [Int32: (key: Key, lastSeen: UInt64)] = [:]
    private var next: Int32 = 1

    mutating func intern(_ key: Key, now: UInt64) -> Int32 {
        if let id = ids[key] {
            entries[id]!.lastSeen = now
            return id
        }
        while entries[next] != nil { next = next == Int32.max ? 1 : next + 1 }
        let id = next
        next = next == Int32.max ? 1 : next + 1
        ids[key] = id
        entries[id] = (key, now)
        return id
    }

    func key(_ id: Int32) -> Key? { entries[id]?.key }

    mutating func forget(olderThan cutoff: UInt64, except live: Set<Int32>) {
        for (id, e) in entries where e.lastSeen < cutoff && !live.contains(id) {
            entries[id] = nil
            ids[e.key] = nil
        }
    }
}
