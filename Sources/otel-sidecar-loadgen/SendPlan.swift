import Synchronization

/// How much a `send` run sends and how fast, shared by every worker.
final class SendPlan: Sendable {
    /// Spans still to hand out (`--spans N`); Int.max for a timed run.
    private let remaining: Atomic<Int>
    /// Monotonic deadline in ns (`--duration`); UInt64.max for a counted run.
    let deadline: UInt64
    let start: UInt64
    /// Offered spans per second for the whole run; 0 = flat out.
    let rate: Double
    let workers: Int

    init(spans: Int?, duration: Double?, rate: Double, workers: Int, start: UInt64) {
        remaining = Atomic(spans ?? Int.max)
        self.start = start
        deadline = duration.map { start + UInt64($0 * 1e9) } ?? .max
        self.rate = rate
        self.workers = workers
    }

    /// Claims up to `want` spans for the next send; 0 when the run is over (count reached or deadline passed).
    func claim(_ want: Int, now: UInt64) -> Int {
        if now >= deadline { return 0 }
        let before = remaining.wrappingSubtract(want, ordering: .relaxed).oldValue
        return before <= 0 ? 0 : min(want, before)
    }

    /// The monotonic time at which a worker that has sent `sentUnits` units (spans) may send more, at its
    /// 1/workers share of the rate. 0 when flat out. `phase` (in units) staggers the workers so
    /// that they do not all send at the same instants.
    @inline(__always)
    func notBefore(sentUnits: Int, phase: Double = 0) -> UInt64 {
        guard rate > 0 else { return 0 }
        let perWorker = rate / Double(workers)
        return start + UInt64((Double(sentUnits) + phase) / perWorker * 1e9)
    }

    /// A worker's phase: worker i of n starts i/n of one send of `unitsPerSend` units late.
    func phase(worker: Int, unitsPerSend: Int) -> Double {
        Double(worker) / Double(max(workers, 1)) * Double(unitsPerSend)
    }
}

/// What one worker (a connection, or an in-flight slot of one) saw.
struct WorkerStats: Sendable {
    var sentSpans = 0
    var sentRequests = 0
    var ackSpans = 0
    var ackRequests = 0
    var wireBytes = 0
    /// Error kind → count (requests, or lines for the event protocol).
    var errors: [String: Int] = [:]
    var latency = LatencyHistogram()
    /// Event protocol: the sidecar's answers on the connection were read to EOF.
    var answersComplete = true

    mutating func error(_ kind: String, _ n: Int = 1) { errors[kind, default: 0] += n }

    mutating func merge(_ o: WorkerStats) {
        sentSpans += o.sentSpans
        sentRequests += o.sentRequests
        ackSpans += o.ackSpans
        ackRequests += o.ackRequests
        wireBytes += o.wireBytes
        for (k, v) in o.errors { errors[k, default: 0] += v }
        latency.merge(o.latency)
        answersComplete = answersComplete && o.answersComplete
    }
}

extension SendPlan {
    /// Units a worker that has sent `sentUnits` may send by `now` at its share of the rate (unit k is due at
    /// start + (k + phase)/rate); Int.max when flat out.
    @inline(__always)
    func allowed(sentUnits: Int, now: UInt64, phase: Double = 0) -> Int {
        guard rate > 0 else { return .max }
        let perWorker = rate / Double(workers)
        let elapsed = Double(now &- start) / 1e9 * perWorker - phase
        guard elapsed >= 0 else { return 0 }
        return Int(elapsed) + 1 - sentUnits
    }
}
