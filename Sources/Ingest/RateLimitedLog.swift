import Logging
import Synchronization

/// Logs at most one line per interval for a kind of event, and says how many were suppressed in between.
public final class RateLimitedLog: Sendable {
    private struct State {
        var lastNanos: UInt64 = 0
        var suppressed: Int = 0
    }

    private let state = Mutex(State())
    private let intervalNanos: UInt64
    private let logger: Logger

    public init(logger: Logger, interval: Duration = .seconds(1)) {
        self.logger = logger
        let c = interval.components
        self.intervalNanos = UInt64(c.seconds) * 1_000_000_000 + UInt64(c.attoseconds / 1_000_000_000)
    }

    /// `metadata` must never carry telemetry values (they may hold personal data): reasons, counts, names only.
    public func warning(_ message: @autoclosure () -> Logger.Message, metadata: Logger.Metadata = [:]) {
        let now = UInt64(bitPattern: Int64(ContinuousClock.now.nanosecondsSinceStart))
        let suppressed: Int? = state.withLock { s in
            if s.lastNanos != 0 && now &- s.lastNanos < intervalNanos {
                s.suppressed += 1
                return nil
            }
            let n = s.suppressed
            s.suppressed = 0
            s.lastNanos = max(now, 1)
            return n
        }
        guard let suppressed else { return }
        var md = metadata
        if suppressed > 0 { md["suppressed"] = "\(suppressed)" }
        logger.warning(message(), metadata: md)
    }
}

extension ContinuousClock.Instant {
    var nanosecondsSinceStart: Int64 {
        let d = self - ContinuousClock.Instant.processStart
        let c = d.components
        return c.seconds * 1_000_000_000 + c.attoseconds / 1_000_000_000
    }

    static let processStart = ContinuousClock.now
}
