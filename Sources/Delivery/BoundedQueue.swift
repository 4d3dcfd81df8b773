import SidecarConfig
import SidecarModel

/// One encoded piece of received data waiting in memory.
public struct QueuedChunk: Sendable {
    public var batch: EncodedBatch
    public var enqueuedAt: Duration
    /// Arrival order across all signals (drop-oldest evicts the smallest).
    var sequence: UInt64

    public var signal: Signal { batch.signal }
    public var items: Int { batch.itemCount }
    public var bytes: Int { batch.byteCount }
}

/// The in-memory queue of one exporter: bounded in items AND encoded bytes, both checked at intake, with
/// one FIFO lane per signal (a batch is of one signal) and arrival order kept across lanes for drop-oldest.
///
/// A plain value: the delivery core keeps it under its lock together with the accounting, so a move between
/// "queued", "in flight" and "dropped" is one atomic step.
public struct BoundedQueue: Sendable {
    public struct Capacity: Sendable, Equatable {
        public var maxItems: Int
        public var maxBytes: Int

        public init(maxItems: Int, maxBytes: Int) {
            self.maxItems = max(1, maxItems)
            self.maxBytes = max(1, maxBytes)
        }
    }

    public enum OfferResult: Sendable, Equatable {
        /// Queued; `evicted` items per signal were dropped to make room (drop-oldest).
        case queued(evicted: SignalCounts)
        /// Not queued: the queue is full (drop-newest and refuse policies).
        case full
        /// Not queued: the chunk alone is larger than the whole queue.
        case tooLarge
    }

    public let capacity: Capacity
    public let policy: SidecarConfiguration.OverflowPolicy
    public private(set) var items = 0
    public private(set) var bytes = 0
    private var lanes: [FIFO<QueuedChunk>] = [FIFO(), FIFO(), FIFO()]
    private var laneItems = SignalCounts()
    private var laneBytes = SignalCounts()
    private var nextSequence: UInt64 = 0

    public init(capacity: Capacity, policy: SidecarConfiguration.OverflowPolicy) {
        self.capacity = capacity
        self.policy = policy
    }

    public var isEmpty: Bool { items == 0 && lanes.allSatisfy(\.isEmpty) }

    public func items(of s: Signal) -> Int { laneItems[s] }
    public func bytes(of s: Signal) -> Int { laneBytes[s] }
    public func oldestEnqueuedAt(_ s: Signal) -> Duration? { lanes[s.index].first?.enqueuedAt }
    public func chunkCount(_ s: Signal) -> Int { lanes[s.index].count }

    /// Whether `items`/`bytes` more fit without evicting anything.
    public func fits(items n: Int, bytes b: Int) -> Bool {
        items + n <= capacity.maxItems && bytes + b <= capacity.maxBytes
    }

    /// Whether a chunk of this size could ever fit.
    public func canEverFit(items n: Int, bytes b: Int) -> Bool {
        n <= capacity.maxItems && b <= capacity.maxBytes
    }

    /// Adds a chunk, applying the overflow policy when it does not fit.
    public mutating func offer(_ batch: EncodedBatch, now: Duration) -> OfferResult {
        guard canEverFit(items: batch.itemCount, bytes: batch.byteCount) else { return .tooLarge }
        var evicted = SignalCounts()
        if !fits(items: batch.itemCount, bytes: batch.byteCount) {
            guard policy == .dropOldest else { return .full }
            while !fits(items: batch.itemCount, bytes: batch.byteCount), let old = removeOldest() {
                evicted[old.signal] += old.items
            }
        }
        append(batch, now: now)
        return .queued(evicted: evicted)
    }

    /// Adds a chunk without any capacity check (a batch put back after an interrupted export: its memory
    /// was in use all along).
    public mutating func append(_ batch: EncodedBatch, now: Duration) {
        nextSequence += 1
        lanes[batch.signal.index].append(QueuedChunk(batch: batch, enqueuedAt: now, sequence: nextSequence))
        items += batch.itemCount
        bytes += batch.byteCount
        laneItems[batch.signal] += batch.itemCount
        laneBytes[batch.signal] += batch.byteCount
    }

    /// Removes the oldest chunk of any signal.
    @discardableResult
    public mutating func removeOldest() -> QueuedChunk? {
        var best: Int?
        for i in 0..<3 {
            guard let c = lanes[i].first else { continue }
            if let b = best, let cb = lanes[b].first, cb.sequence < c.sequence { continue }
            best = i
        }
        guard let b = best else { return nil }
        return removeFirst(lane: b)
    }

    /// Removes the chunks of the next batch of `signal`: as many as the limits allow, at least one.
    public mutating func takeBatch(_ signal: Signal, limits: BatchLimits) -> [QueuedChunk] {
        let lane = lanes[signal.index].elements.lazy.map { (items: $0.items, bytes: $0.bytes) }
        let n = Batcher.takeCount(lane, limits: limits)
        var out: [QueuedChunk] = []
        out.reserveCapacity(n)
        for _ in 0..<n { if let c = removeFirst(lane: signal.index) { out.append(c) } }
        return out
    }

    /// Empties the queue, oldest first.
    public mutating func removeAll() -> [QueuedChunk] {
        var out: [QueuedChunk] = []
        while let c = removeOldest() { out.append(c) }
        return out
    }

    /// The batching decision for one signal.
    public func decide(_ s: Signal, now: Duration, limits: BatchLimits, force: Bool) -> Batcher.Decision {
        Batcher.decide(items: laneItems[s], bytes: laneBytes[s], oldestEnqueuedAt: oldestEnqueuedAt(s), now: now, limits: limits, force: force)
    }

    private mutating func removeFirst(lane i: Int) -> QueuedChunk? {
        guard let c = lanes[i].removeFirst() else { return nil }
        items -= c.items
        bytes -= c.bytes
        laneItems[c.signal] -= c.items
        laneBytes[c.signal] -= c.bytes
        return c
    }
}

/// One integer per signal.
public struct SignalCounts: Sendable, Equatable, CustomStringConvertible {
    public var traces = 0
    public var metrics = 0
    public var logs = 0

    public init(traces: Int = 0, metrics: Int = 0, logs: Int = 0) {
        self.traces = traces
        self.metrics = metrics
        self.logs = logs
    }

    public subscript(s: Signal) -> Int {
        get {
            switch s {
            case .traces: traces
            case .metrics: metrics
            case .logs: logs
            }
        }
        set {
            switch s {
            case .traces: traces = newValue
            case .metrics: metrics = newValue
            case .logs: logs = newValue
            }
        }
    }

    public var total: Int { traces + metrics + logs }
    public var isZero: Bool { traces == 0 && metrics == 0 && logs == 0 }

    public var description: String { "traces=\(traces) metrics=\(metrics) logs=\(logs)" }
}

extension Signal {
    var index: Int {
        switch self {
        case .traces: 0
        case .metrics: 1
        case .logs: 2
        }
    }
}
