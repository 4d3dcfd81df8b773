#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Event-protocol sender: one OS thread per Unix connection writing pre-built span lines. On a stream
/// socket a `write()` carries every line that is due (at most `maxBatchBytes`); on a datagram socket each
/// line is one `send()`. Latency is per `write()`/`send()` call.
enum EventSender {
    struct Settings: Sendable {
        var path: String
        var datagram: Bool
        /// Upper bound of lines per write() (stream); 0 = as many as fit in `maxBatchBytes`.
        var linesPerWrite: Int
        var maxBatchBytes = 64 * 1024
        /// How long to wait for the sidecar's error answers after the last line.
        var drainSeconds: Double = 10
    }

    static func run(pool: EventLinePool, plan: SendPlan, connections: Int, settings: Settings) async -> [WorkerStats] {
        await runOnThreads(connections) { worker in
            loop(worker: worker, pool: pool, plan: plan, settings: settings)
        }
    }

    static func loop(worker: Int, pool: EventLinePool, plan: SendPlan, settings: Settings) -> WorkerStats {
        var stats = WorkerStats()
        let cap = settings.datagram ? 1 : (settings.linesPerWrite > 0 ? settings.linesPerWrite : max(1, settings.maxBatchBytes / max(pool.meanBytes, 1)))
        var scratch = [UInt8](repeating: 0, count: cap * (pool.lines.map(\.count).max() ?? 512) + 1)
        var next = (pool.lines.count / max(plan.workers, 1)) * worker
        var fd: Int32 = -1
        var failingSince: UInt64?
        let phase = plan.phase(worker: worker, unitsPerSend: 1)
        while true {
            if fd < 0 {
                do {
                    fd = try connect(settings, pool: pool)
                    failingSince = nil
                } catch {
                    stats.error(error.label)
                    let now = Mono.nanos()
                    // Give up after 5 s without a connection (or at the deadline).
                    if now >= plan.deadline || now - (failingSince ?? now) > 5_000_000_000 { break }
                    if failingSince == nil { failingSince = now }
                    Mono.sleep(until: now + 10_000_000)
                    continue
                }
            }
            var now = Mono.nanos()
            var allowed = plan.allowed(sentUnits: stats.sentSpans, now: now, phase: phase)
            if allowed <= 0 {
                Mono.sleep(until: plan.notBefore(sentUnits: stats.sentSpans, phase: phase))
                now = Mono.nanos()
                allowed = max(1, plan.allowed(sentUnits: stats.sentSpans, now: now, phase: phase))
            }
            let n = plan.claim(min(allowed, cap), now: now)
            if n == 0 { break }
            var len = 0
            for _ in 0..<n {
                let line = pool.lines[next]
                next = next + 1 == pool.lines.count ? 0 : next + 1
                if settings.datagram {
                    len = line.count - 1  // one event per datagram, no newline needed
                    line.withUnsafeBytes { src in scratch.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[0..<len])) } }
                } else {
                    line.withUnsafeBytes { src in scratch.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
                        UnsafeMutableRawBufferPointer(rebasing: dst[len..<len + src.count]).copyMemory(from: src)
                    } }
                    len += line.count
                }
            }
            stats.sentSpans += n
            stats.sentRequests += 1
            stats.wireBytes += len
            let failed: Int32? = scratch.withUnsafeBytes { raw in
                var off = 0
                while off < len {
                    let t0 = Mono.nanos()
                    let w = settings.datagram ? send(fd, raw.baseAddress!, len, 0) : write(fd, raw.baseAddress! + off, len - off)
                    stats.latency.record(Mono.nanos() - t0)
                    if w < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    off += w
                }
                return nil
            }
            if let e = failed {
                stats.error("write_" + Sockets.errnoName(e), n)
                close(fd)
                fd = -1
            } else {
                stats.ackRequests += 1
                stats.ackSpans += n
            }
        }
        if fd >= 0 {
            if !settings.datagram { drainAnswers(fd, seconds: settings.drainSeconds, into: &stats) }
            close(fd)
        }
        return stats
    }

    static func connect(_ settings: Settings, pool: EventLinePool) throws(Sockets.Failure) -> Int32 {
        let fd = try Sockets.connect(.unix(path: settings.path), datagram: settings.datagram)
        if !settings.datagram {
            // Sets the resource for this connection's spans (not counted as a span).
            try Sockets.writeAll(fd, pool.resourceLine)
        }
        return fd
    }

    /// After the last line: half-close and read the sidecar's answers (one JSON line per rejected line) until
    /// it closes; every answer turns one acknowledged line into an error of its reason.
    static func drainAnswers(_ fd: Int32, seconds: Double, into stats: inout WorkerStats) {
        shutdown(fd, Int32(SHUT_WR))
        Sockets.setReceiveTimeout(fd, seconds: seconds)
        var pending = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                stats.answersComplete = false
                break
            }
            pending += buf[0..<n]
            while let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                stats.error("answer_" + reason(of: line))
                stats.ackSpans -= 1
            }
        }
    }

    /// `{"error":"missing_field: a span needs…","line":7}` → `missing_field`.
    static func reason(of answer: String) -> String {
        guard let r = answer.firstRange(of: #""error":""#) else { return "unparsed" }
        let rest = answer[r.upperBound...]
        let end = rest.firstIndex(where: { $0 == ":" || $0 == "\"" }) ?? rest.endIndex
        return String(rest[..<end])
    }
}
