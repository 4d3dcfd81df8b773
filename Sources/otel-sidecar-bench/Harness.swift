#if canImport(Glibc)
import Glibc
#endif

/// Timing helpers: CPU time of this thread, best of several rounds, so noise only ever adds time.
enum Harness {
    static func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Runs `body` `iterations` times per round and returns the best nanoseconds per iteration.
    static func measure(rounds: Int = 7, iterations: Int, _ body: () -> Void) -> Double {
        body()  // warm up
        var best = Double.infinity
        for _ in 0..<rounds {
            let start = threadCPUNanos()
            for _ in 0..<iterations { body() }
            let elapsed = Double(threadCPUNanos() - start) / Double(iterations)
            best = min(best, elapsed)
        }
        return best
    }
}

/// Keeps a value alive so the optimizer cannot drop the work that produced it.
@inline(never)
func blackHole<T>(_ x: T) {
    withExtendedLifetime(x) {}
}
