import SidecarModel

/// An object key as it appears in the input. Compare with `==` against a literal without allocating.
public struct JSONKey {
    public let bytes: UnsafeBufferPointer<UInt8>
    /// Keeps decoded bytes alive when the key contained escapes.
    let storage: [UInt8]?

    @inline(__always)
    public static func == (key: JSONKey, literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard key.bytes.count == n, let kp = key.bytes.baseAddress else { return n == 0 && key.bytes.isEmpty }
        return memcmpBytes(kp, literal.utf8Start, n)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

@inline(__always)
func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

extension JSONScanner {
    /// Reads an object key. The returned key is valid until the scanner's input goes away.
    @inline(__always)
    mutating func readKey() throws(WireError) -> JSONKey {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated, "expected an object key, found the end of input") }
        guard base[pos] == UInt8(ascii: "\"") else { throw fail("expected an object key, found '\(Self.printable(base[pos]))'") }
        return try readRawString { (buf, storage) in JSONKey(bytes: buf, storage: storage) }
    }

    /// Reads a string value.
    @inline(__always)
    public mutating func readString() throws(WireError) -> String {
        try readRawString { (buf, _) in String(decoding: buf, as: UTF8.self) }
    }

    /// Reads a string and hands its validated, unescaped UTF-8 bytes to `body` (plus the owning array when it
    /// had escapes).
    @inline(__always)
    public mutating func readRawString<T>(_ body: (UnsafeBufferPointer<UInt8>, [UInt8]?) -> T) throws(WireError) -> T {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated, "expected a string, found the end of input") }
        guard base[pos] == UInt8(ascii: "\"") else {
            throw fail(.wrongType, "expected a string, found '\(Self.printable(base[pos]))'")
        }
        pos += 1
        let start = pos
        var high: UInt8 = 0
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                let count = pos - start
                if high >= 0x80 && !validUTF8(base + start, count) {
                    throw WireError(.invalidUTF8, at: start, "string is not valid UTF-8")
                }
                pos += 1
                return body(UnsafeBufferPointer(start: base + start, count: count), nil)
            }
            if c == UInt8(ascii: "\\") { return try readEscapedString(from: start, body) }
            if c < 0x20 { throw fail("control character in string") }
            high |= c
            pos += 1
        }
        throw WireError(.truncated, at: start - 1, "string not closed")
    }

    mutating func readEscapedString<T>(from start: Int, _ body: (UnsafeBufferPointer<UInt8>, [UInt8]?) -> T) throws(WireError) -> T {
        var out: [UInt8] = []
        out.reserveCapacity(pos - start + 16)
        out.append(contentsOf: UnsafeBufferPointer(start: base + start, count: pos - start))
        while pos < end {
            let c = base[pos]
            if c == UInt8(ascii: "\"") {
                pos += 1
                guard out.withUnsafeBufferPointer({ validUTF8($0.baseAddress!, $0.count) }) else {
                    throw WireError(.invalidUTF8, at: start, "string is not valid UTF-8")
                }
                return out.withUnsafeBufferPointer { body($0, out) }
            }
            if c < 0x20 { throw fail("control character in string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                pos += 1
                continue
            }
            guard pos + 1 < end else { throw fail(.truncated, "escape at the end of input") }
            let e = base[pos + 1]
            pos += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard end - pos >= 6, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") else {
                        throw fail(.invalidUTF8, "unpaired high surrogate")
                    }
                    pos += 2
                    let low = try readHex4()
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw fail(.invalidUTF8, "high surrogate not followed by a low one") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw fail(.invalidUTF8, "unpaired low surrogate")
                }
                appendUTF8(scalar, to: &out)
            default:
                pos -= 1
                throw fail("invalid escape '\\\(Self.printable(e))'")
            }
        }
        throw WireError(.truncated, at: start - 1, "string not closed")
    }

    mutating func readHex4() throws(WireError) -> UInt32 {
        guard end - pos >= 4 else { throw fail(.truncated, "\\u escape runs past the end") }
        var v: UInt32 = 0
        for i in 0..<4 {
            guard let d = HexDigits.value(of: base[pos + i]) else { throw fail("invalid \\u escape") }
            v = v << 4 | UInt32(d)
        }
        pos += 4
        return v
    }
}

@inline(__always)
func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
    if s < 0x80 {
        out.append(UInt8(s))
    } else if s < 0x800 {
        out.append(UInt8(0xC0 | (s >> 6)))
        out.append(UInt8(0x80 | (s & 0x3F)))
    } else if s < 0x10000 {
        out.append(UInt8(0xE0 | (s >> 12)))
        out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (s & 0x3F)))
    } else {
        out.append(UInt8(0xF0 | (s >> 18)))
        out.append(UInt8(0x80 | ((s >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((s >> 6) & 0x3F)))
        out.append(UInt8(0x80 | (s & 0x3F)))
    }
}

/// Strict UTF-8 validation: no overlong forms, no surrogates, nothing above U+10FFFF.
public func validUTF8(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    while i < n {
        let c = p[i]
        if c < 0x80 {
            i += 1
            continue
        }
        @inline(__always) func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            j < n && p[j] >= lo && p[j] <= hi
        }
        if c < 0xC2 { return false }
        if c < 0xE0 {
            guard cont(i + 1) else { return false }
            i += 2
        } else if c < 0xF0 {
            let lo: UInt8 = c == 0xE0 ? 0xA0 : 0x80
            let hi: UInt8 = c == 0xED ? 0x9F : 0xBF
            guard cont(i + 1, lo, hi), cont(i + 2) else { return false }
            i += 3
        } else if c < 0xF5 {
            let lo: UInt8 = c == 0xF0 ? 0x90 : 0x80
            let hi: UInt8 = c == 0xF4 ? 0x8F : 0xBF
            guard cont(i + 1, lo, hi), cont(i + 2), cont(i + 3) else { return false }
            i += 4
        } else {
            return false
        }
    }
    return true
}
