#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let posixConnect = Glibc.connect
#else
private let posixConnect = Darwin.connect
#endif

/// Blocking POSIX sockets for the HTTP/1.1 and event-protocol senders (one thread per connection).
enum Sockets {
    struct Failure: Error, CustomStringConvertible {
        let kind: String
        let errno: Int32
        var description: String { "\(kind): \(String(cString: strerror(errno)))" }
        /// A short label for reports: `connect_ECONNREFUSED`, `write_EPIPE`, …
        var label: String { kind + "_" + Sockets.errnoName(errno) }
    }

    #if os(Linux)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    static let datagramType = Int32(SOCK_DGRAM.rawValue)
    #else
    static let streamType = SOCK_STREAM
    static let datagramType = SOCK_DGRAM
    #endif

    /// Connects a stream (or datagram) socket to `address`.
    static func connect(_ address: Target.Address, datagram: Bool = false) throws(Failure) -> Int32 {
        switch address {
        case .unix(let path): return try connectUnix(path, type: datagram ? datagramType : streamType)
        case .tcp(let host, let port): return try connectTCP(host: host, port: port)
        }
    }

    static func connectUnix(_ path: String, type: Int32) throws(Failure) -> Int32 {
        let fd = socket(AF_UNIX, type, 0)
        guard fd >= 0 else { throw Failure(kind: "socket", errno: errno) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            close(fd)
            throw Failure(kind: "connect", errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes + [0]) }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { posixConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard rc == 0 else {
            let e = errno
            close(fd)
            throw Failure(kind: "connect", errno: e)
        }
        return fd
    }

    static func connectTCP(host: String, port: Int) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = streamType
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
            throw Failure(kind: "resolve", errno: EINVAL)
        }
        defer { freeaddrinfo(result) }
        let fd = socket(first.pointee.ai_family, streamType, 0)
        guard fd >= 0 else { throw Failure(kind: "socket", errno: errno) }
        guard posixConnect(fd, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let e = errno
            close(fd)
            throw Failure(kind: "connect", errno: e)
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    /// Writes all of `bytes`, one `write()` per loop; returns the number of `write()` calls.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(Failure) -> Int {
        var off = 0
        var calls = 0
        while off < bytes.count {
            let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
            calls += 1
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(kind: "write", errno: errno)
            }
            off += n
        }
        return calls
    }

    /// `writeAll` for an array.
    @discardableResult
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) -> Int {
        let r: Result<Int, Failure> = bytes.withUnsafeBytes { raw in
            do throws(Failure) { return .success(try writeAll(fd, raw)) } catch { return .failure(error) }
        }
        return try r.get()
    }

    /// Sets a receive timeout (seconds) on `fd`.
    static func setReceiveTimeout(_ fd: Int32, seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    static func errnoName(_ e: Int32) -> String {
        switch e {
        case ECONNREFUSED: "ECONNREFUSED"
        case ENOENT: "ENOENT"
        case EPIPE: "EPIPE"
        case ECONNRESET: "ECONNRESET"
        case ENOBUFS: "ENOBUFS"
        case EAGAIN: "EAGAIN"
        case EACCES: "EACCES"
        case ETIMEDOUT: "ETIMEDOUT"
        default: "errno\(e)"
        }
    }

    /// Ignores SIGPIPE so a closed peer shows as EPIPE instead of ending the process.
    static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }
}
