import SidecarModel

/// Wire types of the protobuf encoding.
enum WireType {
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2
    static let startGroup: UInt8 = 3
    static let endGroup: UInt8 = 4
    static let fixed32: UInt8 = 5
}

/// A bounds-checked cursor over protobuf bytes. Nested messages narrow `end`; nothing is copied.
struct ProtoReader {
    let base: UnsafePointer<UInt8>
    var pos: Int
    var end: Int
    var depth: Int
    let maxDepth: Int
    /// Wire type of the last tag read.
    var wireType: UInt8 = 0
    /// Shares repeated long strings of this decode (made on the first one).
    var interner: StringInterner?

    init(base: UnsafePointer<UInt8>, count: Int, limits: DecodingLimits) {
        self.base = base
        self.pos = 0
        self.end = count
        self.depth = 0
        self.maxDepth = limits.maxDepth
    }

    var isAtEnd: Bool { pos >= end }

    /// The next field number, or 0 at the end of the current message.
    @inline(__always)
    mutating func nextField() throws(WireError) -> UInt32 {
        if pos >= end { return 0 }
        let start = pos
        let key = try readVarint()
        let field = key >> 3
        wireType = UInt8(truncatingIfNeeded: key & 7)
        guard field != 0, field <= 0x1FFF_FFFF else {
            throw WireError(.invalidWireType, at: start, "field number \(field) is not valid")
        }
        return UInt32(truncatingIfNeeded: field)
    }

    @inline(__always)
    mutating func readVarint() throws(WireError) -> UInt64 {
        if pos < end {
            let b = base[pos]
            if b < 0x80 {
                pos += 1
                return UInt64(b)
            }
        }
        return try readVarintSlow()
    }

    mutating func readVarintSlow() throws(WireError) -> UInt64 {
        let start = pos
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard pos < end else { throw WireError(.truncated, at: start, "varint runs past the end") }
            let b = base[pos]
            pos += 1
            if shift == 63 && b > 1 { throw WireError(.malformedVarint, at: start, "varint longer than 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
            if shift > 63 { throw WireError(.malformedVarint, at: start, "varint longer than 10 bytes") }
        }
    }

    @inline(__always)
    mutating func readFixed64() throws(WireError) -> UInt64 {
        guard end - pos >= 8 else { throw WireError(.truncated, at: pos, "fixed64 runs past the end") }
        let v = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self)
        pos += 8
        return UInt64(littleEndian: v)
    }

