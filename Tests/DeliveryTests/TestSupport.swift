#if canImport(Glibc)
import Glibc
#endif
@testable import Delivery
import Logging
import Pipeline
import ServiceLifecycle
import ServiceLifecycleTestKit
import SidecarConfig
import SidecarModel
import Synchronization
import Testing

/// An in-process backend: answers each export with the next scripted outcome (then `fallback`), or with
/// what `responder` says; can hang until cancelled to model a dead connection.
final class FakeExportClient: ExportClient {
    struct Call: Sendable {
        var batch: EncodedBatch
        var outcome: ExportOutcome
    }

    private struct State {
        var script: [ExportOutcome]
        var fallback: ExportOutcome
        var hang = false
        var calls: [Call] = []
        var accepted = 0
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var shutdownCalled = false
        var hanging = 0
    }

    private let state: Mutex<State>
    let responder: (@Sendable (Int, EncodedBatch) -> ExportOutcome)?

    init(script: [ExportOutcome] = [], fallback: ExportOutcome = .success,
         responder: (@Sendable (Int, EncodedBatch) -> ExportOutcome)? = nil) {
        state = Mutex(State(script: script, fallback: fallback))
        self.responder = responder
    }

    func export(_ batch: EncodedBatch) async -> ExportOutcome {
        let (outcome, hang, ready) = state.withLock { s -> (ExportOutcome, Bool, [CheckedContinuation<Void, Never>]) in
            let o = responder?(s.calls.count, batch) ?? (s.script.isEmpty ? s.fallback : s.script.removeFirst())
            if !s.hang {
                s.calls.append(Call(batch: batch, outcome: o))
                s.accepted += Self.acceptedItems(o, batch)
            } else {
                s.calls.append(Call(batch: batch, outcome: .retryable(reason: "cancelled", retryAfter: nil)))
            }
            var ready: [CheckedContinuation<Void, Never>] = []
            s.waiters.removeAll { w in
                if s.calls.count >= w.count { ready.append(w.continuation); return true }
                return false
            }
            return (o, s.hang, ready)
        }
        for r in ready { r.resume() }
        if hang {
            // A backend that never answers: wait until the export is cancelled.
            state.withLock { $0.hanging += 1 }
            let stream = AsyncStream<Void> { _ in }
            for await _ in stream {}
            state.withLock { $0.hanging -= 1 }
            return .retryable(reason: "cancelled", retryAfter: nil)
        }
        return outcome
    }

    func shutdown() async {
        state.withLock { $0.shutdownCalled = true }
    }

    static func acceptedItems(_ o: ExportOutcome, _ b: EncodedBatch) -> Int {
        switch o {
        case .success: return b.itemCount
        case .partialSuccess(let r, _): return b.itemCount - max(0, min(r, b.itemCount))
        default: return 0
        }
    }

    var calls: [Call] { state.withLock { $0.calls } }
    var callCount: Int { state.withLock { $0.calls.count } }
    /// Items the backend accepted (what `sent` must equal).
    var acceptedItems: Int { state.withLock { $0.accepted } }
    var shutdownCalled: Bool { state.withLock { $0.shutdownCalled } }
    /// Exports currently hanging (waiting to be cancelled).
    var hangingNow: Int { state.withLock { $0.hanging } }

    func setFallback(_ o: ExportOutcome) { state.withLock { $0.fallback = o } }
    func setHang(_ h: Bool) { state.withLock { $0.hang = h } }
    func push(_ o: ExportOutcome) { state.withLock { $0.script.append(o) } }

    func waitForCalls(_ n: Int) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.calls.count >= n { return true }
                s.waiters.append((n, c))
                return false
            }
            if done { c.resume() }
        }
    }
}

final class Flag: Sendable {
    private let v = Atomic<Bool>(false)
    func set() { v.store(true, ordering: .sequentiallyConsistent) }
    var value: Bool { v.load(ordering: .sequentiallyConsistent) }
}

/// A service under test with a manual clock, a fake backend and its own counters.
struct Harness: Sendable {
    let service: DeliveryService
    let clock: ManualClock
    let client: FakeExportClient
    let counters: CounterRegistry
    let gauges: DeliveryGauges

    init(settings: DeliverySettings, client: FakeExportClient = FakeExportClient(), clock: ManualClock = ManualClock(),
         counters: CounterRegistry = CounterRegistry(), name: String = "test", logger: Logger? = nil) throws {
        self.clock = clock
        self.client = client
        self.counters = counters
        gauges = DeliveryGauges()
        let logger = logger ?? Logger(label: "delivery-test", factory: { _ in SwiftLogNoOpLogHandler() })
        service = try DeliveryService(name: name, settings: settings, client: client, counters: counters, gauges: gauges,
                                      logger: logger, clock: clock)
    }

