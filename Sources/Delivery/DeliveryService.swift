import Logging
import Pipeline
import SidecarConfig
import SidecarModel
import ServiceLifecycle

/// One exporter's delivery: a `TelemetrySink` for intake and a `Service` that sends.
///
/// ```
/// consume ─▶ encode ─▶ BoundedQueue (items, bytes, overflow policy) ──▶ Batcher ─▶ CircuitBreaker ─▶ retry ─▶ ExportClient
///                          └─ full (or spill not yet drained) ─▶ DiskSpill ──┘
/// ```
///
/// `consume` runs on the receiving task and never waits for the sender: it encodes, takes one lock, and
/// returns (touching the disk only when data goes to the spill). One task (`run`) sends, one batch at a time.
/// Graceful shutdown: intake keeps working while the queue drains (batches flushed without waiting for
/// `max_delay`, retries capped) for at most `drainTimeout`; then what remains is spilled, or counted as
/// dropped with reason `shutdown`. Every item ends up sent, dropped (counted, by reason), spilled, or is
/// still queued: see ``accounting()``.
public final class DeliveryService: Service, TelemetrySink, Sendable, CustomStringConvertible {
    public let name: String
    public let settings: DeliverySettings
    let core: DeliveryCore
    let client: any ExportClient
    let clock: any DeliveryClock
    let logger: Logger
    let stats: DeliveryStats
    let breakerTelemetry: BreakerTelemetry

    /// - Throws: `SpillError` when the spill is enabled and its directory cannot be created, opened or locked
    ///   (the operator asked for durability: we do not run without it). A damaged spill is not an error: it
    ///   is truncated at the damage and counted.
    public init(name: String, settings: DeliverySettings, client: any ExportClient, counters: CounterRegistry,
                gauges: DeliveryGauges = DeliveryGauges(), logger: Logger,
                clock: any DeliveryClock = SystemDeliveryClock()) throws(SpillError) {
        self.name = name
        self.settings = settings
        self.client = client
        self.clock = clock
        var logger = logger
        logger[metadataKey: "exporter"] = "\(name)"
        self.logger = logger
        let stats = DeliveryStats(exporter: name, counters: counters, gauges: gauges)
        self.stats = stats
        let spill = try settings.spill.map { (s) throws(SpillError) in try DiskSpill(settings: s, now: clock.now) }
        if let r = spill?.recovery {
            if r.truncatedSegments > 0 {
                logger.warning("spill: damaged records found and cut off", metadata: [
                    "spill.truncated_segments": "\(r.truncatedSegments)", "spill.truncated_bytes": "\(r.truncatedBytes)",
                ])
            }
            if r.items.total > 0 {
                logger.info("spill: recovered data from an earlier run, delivered first", metadata: [
                    "spill.items": "\(r.items.total)", "spill.records": "\(r.records.total)", "spill.bytes": "\(r.bytes)",
                ])
            }
        }
        core = DeliveryCore(settings: settings, stats: stats, spill: spill)
        breakerTelemetry = BreakerTelemetry(exporter: name, stats: stats, gauges: gauges, clock: clock)
    }

    /// From the exporter's configuration: the lead's wiring is
    /// `try DeliveryService(exporter: e, client: client, counters: counters, gauges: gauges, logger: logger, shutdownGracePeriod: config.service.shutdownGracePeriod)`.
    public convenience init(exporter: SidecarConfiguration.Exporter, client: any ExportClient, counters: CounterRegistry,
                            gauges: DeliveryGauges = DeliveryGauges(), logger: Logger,
                            shutdownGracePeriod: Duration = .seconds(10)) throws(SpillError) {
        try self.init(name: exporter.name, settings: DeliverySettings(exporter: exporter, shutdownGracePeriod: shutdownGracePeriod),
                      client: client, counters: counters, gauges: gauges, logger: logger)
    }

    public var description: String { "DeliveryService(\(name))" }

    // MARK: intake

