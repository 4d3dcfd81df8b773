import SidecarModel

/// Owns the writer's bytes (freed with the last copy of the writer).
final class ProtoWriterStorage {
    var pointer: UnsafeMutablePointer<UInt8>

    init(capacity: Int) { pointer = .allocate(capacity: capacity) }
    deinit { pointer.deallocate() }
}

/// Appends protobuf fields to a growable byte buffer. Default (zero) scalar values are omitted, as proto3
/// does. Nested messages reserve one length byte and shift the body only when it needs more.
///
/// The bytes live in an unsafe buffer doubled on demand, not in an `Array`: an encode makes thousands of
/// one-byte appends, and an array checks uniqueness and capacity on each (a fifth of encoding time). A
/// writer is used through one variable (and `inout`); copies would share the buffer.
struct ProtoWriter {
    private let storage: ProtoWriterStorage
    private var p: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written.
    private(set) var count = 0

    init(capacity: Int) {
        let c = max(capacity, 16)
        storage = ProtoWriterStorage(capacity: c)
        p = storage.pointer
        self.capacity = c
    }

    /// The bytes written, as an array (one copy).
    var buf: [UInt8] { Array(UnsafeBufferPointer(start: p, count: count)) }

    @inline(__always)
    mutating func reserve(_ n: Int) {
        if count &+ n > capacity { grow(count + n) }
    }

    @inline(never)
    mutating func grow(_ needed: Int) {
        let c = max(needed, capacity * 2)
        let q = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        q.initialize(from: p, count: count)
        storage.pointer.deallocate()
        storage.pointer = q
        p = q
        capacity = c
    }

    @inline(__always)
    mutating func append(_ b: UInt8) {
        reserve(1)
        p[count] = b
        count &+= 1
    }

    @inline(__always)
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0 else { return }
        reserve(n)
        UnsafeMutableRawPointer(p + count).copyMemory(from: bytes.baseAddress!, byteCount: n)
        count &+= n
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    @inline(__always)
    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        append(UInt8(truncatingIfNeeded: v))
    }

    @inline(__always)
    mutating func tag(_ field: UInt32, _ wireType: UInt8) {
        varint(UInt64(field) << 3 | UInt64(wireType))
    }

    @inline(__always)
    mutating func fixed64Raw(_ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { append($0) }
    }

    @inline(__always)
    mutating func bigEndian64(_ v: UInt64) {
        withUnsafeBytes(of: v.bigEndian) { append($0) }
    }

    @inline(__always)
    mutating func fixed32Raw(_ v: UInt32) {
        withUnsafeBytes(of: v.littleEndian) { append($0) }
    }

    // MARK: fields (omitted when zero)

    @inline(__always)
    mutating func uint64(_ field: UInt32, _ v: UInt64) {
        guard v != 0 else { return }
        tag(field, WireType.varint)
        varint(v)
    }

    @inline(__always)
    mutating func int64(_ field: UInt32, _ v: Int64) {
        uint64(field, UInt64(bitPattern: v))
    }

    /// int32 / enum: negative values are sign-extended to 10 bytes, as protobuf requires.
    @inline(__always)
    mutating func int32(_ field: UInt32, _ v: Int32) {
        uint64(field, UInt64(bitPattern: Int64(v)))
    }

    @inline(__always)
    mutating func sint32(_ field: UInt32, _ v: Int32) {
        let z = UInt32(bitPattern: (v << 1) ^ (v >> 31))
        uint64(field, UInt64(z))
    }

    @inline(__always)
    mutating func bool(_ field: UInt32, _ v: Bool) {
        guard v else { return }
        tag(field, WireType.varint)
        append(1)
    }

    @inline(__always)
    mutating func fixed64(_ field: UInt32, _ v: UInt64) {
        guard v != 0 else { return }
        tag(field, WireType.fixed64)
        fixed64Raw(v)
    }

    @inline(__always)
    mutating func fixed32(_ field: UInt32, _ v: UInt32) {
        guard v != 0 else { return }
        tag(field, WireType.fixed32)
        fixed32Raw(v)
    }

    /// proto3 implicit presence: +0.0 is omitted, -0.0 is written (its bits are not zero).
    @inline(__always)
    mutating func double(_ field: UInt32, _ v: Double) {
        fixed64(field, v.bitPattern)
    }

    /// Explicit presence (`optional double`, oneof members): written whenever present.
    @inline(__always)
    mutating func doubleAlways(_ field: UInt32, _ v: Double) {
        tag(field, WireType.fixed64)
        fixed64Raw(v.bitPattern)
    }

    @inline(__always)
    mutating func string(_ field: UInt32, _ s: String) {
        guard !s.isEmpty else { return }
        stringAlways(field, s)
    }

    @inline(__always)
    mutating func stringAlways(_ field: UInt32, _ s: String) {
        tag(field, WireType.lengthDelimited)
        var s = s
        s.withUTF8 { u in
            varint(UInt64(u.count))
            append(UnsafeRawBufferPointer(u))
        }
    }

    mutating func bytesAlways(_ field: UInt32, _ b: [UInt8]) {
        tag(field, WireType.lengthDelimited)
        varint(UInt64(b.count))
        append(b)
    }

    @inline(__always)
    mutating func traceID(_ field: UInt32, _ id: TraceID) {
        guard id.isValid else { return }
        tag(field, WireType.lengthDelimited)
        append(16)
        bigEndian64(id.high)
        bigEndian64(id.low)
    }

    @inline(__always)
    mutating func spanID(_ field: UInt32, _ id: SpanID) {
        guard id.isValid else { return }
        tag(field, WireType.lengthDelimited)
        append(8)
        bigEndian64(id.value)
    }

    mutating func packedFixed64(_ field: UInt32, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        tag(field, WireType.lengthDelimited)
        varint(UInt64(values.count * 8))
        for v in values { fixed64Raw(v) }
    }

    mutating func packedDouble(_ field: UInt32, _ values: [Double]) {
        guard !values.isEmpty else { return }
        tag(field, WireType.lengthDelimited)
        varint(UInt64(values.count * 8))
        for v in values { fixed64Raw(v.bitPattern) }
    }

    mutating func packedVarint(_ field: UInt32, _ values: [UInt64]) {
        guard !values.isEmpty else { return }
        var size = 0
        for v in values { size += Self.varintSize(v) }
        tag(field, WireType.lengthDelimited)
        varint(UInt64(size))
        for v in values { varint(v) }
    }

    @inline(__always)
    static func varintSize(_ v: UInt64) -> Int {
        // 1 + floor(bits / 7), with 0 taking one byte.
        let bits = 64 - (v | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// Writes a length-delimited sub-message (always present, even when empty).
    @inline(__always)
    mutating func message(_ field: UInt32, _ body: (inout ProtoWriter) -> Void) {
        tag(field, WireType.lengthDelimited)
        let lenPos = count
        append(0)
        body(&self)
        let len = count - lenPos - 1
        if len < 0x80 {
            p[lenPos] = UInt8(truncatingIfNeeded: len)
        } else {
            patchLength(at: lenPos, len)
        }
    }

    mutating func patchLength(at lenPos: Int, _ len: Int) {
        let extra = Self.varintSize(UInt64(len)) - 1
        reserve(extra)
        // Shift the body right to make room for the longer length.
        (p + lenPos + 1 + extra).update(from: p + lenPos + 1, count: len)
        count += extra
        var v = UInt64(len)
        var i = lenPos
        while v >= 0x80 {
            p[i] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            i += 1
        }
        p[i] = UInt8(truncatingIfNeeded: v)
    }
}
