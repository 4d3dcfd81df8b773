@testable import Delivery
import OTLPWire
import Pipeline
import SidecarModel
import Testing

@Suite struct CRCAndChunkingTests {
    @Test func crc32cKnownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test func crc32cExtendEqualsWhole() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let a = Array(data[..<cut]), b = Array(data[cut...])
            let joined = b.withUnsafeBytes { CRC32C.extend(CRC32C.checksum(a), $0) }
            #expect(joined == CRC32C.checksum(data))
        }
    }

    @Test func oversizedBatchIsSplitByItemsKeepingEverything() throws {
        let batch = traces(25)
        let chunks = Chunking.encode(batch, maxItems: 10, maxBytes: 1 << 20)
        #expect(chunks.map(\.itemCount) == [10, 10, 5])
        var names: [UInt64] = []
        for c in chunks {
            let d = try OTLPProtobuf.decodeTraces(c.bytes)
            #expect(d.spanCount == c.itemCount)
            names += d.resourceSpans.flatMap { $0.scopeSpans.flatMap { $0.spans.map(\.spanId.value) } }
        }
        #expect(names == (1...25).map(UInt64.init))
    }

    @Test func batchOverByteLimitIsHalvedUntilItFits() {
        let batch = traces(16, attributeBytes: 1000)
        let whole = EncodedBatch(batch).byteCount
        let chunks = Chunking.encode(batch, maxItems: 100, maxBytes: whole / 3)
        #expect(chunks.reduce(0) { $0 + $1.itemCount } == 16)
        #expect(chunks.allSatisfy { $0.byteCount <= whole / 3 })
        #expect(chunks.count >= 3)
    }

    @Test func metricsSplitInsideOneMetric() throws {
        let chunks = Chunking.encode(metrics(7), maxItems: 3, maxBytes: 1 << 20)
        #expect(chunks.map(\.itemCount) == [3, 3, 1])
        for c in chunks {
            let d = try OTLPProtobuf.decodeMetrics(c.bytes)
            #expect(d.dataPointCount == c.itemCount)
            #expect(d.resourceMetrics[0].scopeMetrics[0].metrics[0].name == "m")
        }
    }

    /// The batcher concatenates encoded chunks instead of re-encoding: that must decode to all records.
    @Test func concatenatedChunksDecodeAsOneRequest() throws {
        let a = EncodedBatch(logs(3)), b = EncodedBatch(logs(4))
        let joined = DeliveryCore.concatenate([
            QueuedChunk(batch: a, enqueuedAt: .zero, sequence: 1),
            QueuedChunk(batch: b, enqueuedAt: .zero, sequence: 2),
        ])
        #expect(joined.itemCount == 7)
        let d = try OTLPProtobuf.decodeLogs(joined.bytes)
        #expect(d.logRecordCount == 7)
        #expect(d.resourceLogs.count == 2)
        #expect(try joined.decoded() == .logs(d))
    }
}