    public func consume(_ batch: TelemetryBatch) -> SubmitResult {
        guard settings.signals.contains(batch.signal), batch.itemCount > 0 else { return .accepted }
        let chunks = Chunking.encode(batch, maxItems: settings.batch.maxItems, maxBytes: settings.batch.maxBytes)
        return core.intake(chunks, now: clock.now)
    }

    /// Intake of data that is already protobuf (a caller that encodes once for several exporters). The
    /// chunk should be no larger than a batch; it is queued as it is.
    public func consume(encoded: EncodedBatch) -> SubmitResult {
        guard settings.signals.contains(encoded.signal), encoded.itemCount > 0 else { return .accepted }
        return core.intake([encoded], now: clock.now)
    }

    /// The books per signal, read in one step (see ``DeliveryAccounting/isBalanced``).
    public func accounting() -> [Signal: DeliveryAccounting] { core.accounting() }

    // MARK: sending

    struct Attempting {
        var taken: DeliveryCore.Taken
        var firstAttempt: Duration?
        var retries = 0
        var notBefore: Duration
    }

    struct Sender {
        var breaker: CircuitBreaker
        var rng: SplitMix64
        var current: Attempting?
        var limiter = LogLimiter()
        /// Intake drops already reported in a log line, by reason.
        var reportedDrops: [DropReason: UInt64] = [:]
        var lastDropReport: Duration?
    }

    /// Drops that happen at intake (the receiving task never logs): summarised by the sender.
    static let intakeDropReasons: [DropReason] = [.queueFull, .spillFull, .tooLarge, .spillError, .spillCorrupt]

    enum Step { case next, stop }

    /// Longest the sender sleeps without looking around (spill fsync, refuse hint).
    static let housekeepingInterval: Duration = .seconds(10)

    public func run() async throws {
        var sender = Sender(breaker: CircuitBreaker(settings.breaker),
                            rng: SplitMix64(seed: settings.jitterSeed ?? UInt64.random(in: .min ... .max)))
        logger.debug("delivery started")
        await withGracefulShutdownHandler {
            await sendLoop(&sender)
        } onGracefulShutdown: { [core, clock] in
            core.beginDrain(now: clock.now)
        }
        if !Task.isCancelled { await drain(&sender) }
        finish(&sender)
        await client.shutdown()
    }

    private func sendLoop(_ sender: inout Sender) async {
        while !core.isDraining && !Task.isCancelled {
            let now = clock.now
            let housekeeping = housekeep(&sender, now: now)
            if sender.current == nil {
                if case .wait(let until) = sender.breaker.peek(now: now) {
                    await waitForBell(core.bell, clock: clock, until: min(until ?? housekeeping, housekeeping))
                    continue
                }
                switch core.next(now: now) {
                case .batch(let t):
                    sender.current = Attempting(taken: t, notBefore: now)
                case .wait(let until):
                    await waitForBell(core.bell, clock: clock, until: min(until ?? housekeeping, housekeeping))
                    continue
                }
            }
            guard var cur = sender.current else { continue }
            if cur.notBefore > now {
                await waitForBell(core.bell, clock: clock, until: min(cur.notBefore, housekeeping))
                continue
            }
            let before = sender.breaker.state
            let permission = sender.breaker.acquire(now: now)
            breakerTelemetry.transition(from: before, to: sender.breaker.state, breaker: sender.breaker, reason: nil, now: now, logger: logger)
            if case .wait(let until) = permission {
                // The breaker is open: this batch waits with the rest, and its retries start afresh once a
                // request may go out again (time spent open does not count against `max_elapsed`).
                cur.firstAttempt = nil
                cur.retries = 0
                sender.current = cur
                await waitForBell(core.bell, clock: clock, until: min(until ?? housekeeping, housekeeping))
                continue
            }
            _ = await attempt(&sender, &cur, drainDeadline: nil)
        }
    }

