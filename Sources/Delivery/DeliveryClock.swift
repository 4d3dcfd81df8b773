import Synchronization

/// Monotonic time for the delivery core. Instants are offsets from the clock's own origin, so a manual
/// clock for tests is a counter and nothing in the core depends on wall-clock time.
public protocol DeliveryClock: Sendable {
    /// Time elapsed since this clock's origin.
    var now: Duration { get }
    /// Suspends until `now >= deadline`. Throws `CancellationError` when the task is cancelled.
    func sleep(until deadline: Duration) async throws
}

/// The real clock: `ContinuousClock` (monotonic, keeps counting while the machine sleeps).
public struct SystemDeliveryClock: DeliveryClock {
    private let origin: ContinuousClock.Instant

    public init() { origin = .now }

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await ContinuousClock().sleep(until: origin.advanced(by: deadline), tolerance: nil)
    }
}

/// A clock that only moves when told to: tests advance it explicitly and never sleep for real.
///
/// `waitForSleepers(_:)` lets a test wait until the code under test is parked on the clock before it
/// advances time, so assertions never depend on scheduling luck.
public final class ManualClock: DeliveryClock {
    private struct Sleeper {
        var id: UInt64
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct Watcher {
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var now: Duration = .zero
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        var cancelled: Set<UInt64> = []
        var watchers: [Watcher] = []
        var totalSleeps = 0

        mutating func readyWatchers() -> [CheckedContinuation<Void, Never>] {
            var ready: [CheckedContinuation<Void, Never>] = []
            watchers.removeAll { w in
                if sleepers.count >= w.count { ready.append(w.continuation); return true }
                return false
            }
            return ready
        }
    }

    private let state = Mutex(State())

    public init(now: Duration = .zero) {
        state.withLock { $0.now = now }
    }

    public var now: Duration { state.withLock { $0.now } }

    /// How many tasks are currently sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone is sleeping until.
    public var nextDeadline: Duration? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    /// How many sleeps were started since the clock was made (including ones that returned at once).
    public var totalSleeps: Int { state.withLock { $0.totalSleeps } }

    public func sleep(until deadline: Duration) async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                enum Action { case resume, cancel, none }
                var watchers: [CheckedContinuation<Void, Never>] = []
                let action = state.withLock { s -> Action in
                    s.totalSleeps += 1
                    if s.cancelled.remove(id) != nil || Task.isCancelled { return .cancel }
                    if deadline <= s.now { return .resume }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: c))
                    watchers = s.readyWatchers()
                    return .none
                }
                switch action {
                case .resume: c.resume()
                case .cancel: c.resume(throwing: CancellationError())
                case .none: break
                }
                for w in watchers { w.resume() }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                if let i = s.sleepers.firstIndex(where: { $0.id == id }) {
                    return s.sleepers.remove(at: i).continuation
                }
                s.cancelled.insert(id)
                return nil
            }
            c?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        // safe: the manual clock is driven by tests only.
        precondition(duration >= .zero, "a clock does not go back")
        let due = state.withLock { s -> [Sleeper] in
            s.now += duration
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for d in due { d.continuation.resume() }
    }

    /// Moves time to `instant` (no-op when it is not in the future).
    public func advance(to instant: Duration) {
        let delta = instant - now
        if delta > .zero { advance(by: delta) }
    }

    /// Moves time to the earliest sleeper's deadline; returns false when nobody sleeps.
    @discardableResult
    public func advanceToNextDeadline() -> Bool {
        guard let d = nextDeadline else { return false }
        advance(to: d)
        return true
    }

    /// Returns once at least `count` tasks are sleeping on this clock.
    public func waitForSleepers(_ count: Int = 1) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.sleepers.count >= count { return true }
                s.watchers.append(Watcher(count: count, continuation: c))
                return false
            }
            if now { c.resume() }
        }
    }
}
