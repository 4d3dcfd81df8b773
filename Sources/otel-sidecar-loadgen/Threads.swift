#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Runs `body(i)` for i in 0..<n on n dedicated OS threads (blocking sockets must not sit on Swift's
/// cooperative pool of 2 threads) and returns the results in order once every thread has finished.
func runOnThreads<R: Sendable>(_ n: Int, _ body: @escaping @Sendable (Int) -> R) async -> [R] {
    let state = ThreadResults<R>(count: n)
    return await withCheckedContinuation { (cont: CheckedContinuation<[R], Never>) in
        state.setContinuation(cont)
        for i in 0..<n {
            let job = ThreadJob { state.finish(i, body(i)) }
            var tid = pthread_t()
            let ctx = Unmanaged.passRetained(job).toOpaque()
            let rc = pthread_create(&tid, nil, { raw in
                let job = Unmanaged<ThreadJob>.fromOpaque(raw!).takeRetainedValue()
                job.run()
                return nil
            }, ctx)
            if rc != 0 {
                // No thread to be had (a resource limit): run this one's work here instead of failing the run.
                let note = "otel-sidecar-loadgen: pthread_create failed (\(rc)); running worker \(i) inline\n"
                _ = note.withCString { write(2, $0, strlen($0)) }
                Unmanaged<ThreadJob>.fromOpaque(ctx).takeRetainedValue().run()
                continue
            }
            pthread_detach(tid)
        }
    }
}

private final class ThreadJob: Sendable {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

private final class ThreadResults<R: Sendable>: Sendable {
    private struct State {
        var results: [R?]
        var remaining: Int
        var continuation: CheckedContinuation<[R], Never>?
    }

    private let state: Mutex<State>

    init(count: Int) { state = Mutex(State(results: Array(repeating: nil, count: count), remaining: count)) }

    func setContinuation(_ c: CheckedContinuation<[R], Never>) {
        let done: [R]? = state.withLock { s in
            if s.remaining == 0 { return s.results.map { $0! } }
            s.continuation = c
            return nil
        }
        if let done { c.resume(returning: done) }
    }

    func finish(_ i: Int, _ r: R) {
        let resume: (CheckedContinuation<[R], Never>, [R])? = state.withLock { s in
            s.results[i] = r
            s.remaining -= 1
            guard s.remaining == 0, let c = s.continuation else { return nil }
            s.continuation = nil
            return (c, s.results.map { $0! })
        }
        if let (c, results) = resume { c.resume(returning: results) }
    }
}
