import OTLPWire
import SidecarModel
import Testing

/// Decoding shares repeated long strings (`StringInterner`): more distinct strings than the table has slots,
/// repeated in a shuffled order, with lengths around the interning bounds, must decode exactly as encoded.
@Suite struct InternerTests {
    @Test func repeatedAndCollidingStringsDecodeExactly() throws {
        var strings: [String] = []
        for i in 0..<700 {
            let length = [15, 16, 17, 31, 64, 255, 256, 257][i % 8]
            let stem = "k\(i)-é✓-"
            strings.append(String((stem + String(repeating: "x", count: length)).utf8.prefix(length))!)
        }
        var spans: [Span] = []
        var state: UInt64 = 7
        for s in 0..<2000 {
            var attributes: [Attribute] = []
            for _ in 0..<4 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let k = strings[Int(state >> 33) % strings.count]
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let v = strings[Int(state >> 33) % strings.count]
                attributes.append(Attribute(k, .string(v)))
            }
            spans.append(Span(traceId: TraceID(high: 1, low: UInt64(s)), spanId: SpanID(UInt64(s + 1)), name: strings[s % strings.count],
                              attributes: attributes))
        }
        let data = TracesData(resourceSpans: [ResourceSpans(scopeSpans: [ScopeSpans(spans: spans)])])
        let decoded = try OTLPProtobuf.decodeTraces(OTLPProtobuf.encode(data))
        #expect(decoded == data)
    }
}
