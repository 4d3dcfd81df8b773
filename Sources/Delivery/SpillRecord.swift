import SidecarModel

/// The on-disk record of the spill, little-endian:
///
/// ```
/// u32 magic "OSR1" | u32 payload length | u32 items | u8 signal | u8 0 | u16 0 | u32 CRC-32C | payload
/// ```
///
/// The CRC covers the items, signal and reserved bytes (header bytes 8..<16) and the payload, so a torn or
/// flipped record is detected whatever part of it is damaged; a bad magic or length is detected first.
enum SpillRecord {
    static let headerSize = 20
    static let magic: UInt32 = 0x3152_534F  // "OSR1"
    /// Larger lengths are corruption (a batch is at most `queue.max_bytes`, and segments are smaller still).
    static let maxPayload = 1 << 30

    static func signalCode(_ s: Signal) -> UInt8 {
        switch s {
        case .traces: 1
        case .metrics: 2
        case .logs: 3
        }
    }

    static func header(for batch: EncodedBatch) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: headerSize)
        put(&h, 0, magic)
        put(&h, 4, UInt32(batch.byteCount))
        put(&h, 8, UInt32(clamping: batch.itemCount))
        h[12] = signalCode(batch.signal)
        var crc = h.withUnsafeBytes { CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: $0[8..<16])) }
        crc = batch.bytes.withUnsafeBytes { CRC32C.extend(crc, $0) }
        put(&h, 16, crc)
        return h
    }

    struct Header {
        var length: Int
        var items: Int
        var crc: UInt32
        var crcPrefix: UInt32
    }

    /// Parses and checks a header against the expected signal; nil when it cannot be a record.
    static func parse(_ h: [UInt8], signal: Signal) -> Header? {
        guard h.count == headerSize, get(h, 0) == magic, h[12] == signalCode(signal), h[13] == 0, h[14] == 0, h[15] == 0 else { return nil }
        let length = Int(get(h, 4))
        guard length <= maxPayload else { return nil }
        let prefix = h.withUnsafeBytes { CRC32C.extend(0, UnsafeRawBufferPointer(rebasing: $0[8..<16])) }
        return Header(length: length, items: Int(get(h, 8)), crc: get(h, 16), crcPrefix: prefix)
    }

    static func payloadIsValid(_ payload: [UInt8], _ h: Header) -> Bool {
        payload.withUnsafeBytes { CRC32C.extend(h.crcPrefix, $0) } == h.crc
    }

    static func put(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        b[at] = UInt8(truncatingIfNeeded: v)
        b[at + 1] = UInt8(truncatingIfNeeded: v >> 8)
        b[at + 2] = UInt8(truncatingIfNeeded: v >> 16)
        b[at + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }

    static func get(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func put64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) {
        put(&b, at, UInt32(truncatingIfNeeded: v))
        put(&b, at + 4, UInt32(truncatingIfNeeded: v >> 32))
    }

    static func get64(_ b: [UInt8], _ at: Int) -> UInt64 {
        UInt64(get(b, at)) | UInt64(get(b, at + 4)) << 32
    }

    static func segmentName(_ seq: UInt64) -> String {
        let hex = String(seq, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".seg"
    }

    static func segmentSeq(_ name: String) -> UInt64? {
        guard name.hasSuffix(".seg"), name.utf8.count == 20 else { return nil }
        return UInt64(name.prefix(16), radix: 16)
    }
}
