import SidecarModel

// Field numbers from opentelemetry/proto/common/v1/common.proto and resource/v1/resource.proto.

extension ProtoReader {
    /// `AnyValue`: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes. Last one set wins (oneof).
    mutating func anyValue() throws(WireError) -> AttributeValue {
        var v = AttributeValue.empty
        while true {
            let f = try nextField()
            switch f {
            case 0: return v
            case 1: if let s = try stringField() { v = .string(s) }
            case 2: if let b = try uint64Field() { v = .bool(b != 0) }
            case 3: if let i = try uint64Field() { v = .int(Int64(bitPattern: i)) }
            case 4: if let d = try doubleField() { v = .double(d) }
            case 5:
                try enterRecursion()
                if let a = try message({ (r: inout ProtoReader) throws(WireError) in try r.valueList() }) { v = .array(a) }
                leaveRecursion()
            case 6:
                try enterRecursion()
                if let m = try message({ (r: inout ProtoReader) throws(WireError) in try r.keyValueList() }) { v = .map(m) }
                leaveRecursion()
            case 7: if let b = try bytesField() { v = .bytes(b) }
            default: try skipField()
            }
        }
    }

    /// `ArrayValue`: 1 repeated AnyValue.
    mutating func valueList() throws(WireError) -> [AttributeValue] {
        var out: [AttributeValue] = []
        while true {
            switch try nextField() {
            case 0: return out
            case 1: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.anyValue() }) { out.append(v) }
            default: try skipField()
            }
        }
    }

    /// `KeyValueList`: 1 repeated KeyValue.
    mutating func keyValueList() throws(WireError) -> [Attribute] {
        var out: [Attribute] = []
        while true {
            switch try nextField() {
            case 0: return out
            case 1: try appendKeyValue(to: &out)
            default: try skipField()
            }
        }
    }

    /// `KeyValue`: 1 key, 2 value. A KeyValue without a value has an empty AnyValue.
    @inline(__always)
    mutating func appendKeyValue(to out: inout [Attribute]) throws(WireError) {
        let kv: Attribute? = try message { (r: inout ProtoReader) throws(WireError) -> Attribute in
            var key = ""
            var value = AttributeValue.empty
            while true {
                switch try r.nextField() {
                case 0: return Attribute(key, value)
                case 1: if let k = try r.stringField() { key = k }
                case 2: if let v = try r.message({ (r: inout ProtoReader) throws(WireError) in try r.anyValue() }) { value = v }
                default: try r.skipField()
                }
            }
        }
        if let kv { out.append(kv) }
    }

    /// `Resource`: 1 attributes, 2 dropped_attributes_count. Other fields (entity refs) are skipped.
    mutating func resource() throws(WireError) -> Resource {
        var r = Resource()
        while true {
            switch try nextField() {
            case 0: return r
            case 1: try appendKeyValue(to: &r.attributes)
            case 2: if let v = try uint64Field() { r.droppedAttributesCount = UInt32(truncatingIfNeeded: v) }
            default: try skipField()
            }
        }
    }

    /// `InstrumentationScope`: 1 name, 2 version, 3 attributes, 4 dropped_attributes_count.
    mutating func scope() throws(WireError) -> InstrumentationScope {
        var s = InstrumentationScope()
        while true {
            switch try nextField() {
            case 0: return s
            case 1: if let v = try stringField() { s.name = v }
            case 2: if let v = try stringField() { s.version = v }
            case 3: try appendKeyValue(to: &s.attributes)
            case 4: if let v = try uint64Field() { s.droppedAttributesCount = UInt32(truncatingIfNeeded: v) }
            default: try skipField()
            }
        }
    }
}

extension ProtoWriter {
    mutating func anyValue(_ v: AttributeValue) {
        switch v {
        case .empty: break
        case .string(let s): stringAlways(1, s)
        case .bool(let b): tag(2, WireType.varint); buf.append(b ? 1 : 0)
        case .int(let i): tag(3, WireType.varint); varint(UInt64(bitPattern: i))
        case .double(let d): doubleAlways(4, d)
        case .array(let a):
            message(5) { w in for e in a { w.message(1) { $0.anyValue(e) } } }
        case .map(let m):
            message(6) { w in w.attributes(1, m) }
        case .bytes(let b): bytesAlways(7, b)
        }
    }

    @inline(__always)
    mutating func attributes(_ field: UInt32, _ attrs: [Attribute]) {
        for a in attrs {
            message(field) { w in
                w.string(1, a.key)
                w.message(2) { $0.anyValue(a.value) }
            }
        }
    }

    mutating func resource(_ field: UInt32, _ r: Resource?) {
        guard let r else { return }
        message(field) { w in
            w.attributes(1, r.attributes)
            w.uint64(2, UInt64(r.droppedAttributesCount))
        }
    }

    mutating func scope(_ field: UInt32, _ s: InstrumentationScope?) {
        guard let s else { return }
        message(field) { w in
            w.string(1, s.name)
            w.string(2, s.version)
            w.attributes(3, s.attributes)
            w.uint64(4, UInt64(s.droppedAttributesCount))
        }
    }
}
