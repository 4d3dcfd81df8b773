import SidecarConfig

/// Per-exporter circuit breaker (the shape of Vector's `health.rs`): closed → open after
/// `failure_threshold` consecutive failures, or when the failed share over `window` reaches `failure_ratio`
/// with at least `min_requests` requests → half-open once the cooldown has passed → exactly one probe →
/// closed on success, open again on failure with the cooldown doubled (up to `max_cooldown`).
///
/// A pure value: the caller passes the time in and compares `state` before and after to see transitions.
/// Only retryable failures count as failures (a backend that answers "permanently bad request" is up).
public struct CircuitBreaker: Sendable, Equatable {
    public struct Settings: Sendable, Equatable {
        public var enabled: Bool
        public var failureThreshold: Int
        public var failureRatio: Double
        public var window: Duration
        public var minRequests: Int
        public var cooldown: Duration
        public var maxCooldown: Duration

        public init(enabled: Bool = true, failureThreshold: Int = 5, failureRatio: Double = 0.5, window: Duration = .seconds(30),
                    minRequests: Int = 10, cooldown: Duration = .seconds(5), maxCooldown: Duration = .seconds(300)) {
            self.enabled = enabled
            self.failureThreshold = failureThreshold
            self.failureRatio = failureRatio
            self.window = window
            self.minRequests = minRequests
            self.cooldown = cooldown
            self.maxCooldown = maxCooldown
        }

        public init(_ c: SidecarConfiguration.Exporter.CircuitBreaker) {
            self.init(enabled: c.enabled, failureThreshold: c.failureThreshold, failureRatio: c.failureRatio, window: c.window,
                      minRequests: c.minRequests, cooldown: c.cooldown, maxCooldown: c.maxCooldown)
        }
    }

    public enum State: Sendable, Equatable {
        case closed
        /// Nothing is sent until `until`.
        case open(until: Duration)
        /// One probe may be sent; `probing` while it is in flight.
        case halfOpen(probing: Bool)

        /// `closed`, `open`, `half_open`: the metric label and log value.
        public var name: String {
            switch self {
            case .closed: "closed"
            case .open: "open"
            case .halfOpen: "half_open"
            }
        }

        /// 0 closed, 1 open, 2 half-open: the state gauge's value.
        public var code: Int {
            switch self {
            case .closed: 0
            case .open: 1
            case .halfOpen: 2
            }
        }
    }

    public enum Permission: Sendable, Equatable {
        /// Send (`probe`: this is the half-open state's single probe).
        case send(probe: Bool)
        /// Do not send before `until` (nil: not until the probe in flight has answered).
        case wait(until: Duration?)
    }

    public let settings: Settings
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    /// Trips since the breaker was last closed by a successful probe: the cooldown doubles with each.
    public private(set) var trips = 0
    /// The cooldown of the latest trip.
    public private(set) var currentCooldown: Duration = .zero
    private var window: RequestWindow

    public init(_ settings: Settings) {
        self.settings = settings
        window = RequestWindow(length: settings.window)
    }

    /// Whether a request may start now, without changing anything.
    public func peek(now: Duration) -> Permission {
        guard settings.enabled else { return .send(probe: false) }
        switch state {
        case .closed: return .send(probe: false)
        case .open(let until): return now >= until ? .send(probe: true) : .wait(until: until)
        case .halfOpen(let probing): return probing ? .wait(until: nil) : .send(probe: true)
        }
    }

    /// Starts a request if allowed: moves open → half-open once the cooldown has passed and hands out the one probe.
    public mutating func acquire(now: Duration) -> Permission {
        guard settings.enabled else { return .send(probe: false) }
        if case .open(let until) = state, now >= until { state = .halfOpen(probing: false) }
        switch state {
        case .closed: return .send(probe: false)
        case .open(let until): return .wait(until: until)
        case .halfOpen(let probing):
            if probing { return .wait(until: nil) }
            state = .halfOpen(probing: true)
            return .send(probe: true)
        }
    }

    /// Records the result of a request started with `acquire`. `failure` means a retryable failure.
    public mutating func record(failure: Bool, now: Duration) {
        guard settings.enabled else { return }
        switch state {
        case .open:
            return
        case .halfOpen:
            if failure { trip(now: now) } else { close() }
        case .closed:
            window.record(failure: failure, now: now)
            if failure {
                consecutiveFailures += 1
                if consecutiveFailures >= Swift.max(1, settings.failureThreshold) || ratioExceeded(now: now) { trip(now: now) }
            } else {
                consecutiveFailures = 0
            }
        }
    }

    private func ratioExceeded(now: Duration) -> Bool {
        guard settings.failureRatio > 0 else { return false }
        let (total, failures) = window.counts(now: now)
        guard total >= Swift.max(1, settings.minRequests) else { return false }
        return Double(failures) >= settings.failureRatio * Double(total)
    }

    /// The cooldown after `trips` earlier trips: `cooldown × 2^trips`, at most `max_cooldown`.
    public func cooldown(afterTrips n: Int) -> Duration {
        var d = settings.cooldown
        var i = 0
        while i < n && d < settings.maxCooldown {
            d = d * 2
            i += 1
        }
        return Swift.min(d, Swift.max(settings.cooldown, settings.maxCooldown))
    }

    private mutating func trip(now: Duration) {
        currentCooldown = cooldown(afterTrips: trips)
        trips += 1
        state = .open(until: now + currentCooldown)
        consecutiveFailures = 0
        window.reset()
    }

    private mutating func close() {
        state = .closed
        trips = 0
        consecutiveFailures = 0
        window.reset()
    }
}

/// Request and failure counts over a sliding window, in ten buckets (bounded memory whatever the rate).
struct RequestWindow: Sendable, Equatable {
    private struct Bucket: Sendable, Equatable {
        var start: Duration
        var total: Int
        var failures: Int
    }

    let length: Duration
    private let bucketLength: Duration
    private var buckets: [Bucket] = []

    init(length: Duration) {
        self.length = Swift.max(length, .milliseconds(10))
        bucketLength = self.length / 10
    }

    mutating func record(failure: Bool, now: Duration) {
        prune(now: now)
        if let last = buckets.last, now < last.start + bucketLength {
            buckets[buckets.count - 1].total += 1
            if failure { buckets[buckets.count - 1].failures += 1 }
        } else {
            buckets.append(Bucket(start: now, total: 1, failures: failure ? 1 : 0))
        }
    }

    func counts(now: Duration) -> (total: Int, failures: Int) {
        var t = 0, f = 0
        for b in buckets where b.start + bucketLength > now - length {
            t += b.total
            f += b.failures
        }
        return (t, f)
    }

    mutating func reset() { buckets.removeAll() }

    private mutating func prune(now: Duration) {
        buckets.removeAll { $0.start + bucketLength <= now - length }
    }
}
