#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where the store reads "now" for expiry: nanoseconds on a monotonic scale. Injected so tests move time
/// by hand instead of sleeping.
public protocol MetricStoreClock: Sendable {
    func nowNanoseconds() -> UInt64
}

/// `CLOCK_MONOTONIC`: never jumps with wall-clock changes, so a clock step cannot expire every series.
public struct MonotonicMetricClock: MetricStoreClock {
    public init() {}

    public func nowNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

/// A clock moved by hand, for tests.
public final class ManualMetricClock: MetricStoreClock {
    private let now: Atomic<UInt64>

    public init(nanoseconds: UInt64 = 1_000_000_000) { now = Atomic(nanoseconds) }

    public func nowNanoseconds() -> UInt64 { now.load(ordering: .relaxed) }

    public func advance(by duration: Duration) {
        now.add(duration.nanoseconds, ordering: .relaxed)
    }
}

/// Wall-clock time for OTLP timestamps when a point carried none.
enum WallClock {
    static func nowUnixNano() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to 0 for negative durations.
    var nanoseconds: UInt64 {
        let (s, atto) = components
        if s < 0 { return 0 }
        return UInt64(s) &* 1_000_000_000 &+ UInt64(atto / 1_000_000_000)
    }
}
