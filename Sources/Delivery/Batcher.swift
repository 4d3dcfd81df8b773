import SidecarConfig

/// When to flush: at `max_items` items, `max_bytes` encoded bytes or `max_delay` after the oldest queued
/// item arrived, whichever comes first (the Collector flushes at 8192 items or 200 ms; we add the byte
/// limit because the backend's message size limit, 4 MiB on gRPC by default, is in bytes).
public struct BatchLimits: Sendable, Equatable {
    public var maxItems: Int
    public var maxBytes: Int
    public var maxDelay: Duration

    public init(maxItems: Int = 8192, maxBytes: Int = 4 << 20, maxDelay: Duration = .milliseconds(200)) {
        self.maxItems = max(1, maxItems)
        self.maxBytes = max(1, maxBytes)
        self.maxDelay = maxDelay
    }

    public init(_ c: SidecarConfiguration.Exporter.Batch) {
        self.init(maxItems: c.maxItems, maxBytes: c.maxBytes, maxDelay: c.maxDelay)
    }
}

/// Why a batch was flushed (a counter label).
public enum FlushTrigger: String, Sendable, CaseIterable {
    case items, bytes, delay
    /// Shutdown, or older data of the same signal waiting on disk: flush whatever there is.
    case drain
}

/// The batching decision, a pure function of what one signal has queued and the time.
public enum Batcher {
    public enum Decision: Sendable, Equatable {
        case empty
        case flush(FlushTrigger)
        /// Not yet: the oldest item reaches `max_delay` at this instant.
        case wait(until: Duration)
    }

    public static func decide(items: Int, bytes: Int, oldestEnqueuedAt: Duration?, now: Duration,
                              limits: BatchLimits, force: Bool = false) -> Decision {
        guard items > 0, let oldest = oldestEnqueuedAt else { return .empty }
        if items >= limits.maxItems { return .flush(.items) }
        if bytes >= limits.maxBytes { return .flush(.bytes) }
        if force { return .flush(.drain) }
        let due = oldest + limits.maxDelay
        return now >= due ? .flush(.delay) : .wait(until: due)
    }

    /// How many of `sizes` (items, bytes), oldest first, go into one batch: as many as fit the limits, and at
    /// least one (a chunk is never larger than a batch unless it is a single item).
    public static func takeCount(_ sizes: some Sequence<(items: Int, bytes: Int)>, limits: BatchLimits) -> Int {
        var n = 0, items = 0, bytes = 0
        for s in sizes {
            if n > 0 && (items + s.items > limits.maxItems || bytes + s.bytes > limits.maxBytes) { break }
            n += 1
            items += s.items
            bytes += s.bytes
        }
        return n
    }
}
