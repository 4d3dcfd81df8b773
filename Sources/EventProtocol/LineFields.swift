import OTLPWire
import SidecarModel

/// The fields of one line, gathered in any order, then turned into an `Event` by `build`.
struct LineFields {
    var type: String?
    var name: String?
    var traceId: TraceID?
    var spanId: SpanID?
    var parentSpanId: SpanID?
    var traceparent: (TraceID, SpanID, UInt8)?
    var traceState: String?
    var kindText: String?
    var kindNumber: Int64?
    var start: UInt64?
    var end: UInt64?
    var time: UInt64?
    var observedTime: UInt64?
    var durationNanos: UInt64?
    var attributes: [Attribute] = []
    var status: SpanStatus?
    var events: [SpanEvent] = []
    var links: [SpanLink] = []
    var flags: UInt32?
    var scope: InstrumentationScope?
    var value: NumberValue?
    var unit = ""
    var description = ""
    var body: AttributeValue?
    var severityText = ""
    var severityNumber: Int32?
    var eventName = ""

    mutating func scan(_ s: inout JSONScanner, limits: EventLimits) throws(WireError) {
        try s.object { (s, k) throws(WireError) in
            if s.consumeNull() { return }
            if k == "type" { type = try s.readString() }
            else if k == "name" { name = try s.readString() }
            else if k == "traceId" { traceId = try Self.traceID(&s) }
            else if k == "spanId" { spanId = try Self.spanID(&s) }
            else if k == "parentSpanId" { parentSpanId = try Self.spanID(&s) }
            else if k == "traceparent" { traceparent = try Self.traceparent(&s) }
            else if k == "tracestate" || k == "traceState" { traceState = try s.readString() }
            else if k == "kind" {
                if try s.peekKind() == .string { kindText = try s.readString() } else { kindNumber = try s.readInt64() }
            }
            else if k == "startTimeUnixNano" { start = try s.readUInt64() }
            else if k == "endTimeUnixNano" { end = try s.readUInt64() }
            else if k == "timeUnixNano" || k == "time" { time = try s.readUInt64() }
            else if k == "observedTimeUnixNano" { observedTime = try s.readUInt64() }
            else if k == "durationNano" { durationNanos = try s.readUInt64() }
            else if k == "durationMs" {
                let at = s.pos
                if let ns = Self.exactMillisToNanos(&s) {
                    durationNanos = ns
                    return
                }
                let ms = try s.readDouble()
                guard ms.isFinite, ms >= 0, ms < 1.8e13 else { throw WireError(.invalidNumber, at: at, "durationMs must be a non-negative number") }
                durationNanos = UInt64(ms * 1_000_000)
            }
            else if k == "attributes" { attributes = try Self.flatAttributes(&s, limits: limits) }
            else if k == "status" { status = try Self.status(&s) }
            else if k == "events" {
                events = try Self.list(&s) { (s) throws(WireError) in
                    var e = SpanEvent()
                    try s.object { (s, k) throws(WireError) in
                        if s.consumeNull() { return }
                        if k == "name" { e.name = try s.readString() }
                        else if k == "timeUnixNano" || k == "time" { e.timeUnixNano = try s.readUInt64() }
                        else if k == "attributes" { e.attributes = try Self.flatAttributes(&s, limits: limits) }
                        else { try s.skipValue() }
                    }
                    return e
                }
            }
            else if k == "links" {
                links = try Self.list(&s) { (s) throws(WireError) in
                    var l = SpanLink()
                    try s.object { (s, k) throws(WireError) in
                        if s.consumeNull() { return }
                        if k == "traceId" { l.traceId = try Self.traceID(&s) }
                        else if k == "spanId" { l.spanId = try Self.spanID(&s) }
                        else if k == "traceparent" {
                            let (t, sp, f) = try Self.traceparent(&s)
                            l.traceId = t
                            l.spanId = sp
                            l.flags = UInt32(f) | 0x100
                        }
                        else if k == "traceState" || k == "tracestate" { l.traceState = try s.readString() }
                        else if k == "attributes" { l.attributes = try Self.flatAttributes(&s, limits: limits) }
                        else { try s.skipValue() }
                    }
                    return l
                }
            }
            else if k == "flags" { flags = try s.readUInt32() }
            else if k == "scope" {
                var sc = InstrumentationScope()
                try s.object { (s, k) throws(WireError) in
                    if s.consumeNull() { return }
                    if k == "name" { sc.name = try s.readString() }
                    else if k == "version" { sc.version = try s.readString() }
                    else if k == "attributes" { sc.attributes = try Self.flatAttributes(&s, limits: limits) }
                    else { try s.skipValue() }
                }
                scope = sc
            }
            else if k == "value" {
                let t = try s.peekKind()
                guard t == .number else { throw s.fail(.wrongType, "value must be a number") }
                let save = s.pos
                let tok = try s.readNumberToken()
                if tok.isInteger, let i = Self.int64(s, tok) {
                    value = .int(i)
                } else {
                    s.pos = save
                    value = .double(try s.readDouble())
                }
            }
            else if k == "unit" { unit = try s.readString() }
            else if k == "description" { description = try s.readString() }
            else if k == "body" { body = try Self.value(&s, limits: limits) }
            else if k == "severityText" || k == "severity" { severityText = try s.readString() }
            else if k == "severityNumber" { severityNumber = try s.readInt32() }
            else if k == "eventName" { eventName = try s.readString() }
            else { try s.skipValue() }
        }
    }

