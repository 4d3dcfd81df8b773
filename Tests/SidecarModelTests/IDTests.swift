import SidecarModel
import Testing

@Suite("Trace and span ids")
struct IDTests {
    @Test func hexRoundTrip() {
        let t = TraceID(hex: "5B8EFFF798038103D269B633813FC60C")
        #expect(t?.hex == "5b8efff798038103d269b633813fc60c")
        #expect(t?.bytes == [0x5B, 0x8E, 0xFF, 0xF7, 0x98, 0x03, 0x81, 0x03, 0xD2, 0x69, 0xB6, 0x33, 0x81, 0x3F, 0xC6, 0x0C])
        #expect(TraceID(bytes: t!.bytes) == t)
        let s = SpanID(hex: "eee19b7ec3c1b174")
        #expect(s?.value == 0xEEE1_9B7E_C3C1_B174)
        #expect(SpanID(bytes: s!.bytes) == s)
    }

    @Test(arguments: ["", "abc", "5b8efff798038103d269b633813fc60", "5b8efff798038103d269b633813fc60cc", "5b8efff798038103d269b633813fc60g"])
    func invalidTraceHex(_ s: String) {
        #expect(TraceID(hex: s) == nil)
    }

    @Test func validity() {
        #expect(!TraceID.invalid.isValid)
        #expect(TraceID(high: 0, low: 1).isValid)
        #expect(!SpanID.invalid.isValid)
        #expect(SpanID(bytes: [1, 2, 3]) == nil)
    }

    @Test func attributeValueEqualityIsBitwiseForDoubles() {
        #expect(AttributeValue.double(.nan) == .double(.nan))
        #expect(AttributeValue.double(0.0) != .double(-0.0))
        #expect([Attribute("a", 1)][key: "a"] == .int(1))
    }
}
