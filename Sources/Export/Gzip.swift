import CZlib

/// gzip (RFC 1952) through the system zlib, for request bodies.
enum Gzip {
    /// Compresses `bytes` in one `deflate(Z_FINISH)` call into a buffer of `deflateBound` size; nil only if
    /// zlib cannot initialise (out of memory).
    static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8]? {
        guard bytes.count < Int(UInt32.max) / 2 else { return nil }
        var stream = z_stream()
        guard czlib_deflate_init(&stream, level, 15 + 16) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(bytes.count))) + 32
        var out = [UInt8](repeating: 0, count: bound)
        var rc: Int32 = Z_OK
        var written = 0
        bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                var empty: UInt8 = 0
                withUnsafeMutablePointer(to: &empty) { emptyPtr in
                    stream.next_in = src.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self)) } ?? emptyPtr
                    stream.avail_in = UInt32(src.count)
                    stream.next_out = dst.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    stream.avail_out = UInt32(dst.count)
                    rc = CZlib.deflate(&stream, Z_FINISH)
                    written = dst.count - Int(stream.avail_out)
                }
            }
        }
        guard rc == Z_STREAM_END else { return nil }
        out.removeLast(out.count - written)
        return out
    }
}
