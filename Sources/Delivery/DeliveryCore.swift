import Pipeline
import SidecarConfig
import SidecarModel
import Synchronization

/// The shared state of one exporter's delivery: the memory queue, the books (queued / in flight / spilled
/// per signal) and the counters, all changed under one lock so the accounting identity holds at every
/// moment; plus the spill (its own lock, taken after this one or alone; disk I/O never happens under
/// this lock) and the doorbell that wakes the sender.
final class DeliveryCore: Sendable {
    enum Phase: Sendable {
        case running
        /// Graceful shutdown: intake continues, the sender flushes without waiting for `max_delay`.
        case draining
        /// Nothing more is taken in: late arrivals are dropped with reason `shutdown`.
        case stopped
    }

    enum Source: Sendable {
        case memory
        case spill(DiskSpill.Read)
    }

    /// A batch taken for export.
    struct Taken: Sendable {
        var batch: EncodedBatch
        var source: Source
        var trigger: FlushTrigger
    }

    enum Next: Sendable {
        case batch(Taken)
        /// Nothing ready: wait until this instant (nil: until data arrives).
        case wait(until: Duration?)
    }

    private struct Books {
        var queue: BoundedQueue
        var phase = Phase.running
        var inFlight = SignalCounts()
        /// On disk and not taken.
        var spilled = SignalCounts()
        /// On disk and not committed (spilled + taken from the spill): while non-zero, new data of that
        /// signal goes to the spill too, so each signal stays in arrival order.
        var spillOwned = SignalCounts()
        var refuseRetryAfter: Duration
        var nextLane = 0
        var nextSpillLane = 0
        var drainDeadline: Duration?
        /// When the spilled data of a signal started waiting (for `max_delay` batching of spilled data).
        var spillSince: [Duration?] = [nil, nil, nil]

        mutating func addSpilled(_ s: Signal, _ n: Int, now: Duration) {
            guard n > 0 else { return }
            if spilled[s] == 0 && spillSince[s.index] == nil { spillSince[s.index] = now }
            spilled[s] += n
        }

        mutating func removeSpilled(_ s: Signal, _ n: Int) {
            spilled[s] -= n
            if spilled[s] <= 0 { spillSince[s.index] = nil }
        }
    }

    let settings: DeliverySettings
    let stats: DeliveryStats
    let spill: DiskSpill?
    let bell = Doorbell()
    /// Rung once, when the graceful shutdown begins (wakes an export's deadline watcher).
    let drainBell = Doorbell()
    private let books: Mutex<Books>

    init(settings: DeliverySettings, stats: DeliveryStats, spill: DiskSpill?) {
        self.settings = settings
        self.stats = stats
        self.spill = spill
        var b = Books(queue: BoundedQueue(capacity: settings.queue, policy: settings.overflow), refuseRetryAfter: settings.refuseRetryAfter)
        if let spill {
            let pending = spill.pendingItems
            b.spilled = pending
            b.spillOwned = pending
            for sig in Signal.allCases where pending[sig] > 0 { b.spillSince[sig.index] = .seconds(-1_000_000_000) }
            for s in Signal.allCases where pending[s] > 0 { stats[s].recovered.add(UInt64(pending[s])) }
            stats.spillTruncatedSegments.add(UInt64(spill.recovery.truncatedSegments))
            stats.spillTruncatedBytes.add(UInt64(spill.recovery.truncatedBytes))
            stats.spillCapacityBytes.set(spill.settings.maxBytes)
        }
        books = Mutex(b)
        stats.queueCapacityItems.set(settings.queue.maxItems)
        stats.queueCapacityBytes.set(settings.queue.maxBytes)
        books.withLock { publish(&$0) }
    }

    // MARK: intake

