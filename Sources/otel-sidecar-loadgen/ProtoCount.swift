/// Counts the items of an OTLP export request by walking protobuf fields, without decoding them:
/// traces  ResourceSpans(1) → ScopeSpans(2) → Span(2)
/// metrics ResourceMetrics(1) → ScopeMetrics(2) → Metric(2) → gauge(5)/sum(7)/histogram(9)/
///         exponential_histogram(10)/summary(11) → data_points(1)
/// logs    ResourceLogs(1) → ScopeLogs(2) → LogRecord(2)
/// Unknown fields of any wire type are skipped; a truncated or malformed message gives nil.
enum ProtoCount {
    enum Signal: String, Sendable { case traces, metrics, logs }

    static func count(_ signal: Signal, _ bytes: UnsafeRawBufferPointer) -> Int? {
        var total = 0
        let ok: Bool
        switch signal {
        case .traces, .logs:
            ok = each(bytes, field: 1) { resource in
                each(resource, field: 2) { scope in
                    occurrences(scope, field: 2).map { total += $0 } != nil
                }
            }
        case .metrics:
            ok = each(bytes, field: 1) { resource in
                each(resource, field: 2) { scope in
                    each(scope, field: 2) { metric in
                        eachOf(metric, fields: [5, 7, 9, 10, 11]) { data in
                            occurrences(data, field: 1).map { total += $0 } != nil
                        }
                    }
                }
            }
        }
        return ok ? total : nil
    }

    /// Calls `body` with the payload of every length-delimited `field`; false when malformed or `body` fails.
    static func each(_ bytes: UnsafeRawBufferPointer, field: UInt64, _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        eachOf(bytes, fields: [field], body)
    }

    static func eachOf(_ bytes: UnsafeRawBufferPointer, fields: [UInt64], _ body: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        var r = FieldReader(bytes)
        while let f = r.next() {
            if let payload = f.payload, fields.contains(f.number), !body(payload) { return false }
        }
        return !r.failed
    }

    /// How many times length-delimited `field` occurs (the message is still validated).
    static func occurrences(_ bytes: UnsafeRawBufferPointer, field: UInt64) -> Int? {
        var r = FieldReader(bytes)
        var n = 0
        while let f = r.next() {
            if f.number == field && f.payload != nil { n += 1 }
        }
        return r.failed ? nil : n
    }
}

/// Iterates the fields of one protobuf message: number, and the payload for length-delimited fields.
struct FieldReader {
    private let base: UnsafePointer<UInt8>?
    private let end: Int
    private var pos = 0
    private(set) var failed = false

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        end = bytes.count
    }

    @inline(__always)
    private mutating func varint() -> UInt64? {
        guard let base else { return nil }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while pos < end, shift < 64 {
            let b = base[pos]
            pos += 1
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
        return nil
    }

    mutating func next() -> (number: UInt64, payload: UnsafeRawBufferPointer?)? {
        guard !failed, pos < end else { return nil }
        guard let key = varint(), key >> 3 != 0 else { failed = true; return nil }
        let number = key >> 3
        switch key & 7 {
        case 0:
            guard varint() != nil else { failed = true; return nil }
            return (number, nil)
        case 1, 5:
            let size = key & 7 == 1 ? 8 : 4
            guard end - pos >= size else { failed = true; return nil }
            pos += size
            return (number, nil)
        case 2:
            guard let len = varint(), len <= UInt64(end - pos), let base else { failed = true; return nil }
            let payload = UnsafeRawBufferPointer(start: base + pos, count: Int(len))
            pos += Int(len)
            return (number, payload)
        default:
            failed = true  // groups (3, 4) are not used by OTLP; 6, 7 are invalid
            return nil
        }
    }
}
