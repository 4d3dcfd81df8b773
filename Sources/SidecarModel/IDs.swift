/// A 16-byte W3C trace id. All-zero is the invalid (absent) id and is what an empty OTLP `bytes` field decodes to.
public struct TraceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static let invalid = TraceID(high: 0, low: 0)
    public var isValid: Bool { high != 0 || low != 0 }

    /// From 16 big-endian bytes; nil for any other count.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 16 else { return nil }
        var h: UInt64 = 0
        var l: UInt64 = 0
        var i = 0
        for b in bytes {
            if i < 8 { h = h << 8 | UInt64(b) } else { l = l << 8 | UInt64(b) }
            i += 1
        }
        self.init(high: h, low: l)
    }

    /// From 32 hex digits (either case).
    public init?(hex: some StringProtocol) {
        var utf8 = Array(hex.utf8)
        guard utf8.count == 32 else { return nil }
        let parsed: (UInt64, UInt64)? = utf8.withUnsafeMutableBufferPointer { buf in
            guard let h = HexDigits.parse64(UnsafeBufferPointer(rebasing: buf[0..<16])),
                  let l = HexDigits.parse64(UnsafeBufferPointer(rebasing: buf[16..<32])) else { return nil }
            return (h, l)
        }
        guard let parsed else { return nil }
        self.init(high: parsed.0, low: parsed.1)
    }

    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64(i)))
            out[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64(i)))
        }
        return out
    }

    /// 32 lowercase hex digits.
    public var hex: String { HexDigits.format(high) + HexDigits.format(low) }
    public var description: String { hex }

    public static func < (a: TraceID, b: TraceID) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// An 8-byte span id. Zero is the invalid (absent) id.
public struct SpanID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var value: UInt64

    public init(_ value: UInt64) { self.value = value }

    public static let invalid = SpanID(0)
    public var isValid: Bool { value != 0 }

    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 8 else { return nil }
        var v: UInt64 = 0
        for b in bytes { v = v << 8 | UInt64(b) }
        self.value = v
    }

    /// From 16 hex digits (either case).
    public init?(hex: some StringProtocol) {
        var utf8 = Array(hex.utf8)
        guard utf8.count == 16 else { return nil }
        let v = utf8.withUnsafeMutableBufferPointer { HexDigits.parse64(UnsafeBufferPointer($0)) }
        guard let v else { return nil }
        self.value = v
    }

    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }

    public var hex: String { HexDigits.format(value) }
    public var description: String { hex }

    public static func < (a: SpanID, b: SpanID) -> Bool { a.value < b.value }
}

/// Hex helpers shared by the ids and the codecs.
public enum HexDigits {
    @inline(__always)
    public static func value(of c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Parses exactly 16 hex digits. Branch-free over a table (0...15, 0xFF for a non-digit): ids are parsed
    /// three times per event line (trace id halves, span id), and the per-digit range checks showed in
    /// profiles of event ingest.
    public static func parse64(_ digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard digits.count == 16, let p = digits.baseAddress else { return nil }
        let t = table
        var v: UInt64 = 0
        var bad: UInt8 = 0
        for i in 0..<16 {
            let d = t[Int(p[i])]
            bad |= d
            v = v << 4 | UInt64(d & 0x0F)
        }
        return bad & 0xF0 == 0 ? v : nil
    }

    /// Digit values by byte; read-only after its one-time initialisation, never freed.
    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for b in 0..<256 { storage[b] = value(of: UInt8(b)) ?? 0xFF }
        return UnsafePointer(storage)
    }()

    static let lower: [UInt8] = Array("0123456789abcdef".utf8)

    /// 16 lowercase hex digits.
    public static func format(_ v: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buf in
            for i in 0..<16 {
                buf[i] = lower[Int((v >> (60 - 4 * UInt64(i))) & 0xF)]
            }
            return 16
        }
    }

    /// Appends 16 lowercase hex digits of `v` to `out`.
    @inline(__always)
    public static func append(_ v: UInt64, to out: inout [UInt8]) {
        for i in 0..<16 {
            out.append(lower[Int((v >> (60 - 4 * UInt64(i))) & 0xF)])
        }
    }
}
