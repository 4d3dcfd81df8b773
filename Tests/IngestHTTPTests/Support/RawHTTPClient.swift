import Foundation

/// A socket client for what curl cannot do on purpose: pipelined requests in one write, a body sent in two
/// halves around `100 Continue` or a shutdown, raw garbage. Reads block on a thread of their own, never on a
/// Swift concurrency thread (the servers' shutdown runs there), and time out after 10 s (a guard against
/// hangs, not a timing assertion).
final class RawHTTPClient: @unchecked Sendable {
    let fd: Int32
    private var pending: [UInt8] = []

    init(unixPath: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(unixPath.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try check(rc)
    }

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try check(rc)
    }

    private func check(_ rc: Int32) throws {
        guard rc == 0 else {
            let e = errno
            // No close here: deinit runs even when the initializer throws, and closing twice could close
            // a descriptor another thread (a NIO event loop) has since been given.
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
        var tv = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Whether something accepts connections on the Unix socket at `path` right now.
    static func isAccepting(unixPath: String) -> Bool {
        (try? RawHTTPClient(unixPath: unixPath)) != nil
    }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = Foundation.send(fd, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                if n <= 0 { return false }
                off += n
            }
            return true
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// A request head (and body) as bytes.
    static func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: sidecar\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }

    struct Response {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.last { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// Reads one response (a `100 Continue` counts as one, with no body). nil on EOF or timeout.
    func readResponse() async -> Response? {
        await onThread { self.readResponseBlocking() }
    }

    /// Exactly `count` bytes; nil on EOF or timeout.
    func readBytes(_ count: Int) async -> [UInt8]? {
        await onThread { self.readBytesBlocking(count) }
    }

    /// Reads until the server closes (true) or the read times out (false).
    func readUntilClosed() async -> Bool {
        await onThread { self.readUntilClosedBlocking() }
    }

    private func readResponseBlocking() -> Response? {
        guard let headEnd = fill(until: { $0.firstRange(of: [13, 10, 13, 10]) }) else { return nil }
        let headText = String(decoding: pending[..<headEnd.lowerBound], as: UTF8.self)
        pending.removeFirst(headEnd.upperBound)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = headers.last { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
        guard status >= 200, length > 0 else { return Response(status: status, headers: headers, body: []) }
        guard fill(until: { $0.count >= length ? 0..<length : nil }) != nil else { return nil }
        let body = Array(pending[..<length])
        pending.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    private func readBytesBlocking(_ count: Int) -> [UInt8]? {
        guard fill(until: { $0.count >= count ? 0..<count : nil }) != nil else { return nil }
        let out = Array(pending[..<count])
        pending.removeFirst(count)
        return out
    }

    private func readUntilClosedBlocking() -> Bool {
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buf, buf.count)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
            pending.append(contentsOf: buf[0..<n])
        }
    }

    private func fill(until found: ([UInt8]) -> Range<Int>?) -> Range<Int>? {
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            if let r = found(pending) { return r }
            let n = read(fd, &buf, buf.count)
            if n <= 0 { return nil }
            pending.append(contentsOf: buf[0..<n])
        }
    }
}

/// Runs blocking work on a new thread and awaits it.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
        Thread { c.resume(returning: body()) }.start()
    }
}