    /// `12`, `12.5`, `0.125`: milliseconds with at most 6 decimals become nanoseconds exactly, without a
    /// detour through Double. Anything else (exponents, more decimals, strings) returns nil, untouched.
    static func exactMillisToNanos(_ s: inout JSONScanner) -> UInt64? {
        var copy = s
        guard let t = try? copy.readNumberToken(), copy.base[t.start] != UInt8(ascii: "-") else { return nil }
        var whole: UInt64 = 0
        var frac: UInt64 = 0
        var fracDigits = 0
        var seenDot = false
        for i in t.start..<(t.start + t.count) {
            let c = copy.base[i]
            if c == UInt8(ascii: ".") { seenDot = true; continue }
            guard let d = c.asciiDigit else { return nil }
            if seenDot {
                fracDigits += 1
                if fracDigits > 6 { return nil }
                frac = frac * 10 + d
            } else {
                if whole > 10_000_000_000 { return nil }
                whole = whole * 10 + d
            }
        }
        while fracDigits < 6 { frac *= 10; fracDigits += 1 }
        s = copy
        return whole * 1_000_000 + frac
    }

    static func int64(_ s: JSONScanner, _ t: JSONScanner.NumberToken) -> Int64? {
        var copy = s
        copy.pos = t.start
        return try? copy.readInt64()
    }

    static func list<T>(_ s: inout JSONScanner, _ element: (inout JSONScanner) throws(WireError) -> T) throws(WireError) -> [T] {
        var out: [T] = []
        try s.array { (s) throws(WireError) in out.append(try element(&s)) }
        return out
    }

    static func traceID(_ s: inout JSONScanner) throws(WireError) -> TraceID {
        let at = s.pos
        let id: TraceID? = try s.readRawString { b, _ in
            guard b.count == 32, let h = hex64(b, 0), let l = hex64(b, 16), h != 0 || l != 0 else { return nil }
            return TraceID(high: h, low: l)
        }
        guard let id else { throw WireError(.invalidID, at: at, "traceId must be 32 hex digits, not all zero") }
        return id
    }

    static func spanID(_ s: inout JSONScanner) throws(WireError) -> SpanID {
        let at = s.pos
        let id: SpanID? = try s.readRawString { b, _ in
            guard b.count == 16, let v = hex64(b, 0), v != 0 else { return nil }
            return SpanID(v)
        }
        guard let id else { throw WireError(.invalidID, at: at, "span id must be 16 hex digits, not all zero") }
        return id
    }

