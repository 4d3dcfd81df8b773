import SidecarModel

// Field numbers from opentelemetry/proto/trace/v1/trace.proto and collector/trace/v1/trace_service.proto.

extension ProtoReader {
    /// `ExportTraceServiceRequest` / `TracesData`: 1 repeated ResourceSpans.
    mutating func tracesData() throws(WireError) -> TracesData {
        var d = TracesData()
        while true {
            switch try nextField() {
            case 0: return d
            case 1: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.resourceSpans() }) { d.resourceSpans.append(v) }
            default: try skipField()
            }
        }
    }

    /// `ResourceSpans`: 1 resource, 2 scope_spans, 3 schema_url.
    mutating func resourceSpans() throws(WireError) -> ResourceSpans {
        var rs = ResourceSpans()
        while true {
            switch try nextField() {
            case 0: return rs
            case 1: try resourceField(into: &rs.resource)
            case 2: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.scopeSpans() }) { rs.scopeSpans.append(v) }
            case 3: if let v = try stringField() { rs.schemaUrl = v }
            default: try skipField()
            }
        }
    }

    /// `ScopeSpans`: 1 scope, 2 spans, 3 schema_url.
    mutating func scopeSpans() throws(WireError) -> ScopeSpans {
        var ss = ScopeSpans()
        while true {
            switch try nextField() {
            case 0: return ss
            case 1: try scopeField(into: &ss.scope)
            case 2: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.span() }) { ss.spans.append(v) }
            case 3: if let v = try stringField() { ss.schemaUrl = v }
            default: try skipField()
            }
        }
    }

    /// `Span`.
    mutating func span() throws(WireError) -> Span {
        var s = Span()
        while true {
            switch try nextField() {
            case 0: return s
            case 1: if case .value(let id) = try traceIDField() { s.traceId = id }
            case 2: if case .value(let id) = try spanIDField() { s.spanId = id }
            case 3: if let v = try stringField() { s.traceState = v }
            case 4: if case .value(let id) = try spanIDField() { s.parentSpanId = id }
            case 5: if let v = try stringField() { s.name = v }
            case 6: if let v = try uint64Field() { s.kind = SpanKind(rawValue: Int32(truncatingIfNeeded: v)) }
            case 7: if let v = try fixed64Field() { s.startTimeUnixNano = v }
            case 8: if let v = try fixed64Field() { s.endTimeUnixNano = v }
            case 9: try appendKeyValue(to: &s.attributes)
            case 10: if let v = try uint64Field() { s.droppedAttributesCount = UInt32(truncatingIfNeeded: v) }
            case 11: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.spanEvent() }) { s.events.append(v) }
            case 12: if let v = try uint64Field() { s.droppedEventsCount = UInt32(truncatingIfNeeded: v) }
            case 13: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.spanLink() }) { s.links.append(v) }
            case 14: if let v = try uint64Field() { s.droppedLinksCount = UInt32(truncatingIfNeeded: v) }
            case 15:
                var st = s.status ?? SpanStatus()
                if try message({ (r: inout ProtoReader) throws(WireError) in try r.spanStatus(into: &st) }) != nil { s.status = st }
            case 16: if let v = try fixed32Field() { s.flags = v }
            default: try skipField()
            }
        }
    }

    /// `Span.Event`: 1 time_unix_nano, 2 name, 3 attributes, 4 dropped_attributes_count.
    mutating func spanEvent() throws(WireError) -> SpanEvent {
        var e = SpanEvent()
        while true {
            switch try nextField() {
            case 0: return e
            case 1: if let v = try fixed64Field() { e.timeUnixNano = v }
            case 2: if let v = try stringField() { e.name = v }
            case 3: try appendKeyValue(to: &e.attributes)
            case 4: if let v = try uint64Field() { e.droppedAttributesCount = UInt32(truncatingIfNeeded: v) }
            default: try skipField()
            }
        }
    }

    /// `Span.Link`: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped_attributes_count, 6 flags.
    mutating func spanLink() throws(WireError) -> SpanLink {
        var l = SpanLink()
        while true {
            switch try nextField() {
            case 0: return l
            case 1: if case .value(let id) = try traceIDField() { l.traceId = id }
            case 2: if case .value(let id) = try spanIDField() { l.spanId = id }
            case 3: if let v = try stringField() { l.traceState = v }
            case 4: try appendKeyValue(to: &l.attributes)
            case 5: if let v = try uint64Field() { l.droppedAttributesCount = UInt32(truncatingIfNeeded: v) }
            case 6: if let v = try fixed32Field() { l.flags = v }
            default: try skipField()
            }
        }
    }

    /// `Status`: 2 message, 3 code (1 is reserved).
    mutating func spanStatus(into st: inout SpanStatus) throws(WireError) {
        while true {
            switch try nextField() {
            case 0: return
            case 2: if let v = try stringField() { st.message = v }
            case 3: if let v = try uint64Field() { st.code = StatusCode(rawValue: Int32(truncatingIfNeeded: v)) }
            default: try skipField()
            }
        }
    }
}

extension ProtoWriter {
    mutating func tracesData(_ d: TracesData) {
        for rs in d.resourceSpans {
            message(1) { w in
                w.resource(1, rs.resource)
                for ss in rs.scopeSpans {
                    w.message(2) { w in
                        w.scope(1, ss.scope)
                        for s in ss.spans { w.message(2) { $0.span(s) } }
                        w.string(3, ss.schemaUrl)
                    }
                }
                w.string(3, rs.schemaUrl)
            }
        }
    }

    mutating func span(_ s: Span) {
        traceID(1, s.traceId)
        spanID(2, s.spanId)
        string(3, s.traceState)
        spanID(4, s.parentSpanId)
        string(5, s.name)
        int32(6, s.kind.rawValue)
        fixed64(7, s.startTimeUnixNano)
        fixed64(8, s.endTimeUnixNano)
        attributes(9, s.attributes)
        uint64(10, UInt64(s.droppedAttributesCount))
        for e in s.events {
            message(11) { w in
                w.fixed64(1, e.timeUnixNano)
                w.string(2, e.name)
                w.attributes(3, e.attributes)
                w.uint64(4, UInt64(e.droppedAttributesCount))
            }
        }
        uint64(12, UInt64(s.droppedEventsCount))
        for l in s.links {
            message(13) { w in
                w.traceID(1, l.traceId)
                w.spanID(2, l.spanId)
                w.string(3, l.traceState)
                w.attributes(4, l.attributes)
                w.uint64(5, UInt64(l.droppedAttributesCount))
                w.fixed32(6, l.flags)
            }
        }
        uint64(14, UInt64(s.droppedLinksCount))
        if let st = s.status {
            message(15) { w in
                w.string(2, st.message)
                w.int32(3, st.code.rawValue)
            }
        }
        fixed32(16, s.flags)
    }
}
