#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let posixRead = Glibc.read
#else
private let posixRead = Darwin.read
#endif

/// Reads HTTP/1.1 responses from a blocking socket: status line, `Content-Length` or chunked body (skipped),
/// `Connection: close`. Bytes past one response stay buffered for the next.
struct HTTPResponseReader {
    struct Response {
        var status: Int
        var close: Bool
    }

    enum Failure: Error { case closed, io(Int32), malformed }

    private var buf = [UInt8](repeating: 0, count: 64 * 1024)
    private var start = 0
    private var end = 0

    mutating func reset() {
        start = 0
        end = 0
    }

    private mutating func fill(_ fd: Int32) throws(Failure) {
        if start > 0 {
            if start < end { buf.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: end - start) } }
            end -= start
            start = 0
        }
        if end == buf.count { buf.append(contentsOf: [UInt8](repeating: 0, count: buf.count)) }
        let n = buf.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + end, $0.count - end) }
        if n == 0 { throw .closed }
        if n < 0 {
            if errno == EINTR { return }
            throw .io(errno)
        }
        end += n
    }

    /// Index just past the next CRLF at or after `from`, or nil.
    private func lineEnd(from: Int) -> Int? {
        var i = from
        while i + 1 < end {
            if buf[i] == 13 && buf[i + 1] == 10 { return i + 2 }
            i += 1
        }
        return nil
    }

    private func text(_ a: Int, _ b: Int) -> String { String(decoding: buf[a..<b], as: UTF8.self) }

    mutating func read(_ fd: Int32) throws(Failure) -> Response {
        // Head: lines up to an empty line.
        var status = 0
        var length = 0
        var chunked = false
        var close = false
        var first = true
        while true {
            guard let le = lineEnd(from: start) else {
                try fill(fd)
                continue
            }
            let line = text(start, le - 2)
            start = le
            if first {
                let parts = line.split(separator: " ", maxSplits: 2)
                guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let s = Int(parts[1]) else { throw .malformed }
                status = s
                first = false
                continue
            }
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingPrefix(" ").lowercased()
            switch name {
            case "content-length": length = Int(value) ?? 0
            case "transfer-encoding": chunked = value.contains("chunked")
            case "connection": close = value.contains("close")
            default: break
            }
        }
        if chunked {
            while true {
                guard let le = lineEnd(from: start) else {
                    try fill(fd)
                    continue
                }
                let size = Int(text(start, le - 2).split(separator: ";")[0].trimmingPrefix(" "), radix: 16) ?? 0
                start = le
                try skip(size + 2, fd)
                if size == 0 { break }
            }
        } else {
            try skip(length, fd)
        }
        return Response(status: status, close: close)
    }

    private mutating func skip(_ n: Int, _ fd: Int32) throws(Failure) {
        var left = n
        while left > 0 {
            if start == end { try fill(fd) }
            let take = min(left, end - start)
            start += take
            left -= take
        }
    }
}
