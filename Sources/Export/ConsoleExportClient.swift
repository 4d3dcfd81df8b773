#if canImport(Glibc)
import Glibc
#endif
import Delivery
import OTLPWire
import SidecarConfig
import Synchronization

/// Writes each batch as one OTLP/JSON line (`{"resourceSpans":...}`) to stdout or appends it to a file, for
/// debugging. It only ever sees what the pipeline delivers: processed (masked) data.
public final class ConsoleExportClient: ExportClient {
    public let name: String
    /// The file descriptor; -1 once shut down (then exports answer `client_stopped`).
    private let fd: Mutex<Int32>
    private let ownsFD: Bool

    /// `path == nil` writes to stdout. The file is opened for appending (created 0640).
    public init(name: String, path: String?) throws(ExportSetupError) {
        self.name = name
        if let path {
            let f = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
            guard f >= 0 else {
                throw ExportSetupError(exporter: name, key: "path", message: "cannot open '\(path)' for appending: \(String(cString: strerror(errno)))")
            }
            fd = Mutex(f)
            ownsFD = true
        } else {
            fd = Mutex(STDOUT_FILENO)
            ownsFD = false
        }
    }

    public func export(_ batch: EncodedBatch) async -> ExportOutcome {
        var line: [UInt8]
        do {
            line = switch try batch.decoded() {
            case .traces(let d): OTLPJSON.encode(d)
            case .metrics(let d): OTLPJSON.encode(d)
            case .logs(let d): OTLPJSON.encode(d)
            }
        } catch {
            return .permanent(reason: "decode")
        }
        line.append(UInt8(ascii: "\n"))
        // One write per line under the lock, so concurrent exporters sharing stdout never interleave a line.
        let failure: Int32? = fd.withLock { fd in
            guard fd >= 0 else { return EBADF }
            return line.withUnsafeBytes { raw -> Int32? in
                var off = 0
                while off < raw.count {
                    let n = write(fd, raw.baseAddress! + off, raw.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return errno
                    }
                    off += n
                }
                return nil
            }
        }
        switch failure {
        case nil: return .success
        case EBADF: return .retryable(reason: "client_stopped", retryAfter: nil)
        case ENOSPC, EAGAIN: return .retryable(reason: "write", retryAfter: nil)
        default: return .permanent(reason: "write")
        }
    }

    public func shutdown() async {
        fd.withLock { fd in
            if ownsFD, fd >= 0 { close(fd) }
            fd = -1
        }
    }
}
