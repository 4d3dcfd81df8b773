import SidecarModel
import Testing

@testable import OTLPWire

@Suite("Protobuf malformed input")
struct ProtobufErrorTests {
    func decodeError(_ bytes: [UInt8], limits: DecodingLimits = .default) -> WireError? {
        do {
            _ = try OTLPProtobuf.decodeTraces(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test func truncatedLengthIsRejectedWithItsOffset() {
        let e = decodeError([0x0A, 0x05, 0x12, 0x00])
        #expect(e?.code == .invalidLength)
        #expect(e?.offset == 1)
    }

    @Test func truncatedVarint() {
        #expect(decodeError([0x0A, 0x80])?.code == .truncated)
    }

    @Test func overlongVarint() {
        #expect(decodeError([0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01])?.code == .malformedVarint)
    }

    @Test func fieldNumberZeroIsInvalid() {
        #expect(decodeError([0x00, 0x00])?.code == .invalidWireType)
    }

    @Test func invalidWireTypeInUnknownField() {
        #expect(decodeError([0x0F])?.code == .invalidWireType)  // field 1, wire type 7
    }

    @Test func hugeLengthDoesNotAllocate() {
        // Claims a 2^62-byte message: rejected from the length check before any allocation.
        #expect(decodeError([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x3F])?.code == .invalidLength)
    }

    @Test func wrongTraceIDLength() {
        let span: [UInt8] = [0x0A, 0x03, 1, 2, 3]
        let ss: [UInt8] = [0x12, UInt8(span.count)] + span
        let rs: [UInt8] = [0x12, UInt8(ss.count)] + ss
        let e = decodeError([0x0A, UInt8(rs.count)] + rs)
        #expect(e?.code == .invalidID)
        #expect(e?.offset == 7)
    }

    @Test func nestingIsBounded() {
        var v = AttributeValue.string("leaf")
        for _ in 0..<100 { v = .array([v]) }
        let d = TracesData(resourceSpans: [ResourceSpans(scopeSpans: [ScopeSpans(spans: [Span(attributes: [Attribute("k", v)])])])])
        let bytes = OTLPProtobuf.encode(d)
        #expect(decodeError(bytes)?.code == .depthExceeded)
        #expect(decodeError(bytes, limits: DecodingLimits(maxDepth: 200)) == nil)
    }

    @Test func invalidUTF8IsRepaired() throws {
        let span: [UInt8] = [0x2A, 0x02, 0xC3, 0x28]
        let ss: [UInt8] = [0x12, UInt8(span.count)] + span
        let rs: [UInt8] = [0x12, UInt8(ss.count)] + ss
        let d = try OTLPProtobuf.decodeTraces([0x0A, UInt8(rs.count)] + rs)
        #expect(d.resourceSpans[0].scopeSpans[0].spans[0].name == "\u{FFFD}(")
    }
}
