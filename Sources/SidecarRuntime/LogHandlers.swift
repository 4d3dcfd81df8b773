#if canImport(Glibc)
import Glibc
#endif
import Logging
import OTLPWire
import Synchronization

/// Where log lines go: one `write` per line to a file descriptor (stderr by default), serialized.
final class LogSink: Sendable {
    static let stderr = LogSink(fd: STDERR_FILENO)
    private let fd: Mutex<Int32>

    init(fd: Int32) { self.fd = Mutex(fd) }

    func write(_ bytes: [UInt8]) {
        fd.withLock { fd in
            bytes.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 { if errno == EINTR { continue } else { return } }
                    off += n
                }
            }
        }
    }
}

/// One log line per event on stderr, as JSON (`{"time":...,"level":"info","logger":"otel-sidecar","msg":"...",
/// metadata...}`) or as text (`2026-11-22T10:00:00.123Z level logger: message key=value ...`).
public struct SidecarLogHandler: LogHandler {
    public enum Format: Sendable {
        case json, text
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let format: Format
    let sink: LogSink

    public init(label: String, level: Logger.Level, format: Format) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.sink = .stderr
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let keys = merged.keys.sorted()
        switch format {
        case .json:
            var w = JSONWriter(capacity: 256)
            w.object { w in
                w.key("time"); w.string(LogTime.iso8601())
                w.key("level"); w.string(event.level.rawValue)
                w.key("logger"); w.string(label)
                w.key("msg"); w.string(event.message.description)
                for k in keys {
                    w.key(k)
                    w.string(merged[k]!.description)
                }
            }
            sink.write(w.buf + [0x0A])
        case .text:
            var s = "\(LogTime.iso8601()) \(event.level.rawValue) \(label): \(event.message)"
            for k in keys { s += " \(k)=\(merged[k]!)" }
            sink.write(Array((s + "\n").utf8))
        }
    }
}

enum LogTime {
    static func iso8601() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func pad(_ v: Int32, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(tmv.tm_year + 1900, 4))-\(pad(tmv.tm_mon + 1, 2))-\(pad(tmv.tm_mday, 2))T\(pad(tmv.tm_hour, 2)):\(pad(tmv.tm_min, 2)):\(pad(tmv.tm_sec, 2)).\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}

/// Writes a string to stderr without going through C's `FILE*` (which Swift 6 treats as shared state).
public func writeStderr(_ s: String) {
    LogSink.stderr.write(Array(s.utf8))
}