    /// Takes in the chunks of one received batch (all of one signal). Never blocks on the sender; touches
    /// the disk only when the data goes to the spill.
    func intake(_ chunks: [EncodedBatch], now: Duration) -> SubmitResult {
        guard let signal = chunks.first?.signal else { return .accepted }
        let items = chunks.reduce(0) { $0 + $1.itemCount }
        let bytes = chunks.reduce(0) { $0 + $1.byteCount }
        var toSpill: [EncodedBatch] = []
        var ring = false
        let refused: Duration? = books.withLock { b -> Duration? in
            let st = stats[signal]
            if b.phase == .stopped {
                st.received.add(UInt64(items))
                stats.dropped(signal, .shutdown).add(UInt64(items))
                return nil
            }
            let spillFirst = spill != nil && (settings.spillMode == .writeAhead || b.spillOwned[signal] > 0)
            if spillFirst {
                toSpill = chunks
                return nil
            }
            if settings.overflow == .refuse && !b.queue.fits(items: items, bytes: bytes) {
                if spill != nil {
                    toSpill = chunks
                    return nil
                }
                st.refused.add(UInt64(items))
                return b.refuseRetryAfter
            }
            let before = (items: b.queue.items(of: signal), bytes: b.queue.bytes(of: signal))
            for c in chunks {
                // With a spill, a full memory queue overflows to disk instead of applying the drop policy
                // (and the rest of this request follows, to keep its order).
                if spill != nil && b.queue.canEverFit(items: c.itemCount, bytes: c.byteCount)
                    && (!toSpill.isEmpty || !b.queue.fits(items: c.itemCount, bytes: c.byteCount)) {
                    toSpill.append(c)
                    continue
                }
                switch b.queue.offer(c, now: now) {
                case .queued(let evicted):
                    st.received.add(UInt64(c.itemCount))
                    for s in Signal.allCases where evicted[s] > 0 { stats.dropped(s, .queueFull).add(UInt64(evicted[s])) }
                case .full:
                    st.received.add(UInt64(c.itemCount))
                    stats.dropped(signal, .queueFull).add(UInt64(c.itemCount))
                case .tooLarge:
                    st.received.add(UInt64(c.itemCount))
                    stats.dropped(signal, .tooLarge).add(UInt64(c.itemCount))
                }
            }
            let after = (items: b.queue.items(of: signal), bytes: b.queue.bytes(of: signal))
            let limits = settings.batch
            ring = before.items == 0 && after.items > 0
                || (before.items < limits.maxItems && after.items >= limits.maxItems)
                || (before.bytes < limits.maxBytes && after.bytes >= limits.maxBytes)
            publish(&b)
            return nil
        }
        if let refused { return .refused(retryAfter: refused) }
        if !toSpill.isEmpty {
            let spilledItems = toSpill.reduce(0) { $0 + $1.itemCount }
            let (appended, failure) = spill!.append(toSpill, now: now)
            let refuseNow: Duration? = books.withLock { b -> Duration? in
                if appended == 0, failure == .full, settings.overflow == .refuse, spilledItems == items {
                    // Nothing of this request was taken: the client may retry it.
                    stats[signal].refused.add(UInt64(items))
                    return b.refuseRetryAfter
                }
                let st = stats[signal]
                var n = 0
                for c in toSpill.prefix(appended) { n += c.itemCount }
                if n > 0 {
                    let before = b.spilled[signal]
                    ring = ring || b.spillOwned[signal] == 0
                        || (before < settings.batch.maxItems && before + n >= settings.batch.maxItems)
                    st.received.add(UInt64(n))
                    st.spilled.add(UInt64(n))
                    b.addSpilled(signal, n, now: now)
                    b.spillOwned[signal] += n
                }
                let lost = spilledItems - n
                if lost > 0 {
                    st.received.add(UInt64(lost))
                    let reason: DropReason = switch failure {
                    case .full: .spillFull
                    case .closed: .shutdown
                    default: .spillError
                    }
                    stats.dropped(signal, reason).add(UInt64(lost))
                }
                publish(&b)
                return nil
            }
            if let refuseNow { return .refused(retryAfter: refuseNow) }
        }
        if ring { bell.ring() }
        return .accepted
    }

    // MARK: sender side

