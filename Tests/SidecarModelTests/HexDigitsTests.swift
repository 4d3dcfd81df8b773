import SidecarModel
import Testing

@Suite struct HexDigitsTests {
    static func parse(_ s: String) -> UInt64? {
        let bytes = Array(s.utf8)
        return bytes.withUnsafeBufferPointer { HexDigits.parse64($0) }
    }

    @Test func parsesSixteenDigitsInEitherCase() {
        #expect(Self.parse("0123456789abcdef") == 0x0123_4567_89AB_CDEF)
        #expect(Self.parse("FEDCBA9876543210") == 0xFEDC_BA98_7654_3210)
        #expect(Self.parse("ffffffffffffffff") == .max)
        #expect(Self.parse("0000000000000000") == 0)
    }

    @Test func rejectsEveryNonDigitAtEveryPosition() {
        // The bytes just outside each digit range, and non-ASCII.
        let bad: [UInt8] = [0x00, 0x2F, 0x3A, 0x40, 0x47, 0x60, 0x67, 0x7F, 0x80, 0xC3, 0xFF, 0x20, 0x2D]
        for position in 0..<16 {
            for b in bad {
                var bytes = Array("0123456789abcdef".utf8)
                bytes[position] = b
                #expect(bytes.withUnsafeBufferPointer { HexDigits.parse64($0) } == nil, "byte \(b) at \(position)")
            }
        }
        #expect(Self.parse("0123456789abcde") == nil)
        #expect(Self.parse("0123456789abcdef0") == nil)
    }
}
