import Synchronization

/// Whether the sidecar is ready: configuration loaded and every expected listener bound, and not shutting
/// down. Backs /readyz, systemd's READY=1 and the startup banner.
public final class Readiness: Sendable {
    private struct State {
        var expected: Set<String> = []
        var ready: [String: String] = [:]
        var shuttingDown = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Declares a component that must report ready.
    public func expect(_ name: String) {
        state.withLock { _ = $0.expected.insert(name) }
    }

    public func markReady(_ name: String, address: String) {
        let resume: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.ready[name] = address
            guard s.expected.isSubset(of: s.ready.keys), !s.waiters.isEmpty else { return [] }
            defer { s.waiters = [] }
            return s.waiters
        }
        for c in resume { c.resume() }
    }

    public func markShuttingDown() {
        state.withLock { $0.shuttingDown = true }
    }

    public var isReady: Bool {
        state.withLock { !$0.shuttingDown && $0.expected.isSubset(of: $0.ready.keys) }
    }

    /// Listener name → address, for the startup banner.
    public var addresses: [(String, String)] {
        state.withLock { $0.ready.sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
    }

    /// Returns once every expected component is ready.
    public func waitUntilReady() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { s in
                if s.expected.isSubset(of: s.ready.keys) { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }
}