    /// The next batch to send: a ready memory lane first (a lane is forced ready while older data of its
    /// signal waits in the spill, and during the drain), else the spill's oldest records.
    func next(now: Duration, memoryOnly: Bool = false) -> Next {
        enum Pick { case memory([QueuedChunk], FlushTrigger), wait(Duration?), spill([Signal]) }
        let pick = books.withLock { b -> Pick in
            var earliest: Duration?
            let start = b.nextLane
            for k in 0..<3 {
                let s = Signal.allCases[(start + k) % 3]
                let force = b.phase != .running || b.spillOwned[s] > 0
                switch b.queue.decide(s, now: now, limits: settings.batch, force: force) {
                case .empty: continue
                case .wait(let until): earliest = min(earliest ?? until, until)
                case .flush(let trigger):
                    let chunks = b.queue.takeBatch(s, limits: settings.batch)
                    let n = chunks.reduce(0) { $0 + $1.items }
                    b.inFlight[s] += n
                    b.nextLane = (s.index + 1) % 3
                    stats.batches(s, trigger).add()
                    publish(&b)
                    return .memory(chunks, trigger)
                }
            }
            if !memoryOnly && spill != nil {
                // Spilled data is batched like memory data (it is forced while draining, and recovered
                // data is due at once); bytes are not tracked for it, only items and age.
                var ready: [Signal] = []
                for k in 0..<3 {
                    let s = Signal.allCases[(b.nextSpillLane + k) % 3]
                    let d = Batcher.decide(items: b.spilled[s], bytes: 0, oldestEnqueuedAt: b.spillSince[s.index], now: now,
                                           limits: settings.batch, force: b.phase != .running)
                    switch d {
                    case .empty: continue
                    case .flush: ready.append(s)
                    case .wait(let until): earliest = min(earliest ?? until, until)
                    }
                }
                if !ready.isEmpty {
                    b.nextSpillLane = (ready[0].index + 1) % 3
                    return .spill(ready)
                }
            }
            return .wait(earliest)
        }
        switch pick {
        case .memory(let chunks, let trigger):
            return .batch(Taken(batch: Self.concatenate(chunks), source: .memory, trigger: trigger))
        case .wait(let until):
            return .wait(until: until)
        case .spill(let signals):
            return nextFromSpill(signals) ?? .wait(until: now)
        }
    }

    private func nextFromSpill(_ signals: [Signal]) -> Next? {
        guard let spill else { return nil }
        for s in signals {
            while books.withLock({ $0.spilled[s] > 0 }) {
                switch spill.read(s, limits: settings.batch) {
                case .batch(let r):
                    books.withLock { b in
                        b.removeSpilled(s, r.batch.itemCount)
                        b.inFlight[s] += r.batch.itemCount
                        stats.batches(s, .drain).add()
                        publish(&b)
                    }
                    return .batch(Taken(batch: r.batch, source: .spill(r), trigger: .drain))
                case .corrupt(let lost):
                    books.withLock { b in
                        let n = min(lost, b.spilled[s])
                        b.removeSpilled(s, n)
                        b.spillOwned[s] -= n
                        stats.dropped(s, .spillCorrupt).add(UInt64(n))
                        publish(&b)
                    }
                case .empty:
                    // The books and the disk disagree (should not happen): trust the disk.
                    books.withLock { b in
                        stats.dropped(s, .spillCorrupt).add(UInt64(b.spilled[s]))
                        b.spillOwned[s] -= b.spilled[s]
                        b.removeSpilled(s, b.spilled[s])
                        publish(&b)
                    }
                }
            }
        }
        return nil
    }

