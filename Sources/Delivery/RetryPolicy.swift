import SidecarConfig

/// Exponential backoff with jitter, per the OTLP specification and the Collector's `retry_sender.go`:
/// permanent errors are not retried; the wait before retry *n* (0-based) is
/// `initial × multiplier^n`, capped at `max`, randomized by `± randomization`, and then raised to the
/// server's hint (`RetryInfo` / `Retry-After`) when there is one; a batch is given up when the next attempt
/// would start later than `max_elapsed` after its first one (0 = never give up).
public struct RetryPolicy: Sendable, Equatable {
    public var enabled: Bool
    public var initial: Duration
    public var max: Duration
    public var multiplier: Double
    public var randomization: Double
    public var maxElapsed: Duration

    public init(enabled: Bool = true, initial: Duration = .seconds(5), max: Duration = .seconds(30),
                multiplier: Double = 1.5, randomization: Double = 0.5, maxElapsed: Duration = .seconds(300)) {
        self.enabled = enabled
        self.initial = initial
        self.max = max
        self.multiplier = multiplier
        self.randomization = randomization
        self.maxElapsed = maxElapsed
    }

    public init(_ c: SidecarConfiguration.Exporter.Retry) {
        self.init(enabled: c.enabled, initial: c.initial, max: c.max, multiplier: c.multiplier,
                  randomization: c.randomization, maxElapsed: c.maxElapsed)
    }

    /// The un-randomized backoff before retry `retry` (0 = the first retry).
    public func baseBackoff(retry: Int) -> Duration {
        let m = Swift.max(1.0, multiplier)
        var d = initial
        var i = 0
        while i < retry && d < max {
            d = d.scaled(by: m)
            i += 1
        }
        return Swift.min(d, max)
    }

    /// The wait before retry `retry`: the base backoff × (1 + randomization × (2·random − 1)), at least the
    /// server's hint. `random` is uniform in [0, 1).
    public func delay(retry: Int, serverHint: Duration?, random: Double) -> Duration {
        let r = Swift.min(Swift.max(randomization, 0), 1)
        let jitter = 1 + r * (2 * random - 1)
        let backoff = baseBackoff(retry: retry).scaled(by: jitter)
        guard let serverHint else { return backoff }
        return Swift.max(backoff, serverHint)
    }

    public enum Decision: Sendable, Equatable {
        /// Try again at this instant.
        case retry(at: Duration)
        /// Give up: retries are off, or the next attempt would start after `max_elapsed`.
        case giveUp
    }

    /// What to do after retryable failure number `retry` (0 = the first attempt failed) of a batch whose
    /// first attempt started at `firstAttempt`. `cap` bounds the wait (graceful shutdown shortens retries so
    /// the queue can flush); `deadline` is an instant the next attempt must start before.
    public func decide(retry: Int, firstAttempt: Duration, now: Duration, serverHint: Duration?, random: Double,
                       cap: Duration? = nil, deadline: Duration? = nil) -> Decision {
        guard enabled else { return .giveUp }
        var wait = delay(retry: retry, serverHint: serverHint, random: random)
        if let cap {
            // A server hint longer than the cap cannot be honoured: give up rather than hammer the server.
            if let serverHint, serverHint > cap { return .giveUp }
            wait = Swift.min(wait, cap)
        }
        let next = now + wait
        if maxElapsed > .zero && next > firstAttempt + maxElapsed { return .giveUp }
        if let deadline, next >= deadline { return .giveUp }
        return .retry(at: next)
    }
}

/// SplitMix64: a small, fast, seedable generator for backoff jitter (tests pass a seed).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
