import SidecarModel
import Testing

@testable import OTLPWire

@Suite("Protobuf round trips")
struct ProtobufRoundTripTests {
    @Test func tracesRoundTrip() throws {
        let bytes = OTLPProtobuf.encode(Samples.traces)
        let back = try OTLPProtobuf.decodeTraces(bytes)
        #expect(back == Samples.traces)
        #expect(OTLPProtobuf.encode(back) == bytes)
    }

    @Test func metricsRoundTrip() throws {
        let bytes = OTLPProtobuf.encode(Samples.metrics)
        let back = try OTLPProtobuf.decodeMetrics(bytes)
        // NaN gauge values make `==` false by IEEE rules, so compare the canonical encodings.
        #expect(OTLPProtobuf.encode(back) == bytes)
        #expect(back.dataPointCount == Samples.metrics.dataPointCount)
        guard case .exponentialHistogram(let h) = back.resourceMetrics[0].scopeMetrics[0].metrics[3].data else {
            Issue.record("expected an exponential histogram")
            return
        }
        #expect(h.dataPoints[0].scale == -3)
        #expect(h.dataPoints[0].positive?.offset == -5)
        #expect(h.dataPoints[0].positive?.bucketCounts == [1, 300, 0])
        #expect(h.dataPoints[0].negative == ExponentialBuckets())
    }

    @Test func logsRoundTrip() throws {
        let bytes = OTLPProtobuf.encode(Samples.logs)
        let back = try OTLPProtobuf.decodeLogs(bytes)
        #expect(back == Samples.logs)
    }

    @Test func responsesRoundTrip() throws {
        for r in [ExportResponse(), ExportResponse(partialSuccess: PartialSuccess()), ExportResponse(partialSuccess: PartialSuccess(rejected: 3, errorMessage: "bad"))] {
            #expect(try OTLPProtobuf.decodeResponse(OTLPProtobuf.encode(r)) == r)
        }
    }

    @Test func emptyInputIsAnEmptyRequest() throws {
        #expect(try OTLPProtobuf.decodeTraces([]) == TracesData())
        #expect(try OTLPProtobuf.decodeMetrics([]) == MetricsData())
    }

    @Test func knownEncodingOfASmallSpan() throws {
        // Span{name:"a", kind:SERVER} inside ScopeSpans inside ResourceSpans, checked by hand against the schema.
        let d = TracesData(resourceSpans: [ResourceSpans(scopeSpans: [ScopeSpans(spans: [Span(name: "a", kind: .server)])])])
        #expect(OTLPProtobuf.encode(d) == [0x0A, 0x09, 0x12, 0x07, 0x12, 0x05, 0x2A, 0x01, 0x61, 0x30, 0x02])
    }

    @Test func largeMessagesGetMultiByteLengths() throws {
        let big = String(repeating: "x", count: 70_000)
        let d = TracesData(resourceSpans: [ResourceSpans(scopeSpans: [ScopeSpans(spans: [Span(name: big)])])])
        let back = try OTLPProtobuf.decodeTraces(OTLPProtobuf.encode(d))
        #expect(back.resourceSpans[0].scopeSpans[0].spans[0].name == big)
    }

    @Test func unknownFieldsAreSkipped() throws {
        // Span with unknown fields 100 (varint), 101 (fixed64), 102 (bytes), 103 (fixed32), a group 104, then name.
        var span: [UInt8] = [0xA0, 0x06, 0x7F]
        span += [0xA9, 0x06] + [UInt8](repeating: 1, count: 8)
        span += [0xB2, 0x06, 0x02, 0xAA, 0xBB]
        span += [0xBD, 0x06, 1, 2, 3, 4]
        span += [0xC3, 0x06, 0x08, 0x01, 0xC4, 0x06]
        span += [0x2A, 0x01, 0x62]
        let scope: [UInt8] = [0x12, UInt8(span.count)] + span
        let rs: [UInt8] = [0x12, UInt8(scope.count)] + scope
        let req: [UInt8] = [0x0A, UInt8(rs.count)] + rs
        let d = try OTLPProtobuf.decodeTraces(req)
        #expect(d.resourceSpans[0].scopeSpans[0].spans[0].name == "b")
    }

    @Test func unpackedRepeatedFieldsAreAccepted() throws {
        // HistogramDataPoint with bucket_counts (6) as two unpacked fixed64 values.
        var dp: [UInt8] = [0x31] + [2, 0, 0, 0, 0, 0, 0, 0]
        dp += [0x31] + [3, 0, 0, 0, 0, 0, 0, 0]
        let hist: [UInt8] = [0x0A, UInt8(dp.count)] + dp
        let metric: [UInt8] = [0x4A, UInt8(hist.count)] + hist
        let sm: [UInt8] = [0x12, UInt8(metric.count)] + metric
        let rm: [UInt8] = [0x12, UInt8(sm.count)] + sm
        let req: [UInt8] = [0x0A, UInt8(rm.count)] + rm
        let d = try OTLPProtobuf.decodeMetrics(req)
        guard case .histogram(let h) = d.resourceMetrics[0].scopeMetrics[0].metrics[0].data else {
            Issue.record("expected histogram")
            return
        }
        #expect(h.dataPoints[0].bucketCounts == [2, 3])
    }
}
