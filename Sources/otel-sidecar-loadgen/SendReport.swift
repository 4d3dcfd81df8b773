/// The result of a `send` run, as text and as JSON (`--json FILE`).
struct SendReport {
    var target: String
    var transport: String
    var connections: Int
    var inflight: Int
    var spansPerRequest: Int
    var gzip: Bool
    var offeredRate: Double
    var seconds: Double
    var cpuSeconds: Double
    var protobufBytesPerRequest: Int
    var eventLineBytes: Int
    var total: WorkerStats

    var isEvents: Bool { transport.hasPrefix("events") }
    var unit: String { isEvents ? "write" : "request" }

    func latencyJSON() -> JSONValue {
        let h = total.latency
        func us(_ ns: UInt64) -> JSONValue { .double(Double(ns) / 1000) }
        return .object([
            ("unit", .string(unit)), ("count", .int(Int(h.count))),
            ("p50_us", us(h.quantile(0.50))), ("p90_us", us(h.quantile(0.90))), ("p99_us", us(h.quantile(0.99))),
            ("p999_us", us(h.quantile(0.999))), ("max_us", us(h.count == 0 ? 0 : h.max)), ("mean_us", .double(h.mean / 1000)),
        ])
    }

    var json: JSONValue {
        let secs = max(seconds, 1e-9)
        return .object([
            ("target", .string(target)), ("transport", .string(transport)), ("connections", .int(connections)),
            ("inflight_per_connection", .int(inflight)), ("spans_per_request", .int(isEvents ? 1 : spansPerRequest)),
            ("gzip", .bool(gzip)), ("offered_spans_per_s", .double(offeredRate)), ("seconds", .double(seconds)),
            ("sent", .object([("spans", .int(total.sentSpans)), (isEvents ? "writes" : "requests", .int(total.sentRequests)),
                              ("bytes", .int(total.wireBytes))])),
            ("acknowledged", .object([("spans", .int(total.ackSpans)), (isEvents ? "writes" : "requests", .int(total.ackRequests))])),
            ("errors", .object(total.errors.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("achieved_spans_per_s", .double(Double(total.sentSpans) / secs)),
            ("acknowledged_spans_per_s", .double(Double(total.ackSpans) / secs)),
            ("latency", latencyJSON()),
            ("loadgen_cpu_s", .double(cpuSeconds)),
            ("loadgen_cpu_us_per_span", .double(total.sentSpans == 0 ? 0 : cpuSeconds * 1e6 / Double(total.sentSpans))),
            ("request_protobuf_bytes", .int(protobufBytesPerRequest)),
            ("event_line_bytes", .int(eventLineBytes)),
            ("answers_complete", .bool(total.answersComplete)),
        ])
    }

    var text: String {
        let secs = max(seconds, 1e-9)
        let h = total.latency
        func us(_ ns: UInt64) -> String { fmt(Double(ns) / 1000, 1) }
        var s = "target       \(target) (\(transport), \(connections) connection(s)"
        if !isEvents { s += " × \(inflight) in flight, \(spansPerRequest) spans/request" }
        s += gzip ? ", gzip)\n" : ")\n"
        s += "offered      " + (offeredRate > 0 ? "\(fmt(offeredRate, 0)) spans/s" : "flat out") + ", ran \(fmt(seconds, 2)) s\n"
        s += "sent         \(total.sentSpans) spans in \(total.sentRequests) \(unit)s (\(fmt(Double(total.wireBytes) / 1_048_576, 1)) MiB)\n"
        s += "acknowledged \(total.ackSpans) spans, \(total.ackRequests) \(unit)s"
        s += isEvents ? (total.answersComplete ? " (error answers read to EOF)\n" : " (answers not read to EOF: timed out)\n") : "\n"
        s += "rate         \(fmt(Double(total.sentSpans) / secs, 0)) spans/s sent, \(fmt(Double(total.ackSpans) / secs, 0)) acknowledged\n"
        s += "latency/\(unit) p50 \(us(h.quantile(0.5))) µs  p90 \(us(h.quantile(0.9))) µs  p99 \(us(h.quantile(0.99))) µs  max \(us(h.count == 0 ? 0 : h.max)) µs  (n=\(h.count))\n"
        s += "errors       " + (total.errors.isEmpty ? "none" : total.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")) + "\n"
        s += "loadgen CPU  \(fmt(cpuSeconds, 2)) s (\(fmt(total.sentSpans == 0 ? 0 : cpuSeconds * 1e6 / Double(total.sentSpans), 3)) µs/span)\n"
        return s
    }
}

/// Fixed-point formatting without Foundation.
func fmt(_ v: Double, _ decimals: Int) -> String {
    guard v.isFinite else { return "nan" }
    if decimals == 0 { return String(Int64(v.rounded())) }
    var p = 1.0
    for _ in 0..<decimals { p *= 10 }
    let scaled = Int64((abs(v) * p).rounded())
    let whole = scaled / Int64(p)
    var frac = String(scaled % Int64(p))
    while frac.count < decimals { frac = "0" + frac }
    return (v < 0 && scaled != 0 ? "-" : "") + "\(whole).\(frac)"
}

/// Writes `text` to `path` (replacing it atomically via a temp file and rename).
func writeFile(_ path: String, _ text: String) throws(Sockets.Failure) {
    let tmp = path + ".tmp"
    guard let f = fopen(tmp, "w") else { throw Sockets.Failure(kind: "open \(tmp)", errno: errno) }
    let bytes = Array(text.utf8)
    let ok = fwrite(bytes, 1, bytes.count, f) == bytes.count
    fclose(f)
    guard ok, rename(tmp, path) == 0 else { throw Sockets.Failure(kind: "write \(path)", errno: errno) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
