import SidecarModel

extension JSONScanner {
    /// A number token's place in the input.
    public struct NumberToken {
        public var start: Int
        public var count: Int
        public var isInteger: Bool
    }

    /// Scans a number per the JSON grammar without converting it.
    public mutating func readNumberToken() throws(WireError) -> NumberToken {
        skipWhitespace()
        let start = pos
        var isInteger = true
        if pos < end && base[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < end, isDigit(base[pos]) else { throw fail(.invalidNumber, "expected a number") }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < end && isDigit(base[pos]) { throw fail(.invalidNumber, "leading zero in number") }
        } else {
            while pos < end && isDigit(base[pos]) { pos += 1 }
        }
        if pos < end && base[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < end, isDigit(base[pos]) else { throw fail(.invalidNumber, "expected a digit after '.'") }
            while pos < end && isDigit(base[pos]) { pos += 1 }
        }
        if pos < end && (base[pos] == UInt8(ascii: "e") || base[pos] == UInt8(ascii: "E")) {
            isInteger = false
            pos += 1
            if pos < end && (base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < end, isDigit(base[pos]) else { throw fail(.invalidNumber, "expected a digit in the exponent") }
            while pos < end && isDigit(base[pos]) { pos += 1 }
        }
        return NumberToken(start: start, count: pos - start, isInteger: isInteger)
    }

    @inline(__always)
    func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// A signed 64-bit integer from a JSON number or a string holding one (OTLP/JSON writes 64-bit
    /// integers as strings). Exact: no detour through Double.
    public mutating func readInt64() throws(WireError) -> Int64 {
        let at = pos
        let (p, n) = try integerText()
        guard let v = parseInt64(p, n) else { throw WireError(.invalidNumber, at: at, "not a 64-bit integer") }
        return v
    }

    /// An unsigned 64-bit integer from a JSON number or a string holding one.
    public mutating func readUInt64() throws(WireError) -> UInt64 {
        let at = pos
        let (p, n) = try integerText()
        guard let v = parseUInt64(p, n) else { throw WireError(.invalidNumber, at: at, "not an unsigned 64-bit integer") }
        return v
    }

    public mutating func readUInt32() throws(WireError) -> UInt32 {
        let at = pos
        let v = try readUInt64()
        guard let u = UInt32(exactly: v) else { throw WireError(.invalidNumber, at: at, "\(v) does not fit in 32 bits") }
        return u
    }

    public mutating func readInt32() throws(WireError) -> Int32 {
        let at = pos
        let v = try readInt64()
        guard let u = Int32(exactly: v) else { throw WireError(.invalidNumber, at: at, "\(v) does not fit in 32 bits") }
        return u
    }

    /// The digits of an integer given as a number or as a string.
    mutating func integerText() throws(WireError) -> (UnsafePointer<UInt8>, Int) {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated, "expected an integer") }
        if base[pos] == UInt8(ascii: "\"") {
            let start = pos + 1
            _ = try readRawString { _, _ in () }
            return (base + start, pos - 1 - start)
        }
        let t = try readNumberToken()
        guard t.isInteger else { throw WireError(.invalidNumber, at: t.start, "expected an integer") }
        return (base + t.start, t.count)
    }

    /// A double from a JSON number, or a string: a number, "NaN", "Infinity" or "-Infinity".
    public mutating func readDouble() throws(WireError) -> Double {
        skipWhitespace()
        let at = pos
        guard pos < end else { throw fail(.truncated, "expected a number") }
        if base[pos] == UInt8(ascii: "\"") {
            let s = try readString()
            switch s {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default:
                guard let d = Double(s), d.isFinite || s.lowercased().contains("e") else {
                    throw WireError(.invalidNumber, at: at, "not a number")
                }
                return d
            }
        }
        let t = try readNumberToken()
        if t.isInteger, t.count <= 15, let i = parseInt64(base + t.start, t.count) { return Double(i) }
        let s = String(decoding: UnsafeBufferPointer(start: base + t.start, count: t.count), as: UTF8.self)
        guard let d = Double(s) else { throw WireError(.invalidNumber, at: at, "not a number") }
        return d
    }
}

func parseUInt64(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64? {
    guard n > 0 else { return nil }
    var v: UInt64 = 0
    for i in 0..<n {
        let d = p[i] &- UInt8(ascii: "0")
        guard d < 10 else { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(UInt64(d))
        if o1 || o2 { return nil }
        v = a
    }
    return v
}

func parseInt64(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
    guard n > 0 else { return nil }
    if p[0] == UInt8(ascii: "-") {
        guard let m = parseUInt64(p + 1, n - 1), m <= UInt64(Int64.max) + 1 else { return nil }
        return m == UInt64(Int64.max) + 1 ? Int64.min : -Int64(m)
    }
    guard let v = parseUInt64(p, n), v <= UInt64(Int64.max) else { return nil }
    return Int64(v)
}