    static func concatenate(_ chunks: [QueuedChunk]) -> EncodedBatch {
        if chunks.count == 1 { return chunks[0].batch }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chunks.reduce(0) { $0 + $1.bytes })
        var items = 0
        for c in chunks {
            bytes += c.batch.bytes
            items += c.items
        }
        return EncodedBatch(signal: chunks[0].signal, itemCount: items, bytes: bytes)
    }

    /// Books the end of an export: `sent` items delivered, the rest dropped for `reason`.
    func finish(_ t: Taken, sent: Int, dropReason: DropReason?, failed: Bool) {
        let s = t.batch.signal
        let n = t.batch.itemCount
        let sent = max(0, min(sent, n))
        if case .spill(let r) = t.source { spill?.commit(r) }
        books.withLock { b in
            b.inFlight[s] -= n
            if case .spill = t.source { b.spillOwned[s] -= n }
            stats[s].sent.add(UInt64(sent))
            if sent < n, let dropReason {
                stats.dropped(s, dropReason).add(UInt64(n - sent))
                if failed { stats[s].failed.add(UInt64(n - sent)) }
            }
            publish(&b)
        }
    }

    // MARK: shutdown

    /// Graceful shutdown begins: the drain has until `now + drainTimeout`.
    func beginDrain(now: Duration) {
        books.withLock { b in
            guard b.phase == .running else { return }
            b.phase = .draining
            b.drainDeadline = now + settings.drainTimeout
        }
        bell.ring()
        drainBell.ring()
    }

    var drainDeadline: Duration? { books.withLock { $0.drainDeadline } }

    /// Returns at the drain deadline (never, before the graceful shutdown begins), or when cancelled.
    func waitForDrainDeadline(clock: any DeliveryClock) async {
        while !Task.isCancelled {
            if let d = drainDeadline {
                try? await clock.sleep(until: d)
                return
            }
            await drainBell.wait()
        }
    }

    var isDraining: Bool { books.withLock { $0.phase != .running } }

    /// Stops intake: from now on arrivals are dropped with reason `shutdown`.
    func stop() {
        books.withLock { $0.phase = .stopped }
    }

    /// An export that did not finish by the end: back to the spill (a spill read simply stays there),
    /// spilled, or dropped with reason `shutdown`.
    func abandon(_ t: Taken, now: Duration) {
        let s = t.batch.signal
        let n = t.batch.itemCount
        if case .spill = t.source {
            books.withLock { b in
                b.inFlight[s] -= n
                b.addSpilled(s, n, now: now)
                publish(&b)
            }
            return
        }
        let (appended, failure) = spill?.append([t.batch], now: now) ?? (0, nil)
        books.withLock { b in
            b.inFlight[s] -= n
            if appended == 1 {
                b.addSpilled(s, n, now: now)
                b.spillOwned[s] += n
                stats[s].spilled.add(UInt64(n))
            } else {
                let reason: DropReason = switch failure {
                case .full: .spillFull
                case .io: .spillError
                default: .shutdown
                }
                stats.dropped(s, reason).add(UInt64(n))
            }
            publish(&b)
        }
    }

    /// Empties the memory queue into the spill (what fits) and counts the rest as dropped (`shutdown`, or
    /// `spill_full` when the spill could not take it). Returns (spilled, dropped) items.
    @discardableResult
    func sweep(now: Duration) -> (spilled: Int, dropped: Int) {
        var spilledN = 0, droppedN = 0
        while true {
            // Move one batch's worth at a time into "in flight" so the books stay balanced around the I/O.
            let taken = books.withLock { b -> [QueuedChunk] in
                var chunks: [QueuedChunk] = []
                while chunks.count < 64, let c = b.queue.removeOldest() { chunks.append(c) }
                for c in chunks { b.inFlight[c.signal] += c.items }
                publish(&b)
                return chunks
            }
            if taken.isEmpty { break }
            // One append for the group; if the budget cannot take all of it, as many single chunks as fit.
            var written = [Bool](repeating: false, count: taken.count)
            var failure: DiskSpill.AppendFailure?
            if let spill {
                let r = spill.append(taken.map(\.batch), now: now)
                for i in 0..<r.appended { written[i] = true }
                failure = r.failure
                if r.failure == .full && r.appended == 0 && taken.count > 1 {
                    for (i, c) in taken.enumerated() {
                        let one = spill.append([c.batch], now: now)
                        written[i] = one.failure == nil
                        if let f = one.failure, f != .full { failure = f; break }
                    }
                }
            }
            books.withLock { b in
                for (i, c) in taken.enumerated() {
                    b.inFlight[c.signal] -= c.items
                    if written[i] {
                        b.addSpilled(c.signal, c.items, now: now)
                        b.spillOwned[c.signal] += c.items
                        stats[c.signal].spilled.add(UInt64(c.items))
                        spilledN += c.items
                    } else {
                        let reason: DropReason = switch failure {
                        case .full: .spillFull
                        case .io: .spillError
                        default: .shutdown
                        }
                        stats.dropped(c.signal, reason).add(UInt64(c.items))
                        droppedN += c.items
                    }
                }
                publish(&b)
            }
        }
        return (spilledN, droppedN)
    }

    // MARK: reading the books

    func setRefuseRetryAfter(_ d: Duration) {
        books.withLock { $0.refuseRetryAfter = d }
    }

    func accounting() -> [Signal: DeliveryAccounting] {
        books.withLock { b in
            var out: [Signal: DeliveryAccounting] = [:]
            for s in Signal.allCases {
                let st = stats[s]
                var a = DeliveryAccounting()
                a.received = st.received.value
                a.recovered = st.recovered.value
                a.sent = st.sent.value
                for (i, r) in DropReason.allCases.enumerated() { a.dropped[r.rawValue] = st.dropped[i].value }
                a.queued = b.queue.items(of: s)
                a.inFlight = b.inFlight[s]
                a.spilled = b.spilled[s]
                a.refused = st.refused.value
                a.failed = st.failed.value
                a.spilledTotal = st.spilled.value
                out[s] = a
            }
            return out
        }
    }

    var queuedItems: Int { books.withLock { $0.queue.items } }

    private func publish(_ b: inout Books) {
        for s in Signal.allCases {
            let st = stats[s]
            st.queueItems.set(b.queue.items(of: s))
            st.inFlightItems.set(b.inFlight[s])
            st.spillItems.set(b.spilled[s])
        }
        stats.queueBytes.set(b.queue.bytes)
        if let spill { stats.spillBytes.set(spill.bytesOnDisk) }
    }
}
