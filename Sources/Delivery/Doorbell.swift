import Synchronization

/// Wakes the one delivery task without queueing anything: ringing sets a flag (ringing twice is the same as
/// once) and resumes the waiter if there is one. This is how intake wakes the sender with O(1) work and no
/// unbounded buffer (unlike an `AsyncStream` used as a queue).
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
        var nextID: UInt64 = 0
        var cancelled: Set<UInt64> = []
        /// Tests: continuations resumed when the next waiter parks.
        var parkWatchers: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    func ring() {
        let c = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w.continuation
            }
            s.rung = true
            return nil
        }
        c?.resume()
    }

    /// Consumes a pending ring, if any.
    func consume() -> Bool {
        state.withLock { s in
            defer { s.rung = false }
            return s.rung
        }
    }

    /// Returns when rung (or at once if it was rung since the last wait), or when the task is cancelled.
    func wait() async {
        let id = state.withLock { s -> UInt64 in
            // One waiter at a time: ids of earlier waits can no longer matter.
            s.cancelled.removeAll()
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                var watchers: [CheckedContinuation<Void, Never>] = []
                let now = state.withLock { s -> Bool in
                    if s.rung || s.cancelled.remove(id) != nil || Task.isCancelled {
                        s.rung = false
                        return true
                    }
                    // safe: the delivery loop is the doorbell's only waiter, by construction.
                    precondition(s.waiter == nil, "Doorbell has one waiter")
                    s.waiter = (id, c)
                    swap(&watchers, &s.parkWatchers)
                    return false
                }
                if now { c.resume() }
                for w in watchers { w.resume() }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<Void, Never>? in
                if let w = s.waiter, w.id == id {
                    s.waiter = nil
                    return w.continuation
                }
                s.cancelled.insert(id)
                return nil
            }
            c?.resume()
        }
    }
}

extension Doorbell {
    /// Whether a waiter is parked on the bell right now. For tests.
    var isParked: Bool { state.withLock { $0.waiter != nil } }

    /// Returns once a waiter is parked on the bell (at once if one is): the owner of the bell has nothing
    /// left to do until it rings. For tests.
    func waitUntilParked() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let parked = state.withLock { s -> Bool in
                if s.waiter != nil { return true }
                s.parkWatchers.append(c)
                return false
            }
            if parked { c.resume() }
        }
    }
}

/// Waits until the bell rings, the deadline passes (nil: no deadline) or the task is cancelled.
func waitForBell(_ bell: Doorbell, clock: any DeliveryClock, until deadline: Duration?) async {
    if bell.consume() { return }
    if let deadline, deadline <= clock.now { return }
    await withTaskGroup(of: Void.self) { group in
        group.addTask { await bell.wait() }
        if let deadline {
            group.addTask { try? await clock.sleep(until: deadline) }
        }
        _ = await group.next()
        group.cancelAll()
    }
}