    /// Graceful shutdown: send what is queued (no `max_delay` wait, retries capped) until the queue is empty,
    /// the breaker is open, a batch cannot be delivered in time, or `drainTimeout` has passed.
    private func drain(_ sender: inout Sender) async {
        let deadline = core.drainDeadline ?? clock.now + settings.drainTimeout
        logger.debug("draining the queue", metadata: ["queue.items": "\(core.queuedItems)"])
        while !Task.isCancelled {
            let now = clock.now
            if now >= deadline { break }
            if sender.current == nil {
                guard case .batch(let t) = core.next(now: now, memoryOnly: true) else { break }
                sender.current = Attempting(taken: t, notBefore: now)
            }
            guard var cur = sender.current else { break }
            if cur.notBefore > now {
                if cur.notBefore >= deadline { break }
                await waitForBell(core.bell, clock: clock, until: cur.notBefore)
                continue
            }
            let before = sender.breaker.state
            let permission = sender.breaker.acquire(now: now)
            breakerTelemetry.transition(from: before, to: sender.breaker.state, breaker: sender.breaker, reason: nil, now: now, logger: logger)
            if case .wait = permission { break }
            if await attempt(&sender, &cur, drainDeadline: deadline) == .stop { break }
        }
    }

    /// After the drain (or on cancellation): stop intake, spill or count everything left, close the spill.
    private func finish(_ sender: inout Sender) {
        let now = clock.now
        core.stop()
        if let cur = sender.current {
            core.abandon(cur.taken, now: now)
            sender.current = nil
        }
        let (spilled, dropped) = core.sweep(now: now)
        core.spill?.sync(now: now)
        core.spill?.close()
        let books = core.accounting().values
        var md: Logger.Metadata = [
            "items.sent": "\(books.reduce(0) { $0 + $1.sent })",
            "items.dropped": "\(books.reduce(0) { $0 + $1.droppedTotal })",
            "items.spilled_pending": "\(books.reduce(0) { $0 + $1.spilled })",
        ]
        if spilled > 0 { md["shutdown.spilled"] = "\(spilled)" }
        if dropped > 0 {
            md["shutdown.dropped"] = "\(dropped)"
            logger.warning("delivery stopped with undelivered data counted as dropped", metadata: md)
        } else {
            logger.info("delivery stopped", metadata: md)
        }
    }

    /// One export attempt of the current batch, and what follows from its outcome.
    private func attempt(_ sender: inout Sender, _ cur: inout Attempting, drainDeadline: Duration?) async -> Step {
        let start = clock.now
        if cur.firstAttempt == nil { cur.firstAttempt = start }
        let batch = cur.taken.batch
        let outcome = await exportUntilDrainDeadline(batch)
        let end = clock.now
        stats.exportDuration.observe(end - start)
        let before = sender.breaker.state
        sender.breaker.record(failure: outcome.isRetryable, now: end)
        var reasonText: String?
        if case .retryable(let r, _) = outcome { reasonText = r }
        breakerTelemetry.transition(from: before, to: sender.breaker.state, breaker: sender.breaker, reason: reasonText, now: end, logger: logger)
        updateRefuseHint(sender.breaker, now: end)
        let n = batch.itemCount
        var md: Logger.Metadata = ["signal": "\(batch.signal.rawValue)", "items": "\(n)"]
        switch outcome {
        case .success:
            stats.attempts["success"]?.add()
            core.finish(cur.taken, sent: n, dropReason: nil, failed: false)
            sender.current = nil
        case .partialSuccess(let rejected, _):
            stats.attempts["partial_success"]?.add()
            let r = max(0, min(rejected, n))
            core.finish(cur.taken, sent: n - r, dropReason: .rejected, failed: true)
            sender.current = nil
            if let held = sender.limiter.admit("rejected", now: end) {
                md["items.rejected"] = "\(r)"
                if held > 0 { md["log.suppressed"] = "\(held)" }
                logger.warning("backend rejected part of a batch (partial success); not retried", metadata: md)
            }
        case .permanent(let reason):
            stats.attempts["permanent"]?.add()
            core.finish(cur.taken, sent: 0, dropReason: .permanent, failed: true)
            sender.current = nil
            if let held = sender.limiter.admit("permanent", now: end) {
                md["error.reason"] = "\(reason)"
                if held > 0 { md["log.suppressed"] = "\(held)" }
                logger.warning("export failed permanently; batch dropped", metadata: md)
            }
        case .retryable(let reason, let hint):
            stats.attempts["retryable"]?.add()
            if Task.isCancelled {
                sender.current = cur
                return .stop
            }
            if case .open = sender.breaker.state {
                // Waits for the breaker instead; retries start afresh afterwards.
                cur.firstAttempt = nil
                cur.retries = 0
                cur.notBefore = end
                sender.current = cur
                return drainDeadline == nil ? .next : .stop
            }
            let decision = settings.retry.decide(
                retry: cur.retries, firstAttempt: cur.firstAttempt ?? start, now: end, serverHint: hint, random: sender.rng.unit(),
                cap: drainDeadline == nil ? nil : settings.drainRetryCap, deadline: drainDeadline)
            md["error.reason"] = "\(reason)"
            switch decision {
            case .retry(let at):
                cur.retries += 1
                cur.notBefore = at
                sender.current = cur
                md["retry.number"] = "\(cur.retries)"
                md["retry.delay_ms"] = "\((at - end).milliseconds)"
                logger.debug("export failed; will retry", metadata: md)
            case .giveUp:
                if drainDeadline != nil {
                    // No time left to deliver it: the end of the shutdown spills or counts it.
                    sender.current = cur
                    return .stop
                }
                core.finish(cur.taken, sent: 0, dropReason: .retriesExhausted, failed: true)
                sender.current = nil
                if let held = sender.limiter.admit("exhausted", now: end) {
                    if held > 0 { md["log.suppressed"] = "\(held)" }
                    logger.warning("export failed; retries exhausted, batch dropped", metadata: md)
                }
            }
        }
        return .next
    }

