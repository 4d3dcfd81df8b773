import SidecarModel

// OTLP/JSON encoding: lowerCamelCase keys, hex ids, enums as integers, 64-bit integers as strings,
// defaults omitted (as protobuf's JSON mapping does), field order as in the .proto files.

extension JSONWriter {
    mutating func u64(_ k: StaticString, _ v: UInt64) { if v != 0 { key(k); uint64String(v) } }
    mutating func u32(_ k: StaticString, _ v: UInt32) { if v != 0 { key(k); int(Int64(v)) } }
    mutating func i32(_ k: StaticString, _ v: Int32) { if v != 0 { key(k); int(Int64(v)) } }
    mutating func str(_ k: StaticString, _ v: String) { if !v.isEmpty { key(k); string(v) } }
    mutating func dbl(_ k: StaticString, _ v: Double) { if v.bitPattern != 0 { key(k); double(v) } }
    mutating func traceID(_ k: StaticString, _ id: TraceID) { if id.isValid { key(k); hexID(id.high, id.low) } }
    mutating func spanID(_ k: StaticString, _ id: SpanID) { if id.isValid { key(k); hexID(id.value, nil) } }

    mutating func anyValue(_ v: AttributeValue) {
        object { w in
            switch v {
            case .empty: break
            case .string(let s): w.key("stringValue"); w.string(s)
            case .bool(let b): w.key("boolValue"); w.bool(b)
            case .int(let i): w.key("intValue"); w.int64String(i)
            case .double(let d): w.key("doubleValue"); w.double(d)
            case .array(let a):
                w.key("arrayValue")
                w.object { w in
                    if !a.isEmpty {
                        w.key("values")
                        w.array { w in for e in a { w.anyValue(e) } }
                    }
                }
            case .map(let m):
                w.key("kvlistValue")
                w.object { w in w.attrs("values", m) }
            case .bytes(let b): w.key("bytesValue"); w.base64(b)
            }
        }
    }

    mutating func attrs(_ k: StaticString, _ attributes: [Attribute]) {
        guard !attributes.isEmpty else { return }
        key(k)
        array { w in
            for a in attributes {
                w.object { w in
                    w.str("key", a.key)
                    w.key("value")
                    w.anyValue(a.value)
                }
            }
        }
    }

    mutating func list<T>(_ k: StaticString, _ items: [T], _ each: (inout JSONWriter, T) -> Void) {
        guard !items.isEmpty else { return }
        key(k)
        array { w in for i in items { w.object { each(&$0, i) } } }
    }

    mutating func resource(_ r: Resource?) {
        guard let r else { return }
        key("resource")
        object { w in
            w.attrs("attributes", r.attributes)
            w.u32("droppedAttributesCount", r.droppedAttributesCount)
            w.list("entityRefs", r.entityRefs) { w, e in
                w.str("schemaUrl", e.schemaUrl)
                w.str("type", e.type)
                if !e.idKeys.isEmpty { w.key("idKeys"); w.array { w in for k in e.idKeys { w.string(k) } } }
                if !e.descriptionKeys.isEmpty { w.key("descriptionKeys"); w.array { w in for k in e.descriptionKeys { w.string(k) } } }
            }
        }
    }

    mutating func scope(_ s: InstrumentationScope?) {
        guard let s else { return }
        key("scope")
        object { w in
            w.str("name", s.name)
            w.str("version", s.version)
            w.attrs("attributes", s.attributes)
            w.u32("droppedAttributesCount", s.droppedAttributesCount)
        }
    }

    // MARK: traces

    mutating func tracesData(_ d: TracesData) {
        object { w in
            w.list("resourceSpans", d.resourceSpans) { w, rs in
                w.resource(rs.resource)
                w.list("scopeSpans", rs.scopeSpans) { w, ss in
                    w.scope(ss.scope)
                    w.list("spans", ss.spans) { w, s in w.span(s) }
                    w.str("schemaUrl", ss.schemaUrl)
                }
                w.str("schemaUrl", rs.schemaUrl)
            }
        }
    }

    mutating func span(_ s: Span) {
        traceID("traceId", s.traceId)
        spanID("spanId", s.spanId)
        str("traceState", s.traceState)
        spanID("parentSpanId", s.parentSpanId)
        u32("flags", s.flags)
        str("name", s.name)
        i32("kind", s.kind.rawValue)
        u64("startTimeUnixNano", s.startTimeUnixNano)
        u64("endTimeUnixNano", s.endTimeUnixNano)
        attrs("attributes", s.attributes)
        u32("droppedAttributesCount", s.droppedAttributesCount)
        list("events", s.events) { w, e in
            w.u64("timeUnixNano", e.timeUnixNano)
            w.str("name", e.name)
            w.attrs("attributes", e.attributes)
            w.u32("droppedAttributesCount", e.droppedAttributesCount)
        }
        u32("droppedEventsCount", s.droppedEventsCount)
        list("links", s.links) { w, l in
            w.traceID("traceId", l.traceId)
            w.spanID("spanId", l.spanId)
            w.str("traceState", l.traceState)
            w.attrs("attributes", l.attributes)
            w.u32("droppedAttributesCount", l.droppedAttributesCount)
            w.u32("flags", l.flags)
        }
        u32("droppedLinksCount", s.droppedLinksCount)
        if let st = s.status {
            key("status")
            object { w in
                w.str("message", st.message)
                w.i32("code", st.code.rawValue)
            }
        }
    }

    // MARK: logs

    mutating func logsData(_ d: LogsData) {
        object { w in
            w.list("resourceLogs", d.resourceLogs) { w, rl in
                w.resource(rl.resource)
                w.list("scopeLogs", rl.scopeLogs) { w, sl in
                    w.scope(sl.scope)
                    w.list("logRecords", sl.logRecords) { w, l in w.logRecord(l) }
                    w.str("schemaUrl", sl.schemaUrl)
                }
                w.str("schemaUrl", rl.schemaUrl)
            }
        }
    }

    mutating func logRecord(_ l: LogRecord) {
        u64("timeUnixNano", l.timeUnixNano)
        u64("observedTimeUnixNano", l.observedTimeUnixNano)
        i32("severityNumber", l.severityNumber.rawValue)
        str("severityText", l.severityText)
        if let b = l.body {
            key("body")
            anyValue(b)
        }
        attrs("attributes", l.attributes)
        u32("droppedAttributesCount", l.droppedAttributesCount)
        u32("flags", l.flags)
        traceID("traceId", l.traceId)
        spanID("spanId", l.spanId)
        str("eventName", l.eventName)
    }

    // MARK: responses

    mutating func exportResponse(_ r: ExportResponse, rejectedKey: StaticString) {
        object { w in
            guard let p = r.partialSuccess else { return }
            w.key("partialSuccess")
            w.object { w in
                if p.rejected != 0 { w.key(rejectedKey); w.int64String(p.rejected) }
                w.str("errorMessage", p.errorMessage)
            }
        }
    }
}
