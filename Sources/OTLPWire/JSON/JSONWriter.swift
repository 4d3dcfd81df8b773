import SidecarModel

/// A minimal streaming JSON writer: commas are managed, strings escaped, numbers formatted exactly.
public struct JSONWriter {
    public var buf: [UInt8]
    var needComma = false

    public init(capacity: Int = 1024) {
        buf = []
        buf.reserveCapacity(capacity)
    }

    @inline(__always) mutating func comma() {
        if needComma { buf.append(UInt8(ascii: ",")) }
    }

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        comma()
        buf.append(UInt8(ascii: "{"))
        needComma = false
        body(&self)
        buf.append(UInt8(ascii: "}"))
        needComma = true
    }

    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        comma()
        buf.append(UInt8(ascii: "["))
        needComma = false
        body(&self)
        buf.append(UInt8(ascii: "]"))
        needComma = true
    }

    /// Writes `"key":` ready for a value.
    @inline(__always)
    public mutating func key(_ k: StaticString) {
        comma()
        buf.append(UInt8(ascii: "\""))
        buf.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        buf.append(UInt8(ascii: "\""))
        buf.append(UInt8(ascii: ":"))
        needComma = false
    }

    public mutating func key(_ k: String) {
        comma()
        rawString(k)
        buf.append(UInt8(ascii: ":"))
        needComma = false
    }

    public mutating func string(_ s: String) {
        comma()
        rawString(s)
        needComma = true
    }

    public mutating func raw(_ s: StaticString) {
        comma()
        buf.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        needComma = true
    }

    public mutating func bool(_ b: Bool) { raw(b ? "true" : "false") }

    public mutating func null() { raw("null") }

    /// 64-bit integers are written as strings, as OTLP/JSON requires.
    public mutating func int64String(_ v: Int64) {
        comma()
        buf.append(UInt8(ascii: "\""))
        appendDecimal(v)
        buf.append(UInt8(ascii: "\""))
        needComma = true
    }

    public mutating func uint64String(_ v: UInt64) {
        comma()
        buf.append(UInt8(ascii: "\""))
        appendDecimal(v)
        buf.append(UInt8(ascii: "\""))
        needComma = true
    }

    public mutating func int(_ v: Int64) {
        comma()
        appendDecimal(v)
        needComma = true
    }

    /// Shortest round-trip decimal; NaN and infinities as the strings protobuf's JSON mapping uses.
    public mutating func double(_ d: Double) {
        comma()
        if d.isNaN {
            buf.append(contentsOf: "\"NaN\"".utf8)
        } else if d.isInfinite {
            buf.append(contentsOf: (d < 0 ? "\"-Infinity\"" : "\"Infinity\"").utf8)
        } else if abs(d) < 1e15, d == Double(Int64(d)), !(d == 0 && d.sign == .minus) {
            appendDecimal(Int64(d))
        } else {
            buf.append(contentsOf: d.description.utf8)
        }
        needComma = true
    }

    public mutating func hexID(_ high: UInt64, _ low: UInt64?) {
        comma()
        buf.append(UInt8(ascii: "\""))
        HexDigits.append(high, to: &buf)
        if let low { HexDigits.append(low, to: &buf) }
        buf.append(UInt8(ascii: "\""))
        needComma = true
    }

    public mutating func base64(_ bytes: [UInt8]) {
        comma()
        buf.append(UInt8(ascii: "\""))
        Base64.encode(bytes, into: &buf)
        buf.append(UInt8(ascii: "\""))
        needComma = true
    }

    mutating func appendDecimal(_ v: Int64) {
        if v < 0 {
            buf.append(UInt8(ascii: "-"))
            appendDecimal(v.magnitude)
        } else {
            appendDecimal(UInt64(v))
        }
    }

    mutating func appendDecimal(_ v: UInt64) {
        if v < 10 {
            buf.append(UInt8(ascii: "0") + UInt8(v))
            return
        }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch: enough for 20 digits
        withUnsafeMutableBytes(of: &tmp) { scratch in
            var i = scratch.count
            var v = v
            while v > 0 {
                i -= 1
                scratch[i] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            buf.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[i...]))
        }
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// `s` as a JSON string literal, quoted and escaped (for callers building JSON as text).
    public static func quoted(_ s: String) -> String {
        var w = JSONWriter(capacity: s.utf8.count + 2)
        w.rawString(s)
        return String(decoding: w.buf, as: UTF8.self)
    }

    mutating func rawString(_ s: String) {
        buf.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { u in
            var runStart = 0
            for i in 0..<u.count {
                let c = u[i]
                if c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") { continue }
                buf.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<i]))
                runStart = i + 1
                buf.append(UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""): buf.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): buf.append(UInt8(ascii: "\\"))
                case 0x0A: buf.append(UInt8(ascii: "n"))
                case 0x0D: buf.append(UInt8(ascii: "r"))
                case 0x09: buf.append(UInt8(ascii: "t"))
                case 0x08: buf.append(UInt8(ascii: "b"))
                case 0x0C: buf.append(UInt8(ascii: "f"))
                default:
                    buf.append(contentsOf: "u00".utf8)
                    buf.append(Self.hex[Int(c >> 4)])
                    buf.append(Self.hex[Int(c & 0xF)])
                }
            }
            buf.append(contentsOf: UnsafeBufferPointer(rebasing: u[runStart..<u.count]))
        }
        buf.append(UInt8(ascii: "\""))
    }
}
