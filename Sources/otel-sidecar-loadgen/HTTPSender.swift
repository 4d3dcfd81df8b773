#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OTLP/HTTP protobuf sender: blocking HTTP/1.1 keep-alive connections, one OS thread each, one
/// request in flight per connection. Each pre-encoded request (head + body) goes out in one `write()`.
enum HTTPSender {
    /// The full request bytes for every body of the pool.
    static func frame(_ body: [UInt8], target: Target, gzip: Bool) -> [UInt8] {
        var host = "localhost"
        if case .tcp(let h, let p) = target.address { host = h.contains(":") ? "[\(h)]:\(p)" : "\(h):\(p)" }
        var head = "POST \(target.httpPath) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: otel-sidecar-loadgen\r\n"
        head += "Content-Type: application/x-protobuf\r\nContent-Length: \(body.count)\r\n"
        if gzip { head += "Content-Encoding: gzip\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    struct Framed: Sendable {
        let requests: [[UInt8]]
        let tail: [UInt8]?
        let spansPerRequest: Int
    }

    static func run(target: Target, pool: RequestPool, plan: SendPlan, connections: Int, gzip: Bool, timeout: Double) async -> [WorkerStats] {
        let framed = Framed(
            requests: pool.requests.map { frame($0, target: target, gzip: gzip) },
            tail: pool.tail.map { frame($0, target: target, gzip: gzip) },
            spansPerRequest: pool.spansPerRequest
        )
        return await runOnThreads(connections) { worker in
            loop(worker: worker, target: target, framed: framed, plan: plan, timeout: timeout)
        }
    }

    static func loop(worker: Int, target: Target, framed: Framed, plan: SendPlan, timeout: Double) -> WorkerStats {
        var stats = WorkerStats()
        var reader = HTTPResponseReader()
        var fd: Int32 = -1
        defer { if fd >= 0 { close(fd) } }
        var seq = worker
        let phase = plan.phase(worker: worker, unitsPerSend: framed.spansPerRequest)
        while true {
            let notBefore = plan.notBefore(sentUnits: stats.sentSpans, phase: phase)
            if notBefore > 0 { Mono.sleep(until: notBefore) }
            let n = plan.claim(framed.spansPerRequest, now: Mono.nanos())
            if n == 0 { break }
            let bytes = n < framed.spansPerRequest ? (framed.tail ?? framed.requests[0]) : framed.requests[seq % framed.requests.count]
            seq += plan.workers
            stats.sentSpans += n
            stats.sentRequests += 1
            stats.wireBytes += bytes.count
            let t0 = Mono.nanos()
            do {
                if fd < 0 {
                    fd = try Sockets.connect(target.address)
                    Sockets.setReceiveTimeout(fd, seconds: timeout)
                    reader.reset()
                }
                try Sockets.writeAll(fd, bytes)
                let response = try reader.read(fd)
                stats.latency.record(Mono.nanos() - t0)
                if (200..<300).contains(response.status) {
                    stats.ackRequests += 1
                    stats.ackSpans += n
                } else {
                    stats.error("http_\(response.status)")
                }
                if response.close {
                    close(fd)
                    fd = -1
                }
            } catch {
                stats.latency.record(Mono.nanos() - t0)
                stats.error(kind(of: error))
                if fd >= 0 { close(fd) }
                fd = -1
                // Do not spin on a dead endpoint.
                Mono.sleep(until: Mono.nanos() + 10_000_000)
            }
        }
        return stats
    }

    static func kind(of error: any Error) -> String {
        switch error {
        case let f as Sockets.Failure: return f.label
        case HTTPResponseReader.Failure.closed: return "closed_by_server"
        case HTTPResponseReader.Failure.io(let e): return e == EAGAIN || e == EWOULDBLOCK ? "timeout" : "read"
        case HTTPResponseReader.Failure.malformed: return "malformed_response"
        default: return "other"
        }
    }
}
