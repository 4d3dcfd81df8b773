import SidecarModel

// OTLP/JSON decoding (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding): lowerCamelCase
// keys, hex trace/span ids, enums as integers (names accepted too), 64-bit integers as strings or numbers,
// unknown keys ignored, `null` treated as the field's default.

extension JSONScanner {
    /// Walks an object, skipping `null` values and unknown keys (when `body` returns false).
    @inline(__always)
    mutating func fields(_ body: (inout JSONScanner, JSONKey) throws(WireError) -> Bool) throws(WireError) {
        try object { (s, key) throws(WireError) in
            if s.consumeNull() { return }
            if try !body(&s, key) { try s.skipValue() }
        }
    }

    @inline(__always)
    mutating func list<T>(_ element: (inout JSONScanner) throws(WireError) -> T) throws(WireError) -> [T] {
        var out: [T] = []
        try array { (s) throws(WireError) in out.append(try element(&s)) }
        return out
    }

    mutating func traceID() throws(WireError) -> TraceID {
        let at = pos
        let s = try readString()
        if s.isEmpty { return .invalid }
        guard let id = TraceID(hex: s) else { throw WireError(.invalidID, at: at, "trace id must be 32 hex digits") }
        return id
    }

    mutating func spanID() throws(WireError) -> SpanID {
        let at = pos
        let s = try readString()
        if s.isEmpty { return .invalid }
        guard let id = SpanID(hex: s) else { throw WireError(.invalidID, at: at, "span id must be 16 hex digits") }
        return id
    }

    /// An enum given as an integer or as its proto name.
    mutating func enumValue(_ names: [String: Int32]) throws(WireError) -> Int32 {
        if try peekKind() == .string {
            let at = pos
            let s = try readString()
            if let v = names[s] { return v }
            if let v = Int32(s) { return v }
            throw WireError(.wrongType, at: at, "unknown enum value '\(s)'")
        }
        return try readInt32()
    }

    mutating func bytesValue() throws(WireError) -> [UInt8] {
        let at = pos
        let s = try readString()
        guard let b = Base64.decode(s) else { throw WireError(.wrongType, at: at, "bytes must be base64") }
        return b
    }

    mutating func anyValue() throws(WireError) -> AttributeValue {
        var v = AttributeValue.empty
        try fields { (s, k) throws(WireError) in
            if k == "stringValue" { v = .string(try s.readString()) }
            else if k == "intValue" { v = .int(try s.readInt64()) }
            else if k == "boolValue" { v = .bool(try s.readBool()) }
            else if k == "doubleValue" { v = .double(try s.readDouble()) }
            else if k == "arrayValue" {
                var a: [AttributeValue] = []
                try s.fields { (s, k) throws(WireError) in
                    guard k == "values" else { return false }
                    a = try s.list { (s) throws(WireError) in try s.anyValue() }
                    return true
                }
                v = .array(a)
            } else if k == "kvlistValue" {
                var m: [Attribute] = []
                try s.fields { (s, k) throws(WireError) in
                    guard k == "values" else { return false }
                    m = try s.keyValues()
                    return true
                }
                v = .map(m)
            } else if k == "bytesValue" { v = .bytes(try s.bytesValue()) }
            else { return false }
            return true
        }
        return v
    }

    mutating func keyValues() throws(WireError) -> [Attribute] {
        try list { (s) throws(WireError) -> Attribute in
            var key = ""
            var value = AttributeValue.empty
            try s.fields { (s, k) throws(WireError) in
                if k == "key" { key = try s.readString() }
                else if k == "value" { value = try s.anyValue() }
                else { return false }
                return true
            }
            return Attribute(key, value)
        }
    }

    mutating func resource() throws(WireError) -> Resource {
        var r = Resource()
        try fields { (s, k) throws(WireError) in
            if k == "attributes" { r.attributes = try s.keyValues() }
            else if k == "droppedAttributesCount" { r.droppedAttributesCount = try s.readUInt32() }
            else if k == "entityRefs" {
                r.entityRefs = try s.list { (s) throws(WireError) -> EntityRef in
                    var e = EntityRef()
                    try s.fields { (s, k) throws(WireError) in
                        if k == "schemaUrl" { e.schemaUrl = try s.readString() }
                        else if k == "type" { e.type = try s.readString() }
                        else if k == "idKeys" { e.idKeys = try s.list { (s) throws(WireError) in try s.readString() } }
                        else if k == "descriptionKeys" { e.descriptionKeys = try s.list { (s) throws(WireError) in try s.readString() } }
                        else { return false }
                        return true
                    }
                    return e
                }
            } else { return false }
            return true
        }
        return r
    }

    mutating func scope() throws(WireError) -> InstrumentationScope {
        var sc = InstrumentationScope()
        try fields { (s, k) throws(WireError) in
            if k == "name" { sc.name = try s.readString() }
            else if k == "version" { sc.version = try s.readString() }
            else if k == "attributes" { sc.attributes = try s.keyValues() }
            else if k == "droppedAttributesCount" { sc.droppedAttributesCount = try s.readUInt32() }
            else { return false }
            return true
        }
        return sc
    }

    mutating func exportResponse() throws(WireError) -> ExportResponse {
        var resp = ExportResponse()
        try fields { (s, k) throws(WireError) in
            guard k == "partialSuccess" else { return false }
            var p = PartialSuccess()
            try s.fields { (s, k) throws(WireError) in
                if k == "rejectedSpans" || k == "rejectedDataPoints" || k == "rejectedLogRecords" { p.rejected = try s.readInt64() }
                else if k == "errorMessage" { p.errorMessage = try s.readString() }
                else { return false }
                return true
            }
            resp.partialSuccess = p
            return true
        }
        return resp
    }
}

enum EnumNames {
    static let spanKind: [String: Int32] = [
        "SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2,
        "SPAN_KIND_CLIENT": 3, "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5,
    ]
    static let statusCode: [String: Int32] = ["STATUS_CODE_UNSET": 0, "STATUS_CODE_OK": 1, "STATUS_CODE_ERROR": 2]
    static let temporality: [String: Int32] = [
        "AGGREGATION_TEMPORALITY_UNSPECIFIED": 0, "AGGREGATION_TEMPORALITY_DELTA": 1,
        "AGGREGATION_TEMPORALITY_CUMULATIVE": 2,
    ]
    static let severity: [String: Int32] = {
        var m: [String: Int32] = ["SEVERITY_NUMBER_UNSPECIFIED": 0]
        let names = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]
        for (i, n) in names.enumerated() {
            for j in 0..<4 {
                m["SEVERITY_NUMBER_\(n)\(j == 0 ? "" : String(j + 1))"] = Int32(i * 4 + j + 1)
            }
        }
        return m
    }()
}
