import Foundation
import Ingest
import NIOCore
import NIOHTTP1
import Testing

/// gzip/deflate through the system zlib, against the gzip(1) and Python zlib implementations.
@Suite struct ContentCodingTests {
    let payload: [UInt8] = Array((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) })

    @Test func gunzipsWhatGzipMadeIncludingConcatenatedMembers() async throws {
        let gz = try await Peers.gzip(payload)
        let one = try HTTPContentCoding.decode(ByteBuffer(bytes: gz), codings: [.gzip], limit: payload.count)
        #expect(Array(one.readableBytesView) == payload)
        let two = try HTTPContentCoding.decode(ByteBuffer(bytes: gz + gz), codings: [.gzip], limit: 2 * payload.count)
        #expect(Array(two.readableBytesView) == payload + payload)
    }

    @Test func limitIsExact() async throws {
        let gz = try await Peers.gzip(payload)
        #expect(throws: HTTPContentCoding.Failure.tooLarge) {
            try HTTPContentCoding.decode(ByteBuffer(bytes: gz), codings: [.gzip], limit: payload.count - 1)
        }
        #expect(throws: Never.self) { try HTTPContentCoding.decode(ByteBuffer(bytes: gz), codings: [.gzip], limit: payload.count) }
    }

    @Test func truncatedOrCorruptStreamsAreRejected() async throws {
        let gz = try await Peers.gzip(payload)
        for broken in [Array(gz.prefix(gz.count / 2)), Array("not gzip at all".utf8), []] {
            #expect(throws: HTTPContentCoding.Failure.self) {
                try HTTPContentCoding.decode(ByteBuffer(bytes: broken), codings: [.gzip], limit: 1 << 20)
            }
        }
    }

    @Test func deflateZlibAndRawFromPython() async throws {
        let python = try Peers.python()
        let script = """
        import sys, zlib
        data = bytes((i * 31 + (i >> 7)) & 0xFF for i in range(50000))
        raw = zlib.compressobj(6, zlib.DEFLATED, -15)
        sys.stdout.write(zlib.compress(data).hex() + "\\n" + (raw.compress(data) + raw.flush()).hex())
        """
        let out = try await Peers.run(python, ["-c", script])
        let lines = out.text.split(separator: "\n")
        try #require(lines.count == 2, "\(out.stderr)")
        for hex in lines {
            let bytes = try ExpectedTraces.hexBytes(String(hex))
            let decoded = try HTTPContentCoding.decode(ByteBuffer(bytes: bytes), codings: [.deflate], limit: 1 << 20)
            #expect(Array(decoded.readableBytesView) == payload)
        }
    }

    @Test func gzipOutputIsReadByGzip() async throws {
        let gz = HTTPContentCoding.gzip(payload)
        let out = try await Peers.run(try Peers.tool("gzip", package: "gzip"), ["-d", "-c"], stdin: gz)
        #expect(out.status == 0)
        #expect(out.stdout == payload)
        #expect(HTTPContentCoding.gzip([]).count > 0)
    }

    @Test func headerParsing() {
        #expect(HTTPContentCoding.parse(["content-encoding": "GZIP"]) == [.gzip])
        #expect(HTTPContentCoding.parse(["content-encoding": "identity"]) == [])
        #expect(HTTPContentCoding.parse(["content-encoding": "deflate, gzip"]) == [.deflate, .gzip])
        #expect(HTTPContentCoding.parse(["content-encoding": "br"]) == nil)
        #expect(HTTPContentCoding.acceptsGzip(["accept-encoding": "br, gzip;q=0.5"]))
        #expect(!HTTPContentCoding.acceptsGzip(["accept-encoding": "gzip;q=0, *"]))
        #expect(HTTPContentCoding.acceptsGzip(["accept-encoding": "*"]))
        #expect(!HTTPContentCoding.acceptsGzip([:]))
    }
}
