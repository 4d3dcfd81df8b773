import EventProtocol
import SidecarModel
import Testing

/// The allocation-free parsing paths (traceparent, ids, durations) agree with the slow, general ones.
@Suite("Event line fast paths")
struct FastPathTests {
    let decoder = EventDecoder(clock: { 1_000_000_000_000 }, randomID: { 7 })

    func span(_ extra: String) throws -> Span {
        guard case .span(let s, _) = try decoder.decode(#"{"type":"span","name":"x","# + extra + "}") else {
            throw EventError(.invalidJSON, "not a span")
        }
        return s
    }

    @Test(arguments: [
        ("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01", true),
        ("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-future", true),
        ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", false),
        ("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", false),
        ("00-00000000000000000000000000000000-b7ad6b7169203331-01", false),
        ("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", false),
        ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0", false),
        ("00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", false),
    ])
    func traceparents(_ tp: String, _ valid: Bool) throws {
        if valid {
            let s = try span(#""traceparent":"\#(tp)""#)
            #expect(s.traceId.hex == "0af7651916cd43dd8448eb211c80319c")
            #expect(s.parentSpanId.hex == "b7ad6b7169203331")
        } else {
            #expect(throws: EventError.self) { try span(#""traceparent":"\#(tp)""#) }
        }
    }

    @Test(arguments: [("12", 12_000_000), ("12.5", 12_500_000), ("0.000001", 1), ("0.1234567", 123_456), ("1e3", 1_000_000_000), ("0", 0)] as [(String, UInt64)])
    func durations(_ ms: String, _ nanos: UInt64) throws {
        let s = try span(#""startTimeUnixNano":1000,"durationMs":\#(ms)"#)
        #expect(s.endTimeUnixNano - s.startTimeUnixNano == nanos)
    }

    @Test func negativeDurationsAreRejected() {
        #expect(throws: EventError.self) { try span(#""durationMs":-1"#) }
    }

    @Test func idsInEitherCase() throws {
        let s = try span(#""traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174""#)
        #expect(s.traceId.hex == "5b8efff798038103d269b633813fc60c")
        #expect(s.spanId.hex == "eee19b7ec3c1b174")
        #expect(throws: EventError.self) { try span(#""spanId":"eee19b7ec3c1b17""#) }
    }
}
