import CZlib
import NIOCore
import NIOHTTP1

/// `Content-Encoding` of request bodies: gzip and deflate through the system zlib, with a hard bound on the
/// decoded size (a zip bomb stops at `limit + 1` bytes of output), and gzip for responses.
public enum HTTPContentCoding: String, Sendable, Hashable {
    case identity
    case gzip
    /// HTTP's `deflate` is the zlib format (RFC 1950); a raw deflate stream, which some clients send, is
    /// accepted too.
    case deflate

    public enum Failure: Error, Sendable, Hashable {
        /// The decoded body would exceed the limit.
        case tooLarge
        /// Not a valid (or a truncated) compressed stream.
        case corrupt(String)
    }

    /// The codings of a `Content-Encoding` header in the order they were applied; nil when one is not
    /// supported. Absent or `identity` gives `[]`.
    public static func parse(_ headers: HTTPHeaders) -> [HTTPContentCoding]? {
        var codings: [HTTPContentCoding] = []
        for value in headers["content-encoding"] {
            for token in value.split(separator: ",") {
                let name = token.trimmingASCIISpaces().lowercased()
                switch name {
                case "", "identity": continue
                case "gzip", "x-gzip": codings.append(.gzip)
                case "deflate": codings.append(.deflate)
                default: return nil
                }
            }
        }
        return codings
    }

    /// Undoes `codings` (last applied first). Each step is bounded by `limit` decoded bytes.
    public static func decode(_ body: ByteBuffer, codings: [HTTPContentCoding], limit: Int,
                              allocator: ByteBufferAllocator = ByteBufferAllocator()) throws(Failure) -> ByteBuffer {
        var current = body
        for coding in codings.reversed() {
            switch coding {
            case .identity: continue
            case .gzip: current = try inflate(current, windowBits: 15 + 16, limit: limit, allocator: allocator)
            case .deflate:
                do throws(Failure) {
                    current = try inflate(current, windowBits: 15, limit: limit, allocator: allocator)
                } catch .corrupt {
                    current = try inflate(current, windowBits: -15, limit: limit, allocator: allocator)
                }
            }
        }
        return current
    }

    /// Inflates `input` (gzip: `15 + 16`, zlib: `15`, raw: `-15`). Concatenated gzip members are decoded
    /// one after the other, as gzip(1) does.
    static func inflate(_ input: ByteBuffer, windowBits: Int32, limit: Int, allocator: ByteBufferAllocator) throws(Failure) -> ByteBuffer {
        guard input.readableBytes <= Int(UInt32.max) else { throw .tooLarge }
        var stream = z_stream()
        guard czlib_inflate_init(&stream, windowBits) == Z_OK else { throw .corrupt("zlib initialisation failed") }
        defer { inflateEnd(&stream) }
        var out = allocator.buffer(capacity: min(max(input.readableBytes * 4, 4096), limit + 1, 1 << 20))
        let result: Failure? = input.withUnsafeReadableBytes { raw -> Failure? in
            guard let base = raw.baseAddress, raw.count > 0 else { return .corrupt("empty compressed body") }
            stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(raw.count)
            while true {
                // Never give zlib room for more than limit + 1 bytes in total: one byte over proves the excess.
                let room = min(64 * 1024, limit + 1 - out.readableBytes)
                if room <= 0 { return .tooLarge }
                var rc: Int32 = Z_OK
                out.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { dst in
                    stream.next_out = dst.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    stream.avail_out = UInt32(room)
                    rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return room - Int(stream.avail_out)
                }
                if out.readableBytes > limit { return .tooLarge }
                switch rc {
                case Z_STREAM_END:
                    if stream.avail_in == 0 { return nil }
                    // Another gzip member follows (only gzip streams have members).
                    guard windowBits > 15 else { return .corrupt("trailing bytes after the compressed stream") }
                    guard inflateReset(&stream) == Z_OK else { return .corrupt("zlib reset failed") }
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: with input left zlib needs more room (loop), without it is truncated.
                    if stream.avail_in == 0 { return .corrupt("truncated compressed body") }
                case Z_NEED_DICT:
                    return .corrupt("a preset dictionary is not supported")
                default:
                    return .corrupt(stream.msg.map { String(cString: $0) } ?? "invalid compressed data")
                }
            }
        }
        if let result { throw result }
        return out
    }

    /// gzip-compresses `bytes` (for responses, e.g. `/metrics` when the client accepts gzip).
    public static func gzip(_ bytes: UnsafeRawBufferPointer, level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        guard czlib_deflate_init(&stream, level, 15 + 16) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 32
        var out = [UInt8](repeating: 0, count: bound)
        var written = 0
        out.withUnsafeMutableBytes { dst in
            var empty: UInt8 = 0
            withUnsafeMutablePointer(to: &empty) { emptyPtr in
                stream.next_in = bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) } ?? emptyPtr
                stream.avail_in = UInt32(bytes.count)
                stream.next_out = dst.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(dst.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
                written = dst.count - Int(stream.avail_out)
            }
        }
        out.removeLast(out.count - written)
        return out
    }

    public static func gzip(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        bytes.withUnsafeBytes { gzip($0, level: level) }
    }

    /// Whether `Accept-Encoding` allows gzip (`gzip`, `x-gzip` or `*`, with a q-value above 0).
    public static func acceptsGzip(_ headers: HTTPHeaders) -> Bool {
        var gzipQ: Double?
        var starQ: Double?
        for value in headers["accept-encoding"] {
            for token in value.split(separator: ",") {
                let parts = token.split(separator: ";")
                guard let first = parts.first else { continue }
                let name = first.trimmingASCIISpaces().lowercased()
                var q = 1.0
                for p in parts.dropFirst() {
                    let kv = p.trimmingASCIISpaces()
                    if kv.lowercased().hasPrefix("q=") { q = Double(kv.dropFirst(2)) ?? 0 }
                }
                if name == "gzip" || name == "x-gzip" { gzipQ = q } else if name == "*" { starQ = q }
            }
        }
        if let gzipQ { return gzipQ > 0 }
        return (starQ ?? 0) > 0
    }
}

extension HTTPResponse {
    /// This response gzip-compressed when the request accepts gzip and the body has at least `minimumBytes`
    /// (adds `Content-Encoding: gzip` and `Vary: Accept-Encoding`); otherwise unchanged.
    public func compressed(for request: HTTPRequest, minimumBytes: Int = 1024) -> HTTPResponse {
        guard body.readableBytes >= minimumBytes, !headers.contains(name: "content-encoding"),
              HTTPContentCoding.acceptsGzip(request.headers) else { return self }
        var r = self
        r.body = ByteBuffer(bytes: body.withUnsafeReadableBytes { HTTPContentCoding.gzip($0) })
        r.headers.replaceOrAdd(name: "content-encoding", value: "gzip")
        r.headers.add(name: "vary", value: "Accept-Encoding")
        return r
    }
}

extension StringProtocol {
    func trimmingASCIISpaces() -> Substring {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
