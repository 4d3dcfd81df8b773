#if canImport(Glibc)
import Glibc
#endif
import EventProtocol
import Logging
import NIOCore
import NIOPosix
import Pipeline
import ServiceLifecycle
import Synchronization

/// The event protocol over a Unix datagram socket: one event per datagram (a trailing newline, or several
/// newline-separated events, are accepted too). Fire-and-forget for the client: errors cannot be answered,
/// they are counted and logged (rate-limited). A datagram larger than the socket's receive size is
/// truncated by the kernel and rejected as invalid JSON.
public final class EventDatagramReceiver: Service, Sendable, CustomStringConvertible {
    let settings: EventSocketReceiver.Settings
    let pipeline: Pipeline
    let readiness: Readiness
    let logger: Logger
    let stats: EventReceiverStats
    let readinessName: String

    public init(settings: EventSocketReceiver.Settings, pipeline: Pipeline, readiness: Readiness, logger: Logger) {
        self.settings = settings
        self.pipeline = pipeline
        self.readiness = readiness
        self.logger = logger
        self.stats = EventReceiverStats(receiver: settings.name, counters: pipeline.counters)
        self.readinessName = "\(settings.name) (datagram)"
        readiness.expect(readinessName)
    }

    public var description: String { "EventDatagramReceiver(\(settings.name))" }

    public func run() async throws {
        let path = settings.socketPath
        try UnixSocketFiles.prepare(path: path)
        let fd = try DatagramSocket.bind(path: path)
        defer { close(fd) }
        try UnixSocketFiles.applyAccess(path: path, mode: settings.socketMode, group: settings.socketGroup)
        let handler = EventDatagramHandler(receiver: settings.name, decoder: EventDecoder(limits: settings.limits),
                                           pipeline: pipeline, stats: stats, log: RateLimitedLog(logger: logger))
        logger.info("listening", metadata: ["receiver": "\(readinessName)", "socket": "\(path)"])
        readiness.markReady(readinessName, address: "unixgram://\(path)")
        let stop = Atomic<Bool>(false)
        let bufferSize = min(settings.limits.maxLineBytes + 1, 1 << 20)
        // SwiftNIO cannot represent the unnamed address of a typical datagram client, so this listener reads
        // with plain recv(2) on a thread of NIO's blocking pool, waking every 200 ms to notice shutdown.
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await NIOThreadPool.singleton.runIfActive {
                var buffer = [UInt8](repeating: 0, count: bufferSize)
                while !stop.load(ordering: .relaxed) {
                    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_TRUNC)) }
                    if n < 0 {
                        if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
                        return
                    }
                    if n > bufferSize {
                        handler.rejectTruncated()
                        continue
                    }
                    buffer.withUnsafeBytes { handler.handle(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                }
            }
        } onCancelOrGracefulShutdown: {
            stop.store(true, ordering: .relaxed)
        }
        unlink(path)
    }
}

enum DatagramSocket {
    /// A bound AF_UNIX datagram socket with a 200 ms receive timeout.
    static func bind(path: String) throws(UnixSocketFiles.Failure) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw UnixSocketFiles.Failure(description: "cannot create a datagram socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw UnixSocketFiles.Failure(description: "socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw UnixSocketFiles.Failure(description: "cannot bind \(path): \(String(cString: strerror(e)))")
        }
        var tv = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }
}

/// Decodes the lines of one datagram and submits them as one batch. Called from one thread only.
final class EventDatagramHandler: @unchecked Sendable {
    let receiver: String
    let decoder: EventDecoder
    let pipeline: Pipeline
    let stats: EventReceiverStats
    let log: RateLimitedLog

    init(receiver: String, decoder: EventDecoder, pipeline: Pipeline, stats: EventReceiverStats, log: RateLimitedLog) {
        self.receiver = receiver
        self.decoder = decoder
        self.pipeline = pipeline
        self.stats = stats
        self.log = log
    }

    func rejectTruncated() {
        stats.errors[.lineTooLong]?.add()
        log.warning("rejected event datagram", metadata: ["receiver": "\(receiver)", "reason": "line_too_long"])
    }

    func handle(_ raw: UnsafeRawBufferPointer) {
        var batch = EventBatch(resource: nil)
        var start = 0
        while start < raw.count {
            var end = start
            while end < raw.count && raw[end] != 0x0A { end += 1 }
            let line = UnsafeRawBufferPointer(rebasing: raw[start..<end])
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                stats.lines.add()
                do throws(EventError) {
                    switch try decoder.decode(line) {
                    case .span(let s, let scope): batch.add(span: s, scope: scope)
                    case .log(let l, let scope): batch.add(log: l, scope: scope)
                    case .metric(let m): batch.add(metric: m)
                    case .resource:
                        // A datagram has no connection to attach a resource to.
                        stats.errors[.invalidValue]?.add()
                    }
                } catch {
                    stats.errors[error.reason]?.add()
                    log.warning("rejected event datagram", metadata: ["receiver": "\(receiver)", "reason": "\(error.reason.rawValue)"])
                }
            }
            start = end + 1
        }
        if let t = batch.traces { stats.received[.traces]?.add(UInt64(t.spanCount)); pipeline.submit(.traces(t), receiver: receiver) }
        if let l = batch.logs { stats.received[.logs]?.add(UInt64(l.logRecordCount)); pipeline.submit(.logs(l), receiver: receiver) }
        if let m = batch.metrics { stats.received[.metrics]?.add(UInt64(m.dataPointCount)); pipeline.submit(.metrics(m), receiver: receiver) }
    }
}