    /// Returns once the sender has nothing to do until the bell rings or its sleep ends.
    func settle() async {
        await service.core.bell.waitUntilParked()
        await clock.waitForSleepers(1)
    }

    func counter(_ name: String, _ signal: Signal = .traces, _ extra: [(String, String)] = []) -> UInt64 {
        counters.value(name, [("exporter", service.name), ("signal", signal.rawValue)] + extra)
    }

    func dropped(_ reason: DropReason, _ signal: Signal = .traces) -> UInt64 {
        counter("otel_sidecar_exporter_dropped_items_total", signal, [("reason", reason.rawValue)])
    }

    func books(_ s: Signal = .traces) -> DeliveryAccounting { service.accounting()[s]! }

    /// Runs the service while `body` drives it, then shuts it down gracefully. With `pump`, time is moved
    /// to each next deadline during the shutdown whenever the sender is parked (or an export hangs): a
    /// backend that fails or hangs makes the drain wait on the clock.
    func run(pump: Bool = false, _ body: (Harness) async throws -> Void) async throws {
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                let finished = Flag()
                group.addTask {
                    try await service.run()
                    finished.set()
                }
                try await body(self)
                trigger.triggerGracefulShutdown()
                if pump {
                    var spins = 0
                    while !finished.value {
                        let parked = service.core.bell.isParked && clock.sleeperCount == 1
                        if parked || client.hangingNow > 0 { clock.advanceToNextDeadline() }
                        await Task.yield()
                        spins += 1
                        if spins > 2_000_000 {
                            Issue.record("the service did not stop")
                            group.cancelAll()
                            break
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}

/// Spans under one resource and scope.
func traces(_ n: Int, name: String = "op", attributeBytes: Int = 0) -> TelemetryBatch {
    let attrs: [Attribute] = attributeBytes > 0 ? [Attribute("pad", .string(String(repeating: "x", count: attributeBytes)))] : []
    let spans = (0..<n).map { i in
        Span(traceId: TraceID(high: 1, low: UInt64(i + 1)), spanId: SpanID(UInt64(i + 1)), name: name, attributes: attrs)
    }
    return .traces(TracesData(resourceSpans: [ResourceSpans(resource: Resource(), scopeSpans: [ScopeSpans(spans: spans)])]))
}

func logs(_ n: Int) -> TelemetryBatch {
    let records = (0..<n).map { i in LogRecord(timeUnixNano: UInt64(i), body: .string("line \(i)")) }
    return .logs(LogsData(resourceLogs: [ResourceLogs(scopeLogs: [ScopeLogs(logRecords: records)])]))
}

func metrics(_ n: Int) -> TelemetryBatch {
    let points = (0..<n).map { i in NumberDataPoint(timeUnixNano: UInt64(i), value: .int(Int64(i))) }
    return .metrics(MetricsData(resourceMetrics: [ResourceMetrics(scopeMetrics: [ScopeMetrics(metrics: [Metric(name: "m", data: .gauge(points))])])]))
}

/// A fresh directory under /tmp, removed by `cleanup`.
struct TempDir {
    let path: String

    init() {
        var template = Array("/tmp/delivery-test-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }

    func cleanup() {
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        removeTree(path)
    }

    private func removeTree(_ p: String) {
        if let d = opendir(p) {
            while let e = readdir(d) {
                let name = withUnsafePointer(to: &e.pointee.d_name) { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
                if name == "." || name == ".." { continue }
                let child = p + "/" + name
                var st = stat()
                if lstat(child, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { removeTree(child) } else { unlink(child) }
            }
            closedir(d)
        }
        rmdir(p)
    }
}

/// Small limits so tests exercise the bounds with a few items.
func smallSettings(queueItems: Int = 100, queueBytes: Int = 1 << 20, overflow: SidecarConfiguration.OverflowPolicy = .dropOldest,
                   batchItems: Int = 10, maxDelay: Duration = .milliseconds(200), retry: RetryPolicy = RetryPolicy(initial: .seconds(1), max: .seconds(8), multiplier: 2, randomization: 0, maxElapsed: .seconds(60)),
                   breaker: CircuitBreaker.Settings = .init(enabled: false), spill: DiskSpill.Settings? = nil) -> DeliverySettings {
    DeliverySettings(queue: .init(maxItems: queueItems, maxBytes: queueBytes), overflow: overflow,
                     batch: BatchLimits(maxItems: batchItems, maxBytes: 1 << 20, maxDelay: maxDelay),
                     retry: retry, breaker: breaker, spill: spill, drainTimeout: .seconds(5), jitterSeed: 42)
}