    /// An export, cut short (its task cancelled) if the graceful shutdown's drain deadline comes first; a
    /// result that still arrives after the cancellation counts.
    private func exportUntilDrainDeadline(_ batch: EncodedBatch) async -> ExportOutcome {
        let client = self.client
        let clock = self.clock
        let core = self.core
        return await withTaskGroup(of: ExportOutcome?.self) { group in
            group.addTask { await client.export(batch) }
            group.addTask {
                await core.waitForDrainDeadline(clock: clock)
                return nil
            }
            var result: ExportOutcome?
            while let r = await group.next() {
                if let r {
                    result = r
                    break
                }
                group.cancelAll()
            }
            group.cancelAll()
            return result ?? .retryable(reason: "cancelled", retryAfter: nil)
        }
    }

    /// Periodic work at every wake: the interval fsync and the refuse hint. Returns the next time it is due.
    private func housekeep(_ sender: inout Sender, now: Duration) -> Duration {
        var next = now + Self.housekeepingInterval
        if let due = core.spill?.syncIfDue(now: now) { next = min(next, due) }
        updateRefuseHint(sender.breaker, now: now)
        reportIntakeDrops(&sender, now: now)
        return next
    }

    /// One warning per 10 s at most with the items dropped at intake since the last one, by reason.
    private func reportIntakeDrops(_ sender: inout Sender, now: Duration) {
        if let last = sender.lastDropReport, now - last < Self.housekeepingInterval { return }
        var md: Logger.Metadata = [:]
        for r in Self.intakeDropReasons {
            let total = Signal.allCases.reduce(UInt64(0)) { $0 + stats.dropped($1, r).value }
            let delta = total - (sender.reportedDrops[r] ?? 0)
            if delta > 0 { md["dropped.\(r.rawValue)"] = "\(delta)" }
            sender.reportedDrops[r] = total
        }
        sender.lastDropReport = now
        guard !md.isEmpty else { return }
        logger.warning("items dropped at intake since the last report (see otel_sidecar_exporter_dropped_items_total)", metadata: md)
    }

    private func updateRefuseHint(_ breaker: CircuitBreaker, now: Duration) {
        var hint = settings.refuseRetryAfter
        if case .open(let until) = breaker.state, until - now > hint { hint = until - now }
        core.setRefuseRetryAfter(hint)
    }
}
