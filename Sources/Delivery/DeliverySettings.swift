import SidecarConfig
import SidecarModel

/// Everything one exporter's delivery needs, from `exporters[]` plus what the configuration file does not
/// say (the drain budget comes from `service.shutdown_grace_period`).
public struct DeliverySettings: Sendable, Equatable {
    /// When the disk spill is written to (`exporters[].queue.spill.mode`).
    public typealias SpillMode = SidecarConfiguration.SpillMode

    /// The signals this exporter sends; other signals are ignored by `consume` (neither received nor counted).
    public var signals: Set<Signal>
    public var queue: BoundedQueue.Capacity
    public var overflow: SidecarConfiguration.OverflowPolicy
    public var batch: BatchLimits
    public var retry: RetryPolicy
    public var breaker: CircuitBreaker.Settings
    /// nil: no disk spill.
    public var spill: DiskSpill.Settings?
    public var spillMode: SpillMode
    /// How long a graceful shutdown may spend sending what is queued before spilling or counting the rest.
    public var drainTimeout: Duration
    /// During the drain, retries wait at most this long (and stop at the drain deadline).
    public var drainRetryCap: Duration
    /// What `consume` answers with the `refuse` policy when no better hint is known (an open breaker's
    /// remaining cooldown is used when longer).
    public var refuseRetryAfter: Duration
    /// Seed of the jitter generator (nil: random). Tests fix it.
    public var jitterSeed: UInt64?

    public init(signals: Set<Signal> = Set(Signal.allCases),
                queue: BoundedQueue.Capacity = .init(maxItems: 100_000, maxBytes: 64 << 20),
                overflow: SidecarConfiguration.OverflowPolicy = .dropOldest,
                batch: BatchLimits = BatchLimits(),
                retry: RetryPolicy = RetryPolicy(),
                breaker: CircuitBreaker.Settings = .init(),
                spill: DiskSpill.Settings? = nil,
                spillMode: SpillMode = .overflow,
                drainTimeout: Duration = .seconds(8),
                drainRetryCap: Duration = .seconds(1),
                refuseRetryAfter: Duration = .seconds(1),
                jitterSeed: UInt64? = nil) {
        self.signals = signals
        self.queue = queue
        self.overflow = overflow
        self.batch = batch
        self.retry = retry
        self.breaker = breaker
        self.spill = spill
        self.spillMode = spillMode
        self.drainTimeout = drainTimeout
        self.drainRetryCap = drainRetryCap
        self.refuseRetryAfter = refuseRetryAfter
        self.jitterSeed = jitterSeed
    }

    /// From an exporter's configuration. The drain gets 80% of the grace period (the rest is left for
    /// receivers to stop and for spilling what remains).
    public init(exporter e: SidecarConfiguration.Exporter, shutdownGracePeriod: Duration = .seconds(10)) {
        self.init(
            signals: Set(e.signals.compactMap { Signal(rawValue: $0.rawValue) }),
            queue: .init(maxItems: e.queue.maxItems, maxBytes: e.queue.maxBytes),
            overflow: e.queue.overflow,
            batch: BatchLimits(e.batch),
            retry: RetryPolicy(e.retry),
            breaker: .init(e.circuitBreaker),
            spill: e.queue.spill.enabled ? DiskSpill.Settings(e.queue.spill) : nil,
            spillMode: e.queue.spill.mode,
            drainTimeout: shutdownGracePeriod * 0.8
        )
    }
}
