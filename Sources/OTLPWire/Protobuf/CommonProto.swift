import SidecarModel

// Field numbers from opentelemetry/proto/common/v1/common.proto and resource/v1/resource.proto.

extension ProtoReader {
    /// `AnyValue`: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 kvlist, 7 bytes. Last member wins (oneof);
    /// a repeated array/kvlist member merges, as protobuf does.
    mutating func anyValue(into v: inout AttributeValue) throws(WireError) {
        while true {
            let f = try nextField()
            switch f {
            case 0: return
            case 1: if let s = try stringField() { v = .string(s) }
            case 2: if let b = try uint64Field() { v = .bool(b != 0) }
            case 3: if let i = try uint64Field() { v = .int(Int64(bitPattern: i)) }
            case 4: if let d = try doubleField() { v = .double(d) }
            case 5:
                try enterRecursion()
                var a: [AttributeValue] = []
                if case .array(let existing) = v { a = existing }
                if try message({ (r: inout ProtoReader) throws(WireError) in try r.valueList(into: &a) }) != nil { v = .array(a) }
                leaveRecursion()
            case 6:
                try enterRecursion()
                var m: [Attribute] = []
                if case .map(let existing) = v { m = existing }
                if try message({ (r: inout ProtoReader) throws(WireError) in try r.keyValueList(into: &m) }) != nil { v = .map(m) }
                leaveRecursion()
            case 7: if let b = try bytesField() { v = .bytes(b) }
            default: try skipField()
            }
        }
    }

    /// A singular AnyValue field, merged into `target` (nil when absent so far).
    mutating func anyValueField(into target: inout AttributeValue?) throws(WireError) {
        var v = target ?? .empty
        if try message({ (r: inout ProtoReader) throws(WireError) in try r.anyValue(into: &v) }) != nil { target = v }
    }

    /// `ArrayValue`: 1 repeated AnyValue.
    mutating func valueList(into out: inout [AttributeValue]) throws(WireError) {
        while true {
            switch try nextField() {
            case 0: return
            case 1:
                var v = AttributeValue.empty
                if try message({ (r: inout ProtoReader) throws(WireError) in try r.anyValue(into: &v) }) != nil { out.append(v) }
            default: try skipField()
            }
        }
    }

    /// `KeyValueList`: 1 repeated KeyValue.
    mutating func keyValueList(into out: inout [Attribute]) throws(WireError) {
        while true {
            switch try nextField() {
            case 0: return
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
                case 2: _ = try r.message({ (r: inout ProtoReader) throws(WireError) in try r.anyValue(into: &value) })
                default: try r.skipField()
                }
            }
        }
        guard let kv else { return }
        // Growing 1, 2, 4, 8 costs four allocations for a typical span; start at 8 (the arrays are
        // transient: the queue holds encoded bytes, not the model).
        if out.capacity == 0 { out.reserveCapacity(8) }
        out.append(kv)
    }

    /// `Resource`: 1 attributes, 2 dropped_attributes_count. Other fields (entity refs) are skipped.
    mutating func resource(into r: inout Resource) throws(WireError) {
        while true {
            switch try nextField() {
            case 0: return
            case 1: try appendKeyValue(to: &r.attributes)
            case 2: if let v = try uint64Field() { r.droppedAttributesCount = UInt32(truncatingIfNeeded: v) }
            case 3: if let e = try message({ (r: inout ProtoReader) throws(WireError) in try r.entityRef() }) { r.entityRefs.append(e) }
            default: try skipField()
            }
        }
    }

    /// `EntityRef`: 1 schema_url, 2 type, 3 id_keys, 4 description_keys.
    mutating func entityRef() throws(WireError) -> EntityRef {
        var e = EntityRef()
        while true {
            switch try nextField() {
            case 0: return e
            case 1: if let v = try stringField() { e.schemaUrl = v }
            case 2: if let v = try stringField() { e.type = v }
            case 3: if let v = try stringField() { e.idKeys.append(v) }
            case 4: if let v = try stringField() { e.descriptionKeys.append(v) }
            default: try skipField()
            }
        }
    }

    /// A singular `resource` field, merged into `target` as protobuf merges repeated singular messages.
    mutating func resourceField(into target: inout Resource?) throws(WireError) {
        var v = target ?? Resource()
        if try message({ (r: inout ProtoReader) throws(WireError) in try r.resource(into: &v) }) != nil { target = v }
    }

    /// A singular `scope` field, merged into `target`.
    mutating func scopeField(into target: inout InstrumentationScope?) throws(WireError) {
        var v = target ?? InstrumentationScope()
        if try message({ (r: inout ProtoReader) throws(WireError) in try r.scope(into: &v) }) != nil { target = v }
    }

    /// `InstrumentationScope`: 1 name, 2 version, 3 attributes, 4 dropped_attributes_count.
    mutating func scope(into s: inout InstrumentationScope) throws(WireError) {
        while true {
            switch try nextField() {
            case 0: return
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
        case .bool(let b): tag(2, WireType.varint); append(b ? 1 : 0)
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
            for e in r.entityRefs {
                w.message(3) { w in
                    w.string(1, e.schemaUrl)
                    w.string(2, e.type)
                    for k in e.idKeys { w.stringAlways(3, k) }
                    for k in e.descriptionKeys { w.stringAlways(4, k) }
                }
            }
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
