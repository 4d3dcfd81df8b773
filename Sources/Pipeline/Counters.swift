import Synchronization

/// A monotonically increasing count, cheap to bump from any thread.
public final class Counter: Sendable {
    public let name: String
    public let labels: [(String, String)]
    private let storage = Atomic<UInt64>(0)

    init(name: String, labels: [(String, String)]) {
        self.name = name
        self.labels = labels
    }

    @inline(__always)
    public func add(_ n: UInt64 = 1) {
        storage.add(n, ordering: .relaxed)
    }

    public var value: UInt64 { storage.load(ordering: .relaxed) }
}


/// The sidecar's own counters, by name and labels. Handles are created once and cached by their users;
/// label values must be of low cardinality (receiver, signal, reason, exporter).
public final class CounterRegistry: Sendable {
    private struct Key: Hashable {
        var name: String
        var labels: [String]
    }

    private let counters = Mutex<[Key: Counter]>([:])

    public init() {}

    public func counter(_ name: String, _ labels: [(String, String)] = []) -> Counter {
        let key = Key(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        return counters.withLock { map in
            if let c = map[key] { return c }
            let c = Counter(name: name, labels: labels)
            map[key] = c
            return c
        }
    }

    /// All counters, sorted by name then labels, for exposition and tests.
    public func snapshot() -> [(name: String, labels: [(String, String)], value: UInt64)] {
        let all = counters.withLock { Array($0.values) }
        return all.map { (name: $0.name, labels: $0.labels, value: $0.value) }
            .sorted { ($0.name, $0.labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")) < ($1.name, $1.labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")) }
    }

    /// The value of one counter (0 when it was never created).
    public func value(_ name: String, _ labels: [(String, String)] = []) -> UInt64 {
        let key = Key(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        return counters.withLock { $0[key]?.value ?? 0 }
    }
}