    /// W3C `traceparent`: `00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>` (a future version may
    /// append fields after another `-`). Parsed in place, without building strings.
    static func traceparent(_ s: inout JSONScanner) throws(WireError) -> (TraceID, SpanID, UInt8) {
        let at = s.pos
        let parsed: (TraceID, SpanID, UInt8)? = try s.readRawString { b, _ in
            guard b.count >= 55, b[2] == 0x2D, b[35] == 0x2D, b[52] == 0x2D,
                  let version = hexByte(b, 0), version != 0xFF, b.count == 55 || (version != 0 && b[55] == 0x2D),
                  let h = hex64(b, 3), let l = hex64(b, 19), let p = hex64(b, 36), let f = hexByte(b, 53),
                  h != 0 || l != 0, p != 0
            else { return nil }
            return (TraceID(high: h, low: l), SpanID(p), f)
        }
        guard let parsed else { throw WireError(.invalidID, at: at, "traceparent must look like 00-<32 hex>-<16 hex>-<2 hex>") }
        return parsed
    }

    @inline(__always)
    static func hexByte(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt8? {
        guard let hi = HexDigits.value(of: b[i]), let lo = HexDigits.value(of: b[i + 1]) else { return nil }
        return hi << 4 | lo
    }

    @inline(__always)
    static func hex64(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> UInt64? {
        HexDigits.parse64(UnsafeBufferPointer(rebasing: b[i..<(i + 16)]))
    }

    static func status(_ s: inout JSONScanner) throws(WireError) -> SpanStatus {
        var st = SpanStatus()
        if try s.peekKind() == .string {
            st.code = try statusCode(&s)
            return st
        }
        try s.object { (s, k) throws(WireError) in
            if s.consumeNull() { return }
            if k == "code" {
                if try s.peekKind() == .string { st.code = try statusCode(&s) } else { st.code = StatusCode(rawValue: try s.readInt32()) }
            } else if k == "message" { st.message = try s.readString() }
            else { try s.skipValue() }
        }
        return st
    }

    @inline(__always)
    static func asciiLower(_ s: String) -> String {
        s.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) ? s.lowercased() : s
    }

    static func statusCode(_ s: inout JSONScanner) throws(WireError) -> StatusCode {
        let at = s.pos
        switch asciiLower(try s.readString()) {
        case "unset", "status_code_unset": return .unset
        case "ok", "status_code_ok": return .ok
        case "error", "status_code_error": return .error
        default: throw WireError(.invalidNumber, at: at, "status code must be unset, ok or error")
        }
    }

    /// A flat JSON object of attributes; nested objects and arrays become map and array values.
    static func flatAttributes(_ s: inout JSONScanner, limits: EventLimits) throws(WireError) -> [Attribute] {
        var out: [Attribute] = []
        try s.object { (s, k) throws(WireError) in
            guard out.count < limits.maxAttributes else {
                throw s.fail(.tooLarge, "more than max_attributes (\(limits.maxAttributes)) attributes")
            }
            out.append(Attribute(k.string, try value(&s, limits: limits)))
        }
        return out
    }

    static func value(_ s: inout JSONScanner, limits: EventLimits) throws(WireError) -> AttributeValue {
        switch try s.peekKind() {
        case .string: return .string(try s.readString())
        case .bool: return .bool(try s.readBool())
        case .null:
            _ = s.consumeNull()
            return .empty
        case .number:
            let save = s.pos
            let tok = try s.readNumberToken()
            if tok.isInteger, let i = int64(s, tok) { return .int(i) }
            s.pos = save
            return .double(try s.readDouble())
        case .array:
            var a: [AttributeValue] = []
            try s.array { (s) throws(WireError) in a.append(try value(&s, limits: limits)) }
            return .array(a)
        case .object:
            return .map(try flatAttributes(&s, limits: limits))
        }
    }
}

extension UInt8 {
    @inline(__always)
    var asciiDigit: UInt64? {
        let d = self &- UInt8(ascii: "0")
        return d < 10 ? UInt64(d) : nil
    }
}