    @inline(__always)
    mutating func readFixed32() throws(WireError) -> UInt32 {
        guard end - pos >= 4 else { throw WireError(.truncated, at: pos, "fixed32 runs past the end") }
        let v = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt32.self)
        pos += 4
        return UInt32(littleEndian: v)
    }

    /// Reads a length prefix and checks it against what remains of the current message.
    @inline(__always)
    mutating func readLength() throws(WireError) -> Int {
        let start = pos
        let len = try readVarint()
        guard len <= UInt64(end - pos) else {
            throw WireError(.invalidLength, at: start, "length \(len) exceeds the \(end - pos) bytes that remain")
        }
        return Int(len)
    }

    // MARK: typed field readers that tolerate the wire type actually sent

    mutating func expect(_ wt: UInt8) throws(WireError) -> Bool {
        if wireType == wt { return true }
        try skipField()
        return false
    }

    @inline(__always)
    mutating func uint64Field() throws(WireError) -> UInt64? {
        guard try expect(WireType.varint) else { return nil }
        return try readVarint()
    }

    @inline(__always)
    mutating func fixed64Field() throws(WireError) -> UInt64? {
        guard try expect(WireType.fixed64) else { return nil }
        return try readFixed64()
    }

    @inline(__always)
    mutating func fixed32Field() throws(WireError) -> UInt32? {
        guard try expect(WireType.fixed32) else { return nil }
        return try readFixed32()
    }

    @inline(__always)
    mutating func doubleField() throws(WireError) -> Double? {
        guard let bits = try fixed64Field() else { return nil }
        return Double(bitPattern: bits)
    }

    @inline(__always)
    mutating func stringField() throws(WireError) -> String? {
        guard try expect(WireType.lengthDelimited) else { return nil }
        let len = try readLength()
        let s: String
        if len >= StringInterner.minLength && len <= StringInterner.maxLength {
            if interner == nil { interner = StringInterner() }
            s = interner!.string(base + pos, count: len)
        } else {
            s = String(decoding: UnsafeBufferPointer(start: base + pos, count: len), as: UTF8.self)
        }
        pos += len
        return s
    }

    mutating func bytesField() throws(WireError) -> [UInt8]? {
        guard try expect(WireType.lengthDelimited) else { return nil }
        let len = try readLength()
        let b = Array(UnsafeBufferPointer(start: base + pos, count: len))
        pos += len
        return b
    }

    mutating func traceIDField() throws(WireError) -> TraceIDResult {
        guard try expect(WireType.lengthDelimited) else { return .skipped }
        let start = pos
        let len = try readLength()
        if len == 0 { return .value(.invalid) }
        guard len == 16 else { throw WireError(.invalidID, at: start, "trace id must be 16 bytes, got \(len)") }
        let h = UInt64(bigEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
        let l = UInt64(bigEndian: UnsafeRawPointer(base + pos + 8).loadUnaligned(as: UInt64.self))
        pos += 16
        return .value(TraceID(high: h, low: l))
    }

    mutating func spanIDField() throws(WireError) -> SpanIDResult {
        guard try expect(WireType.lengthDelimited) else { return .skipped }
        let start = pos
        let len = try readLength()
        if len == 0 { return .value(.invalid) }
        guard len == 8 else { throw WireError(.invalidID, at: start, "span id must be 8 bytes, got \(len)") }
        let v = UInt64(bigEndian: UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self))
        pos += 8
        return .value(SpanID(v))
    }

    /// Runs `body` over the sub-message that follows (a length-delimited field), restoring the bounds afterwards.
    @inline(__always)
    mutating func message<T>(_ body: (inout ProtoReader) throws(WireError) -> T) throws(WireError) -> T? {
        guard try expect(WireType.lengthDelimited) else { return nil }
        let len = try readLength()
        let savedEnd = end
        end = pos + len
        let v = try body(&self)
        pos = end
        end = savedEnd
        return v
    }

    /// Descends one level of recursive nesting (AnyValue arrays and maps).
    mutating func enterRecursion() throws(WireError) {
        depth += 1
        if depth > maxDepth { throw WireError(.depthExceeded, at: pos, "nesting deeper than \(maxDepth)") }
    }

    mutating func leaveRecursion() { depth -= 1 }

    /// Repeated packed (or unpacked) fixed64 values.
    mutating func appendFixed64s(to out: inout [UInt64]) throws(WireError) {
        if wireType == WireType.fixed64 {
            out.append(try readFixed64())
        } else if wireType == WireType.lengthDelimited {
            let start = pos
            let len = try readLength()
            guard len % 8 == 0 else { throw WireError(.invalidLength, at: start, "packed fixed64 length \(len) is not a multiple of 8") }
            out.reserveCapacity(out.count + len / 8)
            let stop = pos + len
            while pos < stop { out.append(try readFixed64()) }
        } else {
            try skipField()
        }
    }

    /// Repeated packed (or unpacked) varints.
    mutating func appendVarints(to out: inout [UInt64]) throws(WireError) {
        if wireType == WireType.varint {
            out.append(try readVarint())
        } else if wireType == WireType.lengthDelimited {
            let len = try readLength()
            let savedEnd = end
            end = pos + len
            while pos < end { out.append(try readVarint()) }
            end = savedEnd
        } else {
            try skipField()
        }
    }

    /// Skips the value of the field whose tag was just read (unknown fields, unexpected wire types).
    mutating func skipField() throws(WireError) {
        let start = pos
        switch wireType {
        case WireType.varint: _ = try readVarint()
        case WireType.fixed64: _ = try readFixed64()
        case WireType.fixed32: _ = try readFixed32()
        case WireType.lengthDelimited: pos += try readLength()
        case WireType.startGroup:
            // Groups are not used by OTLP; skip them correctly anyway, bounded by depth.
            try enterRecursion()
            while true {
                guard pos < end else { throw WireError(.truncated, at: start, "group runs past the end") }
                let key = try readVarint()
                wireType = UInt8(truncatingIfNeeded: key & 7)
                if wireType == WireType.endGroup { break }
                try skipField()
            }
            leaveRecursion()
        default:
            throw WireError(.invalidWireType, at: start, "wire type \(wireType) is not valid")
        }
    }
}

enum TraceIDResult {
    case skipped
    case value(TraceID)
}

enum SpanIDResult {
    case skipped
    case value(SpanID)
}
