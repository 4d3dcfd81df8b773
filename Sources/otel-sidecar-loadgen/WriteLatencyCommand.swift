import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Loadgen {
    struct WriteLatency: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write-latency",
            abstract: "The overhead a proxy sees: the duration of each write() of one event line on one Unix connection.",
            discussion: """
            Opens ONE stream connection to the event socket and writes one span line per write() at a fixed \
            rate (absolute-deadline sleeps on CLOCK_MONOTONIC), timing each write() syscall with \
            clock_gettime(CLOCK_MONOTONIC). Reports p50/p99/p99.9/max in µs after the warm-up.
            """
        )

        @Option(help: "The event socket: events+unix:///path or a plain path.")
        var target: String

        @Option(help: "Lines per second.")
        var rate: Double = 1000

        @Option(help: "Seconds to measure.")
        var duration: Double = 10

        @Option(help: "Seconds of writes before measuring (not recorded).")
        var warmup: Double = 1

        @Option(help: "Write the result as JSON to this file.")
        var json: String?

        func validate() throws {
            if rate <= 0 || duration <= 0 || warmup < 0 { throw ValidationError("--rate and --duration must be > 0, --warmup ≥ 0") }
        }

        func run() throws {
            Sockets.ignoreSIGPIPE()
            var path = target
            if path.hasPrefix("events+unix://") { path = String(path.dropFirst("events+unix://".count)) }
            let pool = EventLinePool(count: 4096, salt: SpanShape.mix(Mono.wallNanos()))
            let fd: Int32
            do { fd = try EventSender.connect(.init(path: path, datagram: false, linesPerWrite: 1), pool: pool) } catch {
                throw ValidationError("cannot connect to \(path): \(error)")
            }
            let interval = 1e9 / rate
            let start = Mono.nanos()
            let measureFrom = start + UInt64(warmup * 1e9)
            let end = measureFrom + UInt64(duration * 1e9)
            var hist = LatencyHistogram()
            var k = 0
            var late = 0
            var lines = 0
            var failure: String?
            let cpu0 = Mono.processCPUSeconds()
            while true {
                let due = start + UInt64(Double(k) * interval)
                if due >= end { break }
                let now = Mono.nanos()
                if due > now { Mono.sleep(until: due) } else if now - due > UInt64(interval) { late += 1 }
                let line = pool.lines[k % pool.lines.count]
                k += 1
                var elapsed: UInt64 = 0
                let rc = line.withUnsafeBytes { raw -> Int in
                    let t0 = Mono.nanos()
                    let w = write(fd, raw.baseAddress!, raw.count)
                    elapsed = Mono.nanos() - t0
                    return w
                }
                if rc != line.count {
                    failure = rc < 0 ? "write: \(String(cString: strerror(errno)))" : "short write (\(rc) of \(line.count))"
                    break
                }
                if due >= measureFrom {
                    hist.record(elapsed)
                    lines += 1
                }
            }
            let cpu = Mono.processCPUSeconds() - cpu0
            var answers = WorkerStats()
            EventSender.drainAnswers(fd, seconds: 5, into: &answers)
            close(fd)
            func us(_ ns: UInt64) -> Double { Double(ns) / 1000 }
            let errs = answers.errors.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            print("write-latency \(path): \(lines) lines of ~\(pool.meanBytes) B at \(fmt(rate, 0))/s for \(fmt(duration, 1)) s (after \(fmt(warmup, 1)) s warm-up)")
            print("write() µs    p50 \(fmt(us(hist.quantile(0.5)), 2))  p99 \(fmt(us(hist.quantile(0.99)), 2))  p99.9 \(fmt(us(hist.quantile(0.999)), 2))  max \(fmt(us(hist.max), 2))  mean \(fmt(hist.mean / 1000, 2))")
            print("late ticks    \(late) (pacer more than one interval behind); loadgen CPU \(fmt(cpu, 2)) s")
            print("answers       " + (errs.isEmpty ? "no error answers" : errs) + (failure.map { "; stopped: \($0)" } ?? ""))
            if let json {
                let v = JSONValue.object([
                    ("target", .string(path)), ("rate", .double(rate)), ("duration_s", .double(duration)), ("warmup_s", .double(warmup)),
                    ("lines", .int(lines)), ("line_bytes", .int(pool.meanBytes)),
                    ("write_us", .object([("p50", .double(us(hist.quantile(0.5)))), ("p90", .double(us(hist.quantile(0.9)))),
                                          ("p99", .double(us(hist.quantile(0.99)))), ("p999", .double(us(hist.quantile(0.999)))),
                                          ("max", .double(us(hist.count == 0 ? 0 : hist.max))), ("mean", .double(hist.mean / 1000))])),
                    ("late_ticks", .int(late)), ("loadgen_cpu_s", .double(cpu)),
                    ("error_answers", .object(answers.errors.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                    ("failure", failure.map { .string($0) } ?? .null),
                ])
                try writeFile(json, v.render(pretty: true) + "\n")
            }
            if failure != nil { throw ExitCode(1) }
        }
    }
}
