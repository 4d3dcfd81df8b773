import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGTERM / SIGINT as an awaitable event (Dispatch signal sources; the default actions are ignored).
final class TerminationSignal: @unchecked Sendable {
    // Only touched on `queue` after init.
    private var sources: [any DispatchSourceSignal] = []
    private var received: Int32?
    private var waiters: [CheckedContinuation<Int32, Never>] = []
    private let queue = DispatchQueue(label: "otel-sidecar-loadgen.signals")

    init() {
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { [unowned self] in self.fire(sig) }
            source.resume()
            sources.append(source)
        }
    }

    private func fire(_ sig: Int32) {
        if received == nil { received = sig }
        let w = waiters
        waiters = []
        for c in w { c.resume(returning: sig) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { c in
            queue.async {
                if let r = self.received { c.resume(returning: r) } else { self.waiters.append(c) }
            }
        }
    }
}
