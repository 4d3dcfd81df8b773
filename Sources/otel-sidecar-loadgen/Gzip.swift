import CZlib

struct GzipError: Error, CustomStringConvertible {
    let description: String
}

/// gzip through the system zlib: compress request bodies once (loadgen), inflate request bodies (sink).
enum Gzip {
    static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(GzipError) -> [UInt8] {
        var stream = z_stream()
        guard czlib_deflate_init(&stream, level, 15 + 16) == Z_OK else { throw GzipError(description: "deflateInit failed") }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var rc: Int32 = Z_OK
        var written = 0
        var input = bytes
        input.withUnsafeMutableBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                stream.next_in = src.baseAddress
                stream.avail_in = UInt32(src.count)
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                rc = CZlib.deflate(&stream, Z_FINISH)
                written = dst.count - Int(stream.avail_out)
            }
        }
        guard rc == Z_STREAM_END else { throw GzipError(description: "deflate failed (\(rc))") }
        out.removeLast(out.count - written)
        return out
    }

    /// Inflates a gzip (`windowBits` 31), zlib (15) or raw deflate (-15) stream into at most `limit` bytes.
    static func inflate(_ input: UnsafeRawBufferPointer, windowBits: Int32 = 31, limit: Int = 256 << 20) throws(GzipError) -> [UInt8] {
        guard let base = input.baseAddress, input.count > 0 else { throw GzipError(description: "empty compressed body") }
        var stream = z_stream()
        guard czlib_inflate_init(&stream, windowBits) == Z_OK else { throw GzipError(description: "inflateInit failed") }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        out.reserveCapacity(min(input.count * 6, limit))
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = UInt32(input.count)
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            var rc: Int32 = Z_OK
            var produced = 0
            chunk.withUnsafeMutableBufferPointer { dst in
                stream.next_out = dst.baseAddress
                stream.avail_out = UInt32(dst.count)
                rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                produced = dst.count - Int(stream.avail_out)
            }
            out.append(contentsOf: chunk[0..<produced])
            if out.count > limit { throw GzipError(description: "inflated body over \(limit) bytes") }
            switch rc {
            case Z_STREAM_END:
                if stream.avail_in == 0 { return out }
                guard windowBits > 15, inflateReset(&stream) == Z_OK else { throw GzipError(description: "trailing bytes") }
            case Z_OK: continue
            case Z_BUF_ERROR where stream.avail_in > 0: continue
            default: throw GzipError(description: "corrupt compressed body (\(rc))")
            }
        }
    }
}
