#if canImport(Glibc)
import Glibc
#endif
import OTLPWire
import SidecarModel
import Synchronization

/// Writes each batch as one OTLP/JSON line (`{"resourceSpans":...}`) to stdout or a file: for debugging and
/// for `make run` before a backend is configured. It only ever sees processed (masked) data.
public final class ConsoleExporter: TelemetrySink {
    public let name: String
    private let fd: Mutex<Int32>
    private let exported: [Signal: Counter]

    /// `path == nil` writes to stdout.
    public init(name: String = "console", path: String? = nil, counters: CounterRegistry) throws(ConsoleExporterError) {
        self.name = name
        if let path {
            let f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard f >= 0 else { throw ConsoleExporterError(path: path, errno: errno) }
            fd = Mutex(f)
        } else {
            fd = Mutex(STDOUT_FILENO)
        }
        var e: [Signal: Counter] = [:]
        for s in Signal.allCases {
            e[s] = counters.counter("otel_sidecar_exporter_sent_items_total", [("exporter", name), ("signal", s.rawValue)])
        }
        exported = e
    }

    public func consume(_ batch: TelemetryBatch) -> SubmitResult {
        var line: [UInt8]
        switch batch {
        case .traces(let d): line = OTLPJSON.encode(d)
        case .metrics(let d): line = OTLPJSON.encode(d)
        case .logs(let d): line = OTLPJSON.encode(d)
        }
        line.append(UInt8(ascii: "\n"))
        fd.withLock { fd in
            line.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return
                    }
                    off += n
                }
            }
        }
        exported[batch.signal]?.add(UInt64(batch.itemCount))
        return .accepted
    }
}

public struct ConsoleExporterError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "cannot open \(path) for writing: \(String(cString: strerror(errno)))" }
}
