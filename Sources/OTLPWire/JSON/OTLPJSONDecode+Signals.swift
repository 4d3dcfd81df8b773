import SidecarModel

extension JSONScanner {
    // MARK: traces

    mutating func tracesData() throws(WireError) -> TracesData {
        var d = TracesData()
        try fields { (s, k) throws(WireError) in
            guard k == "resourceSpans" else { return false }
            d.resourceSpans = try s.list { (s) throws(WireError) -> ResourceSpans in
                var rs = ResourceSpans()
                try s.fields { (s, k) throws(WireError) in
                    if k == "resource" { rs.resource = try s.resource() }
                    else if k == "scopeSpans" {
                        rs.scopeSpans = try s.list { (s) throws(WireError) -> ScopeSpans in
                            var ss = ScopeSpans()
                            try s.fields { (s, k) throws(WireError) in
                                if k == "scope" { ss.scope = try s.scope() }
                                else if k == "spans" { ss.spans = try s.list { (s) throws(WireError) in try s.span() } }
                                else if k == "schemaUrl" { ss.schemaUrl = try s.readString() }
                                else { return false }
                                return true
                            }
                            return ss
                        }
                    } else if k == "schemaUrl" { rs.schemaUrl = try s.readString() }
                    else { return false }
                    return true
                }
                return rs
            }
            return true
        }
        return d
    }

    mutating func span() throws(WireError) -> Span {
        var sp = Span()
        try fields { (s, k) throws(WireError) in
            if k == "traceId" { sp.traceId = try s.traceID() }
            else if k == "spanId" { sp.spanId = try s.spanID() }
            else if k == "traceState" { sp.traceState = try s.readString() }
            else if k == "parentSpanId" { sp.parentSpanId = try s.spanID() }
            else if k == "flags" { sp.flags = try s.readUInt32() }
            else if k == "name" { sp.name = try s.readString() }
            else if k == "kind" { sp.kind = SpanKind(rawValue: try s.enumValue(EnumNames.spanKind)) }
            else if k == "startTimeUnixNano" { sp.startTimeUnixNano = try s.readUInt64() }
            else if k == "endTimeUnixNano" { sp.endTimeUnixNano = try s.readUInt64() }
            else if k == "attributes" { sp.attributes = try s.keyValues() }
            else if k == "droppedAttributesCount" { sp.droppedAttributesCount = try s.readUInt32() }
            else if k == "events" {
                sp.events = try s.list { (s) throws(WireError) -> SpanEvent in
                    var e = SpanEvent()
                    try s.fields { (s, k) throws(WireError) in
                        if k == "timeUnixNano" { e.timeUnixNano = try s.readUInt64() }
                        else if k == "name" { e.name = try s.readString() }
                        else if k == "attributes" { e.attributes = try s.keyValues() }
                        else if k == "droppedAttributesCount" { e.droppedAttributesCount = try s.readUInt32() }
                        else { return false }
                        return true
                    }
                    return e
                }
            } else if k == "droppedEventsCount" { sp.droppedEventsCount = try s.readUInt32() }
            else if k == "links" {
                sp.links = try s.list { (s) throws(WireError) -> SpanLink in
                    var l = SpanLink()
                    try s.fields { (s, k) throws(WireError) in
                        if k == "traceId" { l.traceId = try s.traceID() }
                        else if k == "spanId" { l.spanId = try s.spanID() }
                        else if k == "traceState" { l.traceState = try s.readString() }
                        else if k == "attributes" { l.attributes = try s.keyValues() }
                        else if k == "droppedAttributesCount" { l.droppedAttributesCount = try s.readUInt32() }
                        else if k == "flags" { l.flags = try s.readUInt32() }
                        else { return false }
                        return true
                    }
                    return l
                }
            } else if k == "droppedLinksCount" { sp.droppedLinksCount = try s.readUInt32() }
            else if k == "status" {
                var st = SpanStatus()
                try s.fields { (s, k) throws(WireError) in
                    if k == "message" { st.message = try s.readString() }
                    else if k == "code" { st.code = StatusCode(rawValue: try s.enumValue(EnumNames.statusCode)) }
                    else { return false }
                    return true
                }
                sp.status = st
            } else { return false }
            return true
        }
        return sp
    }

    // MARK: logs

    mutating func logsData() throws(WireError) -> LogsData {
        var d = LogsData()
        try fields { (s, k) throws(WireError) in
            guard k == "resourceLogs" else { return false }
            d.resourceLogs = try s.list { (s) throws(WireError) -> ResourceLogs in
                var rl = ResourceLogs()
                try s.fields { (s, k) throws(WireError) in
                    if k == "resource" { rl.resource = try s.resource() }
                    else if k == "scopeLogs" {
                        rl.scopeLogs = try s.list { (s) throws(WireError) -> ScopeLogs in
                            var sl = ScopeLogs()
                            try s.fields { (s, k) throws(WireError) in
                                if k == "scope" { sl.scope = try s.scope() }
                                else if k == "logRecords" { sl.logRecords = try s.list { (s) throws(WireError) in try s.logRecord() } }
                                else if k == "schemaUrl" { sl.schemaUrl = try s.readString() }
                                else { return false }
                                return true
                            }
                            return sl
                        }
                    } else if k == "schemaUrl" { rl.schemaUrl = try s.readString() }
                    else { return false }
                    return true
                }
                return rl
            }
            return true
        }
        return d
    }

    mutating func logRecord() throws(WireError) -> LogRecord {
        var l = LogRecord()
        try fields { (s, k) throws(WireError) in
            if k == "timeUnixNano" { l.timeUnixNano = try s.readUInt64() }
            else if k == "observedTimeUnixNano" { l.observedTimeUnixNano = try s.readUInt64() }
            else if k == "severityNumber" { l.severityNumber = SeverityNumber(rawValue: try s.enumValue(EnumNames.severity)) }
            else if k == "severityText" { l.severityText = try s.readString() }
            else if k == "body" { l.body = try s.anyValue() }
            else if k == "attributes" { l.attributes = try s.keyValues() }
            else if k == "droppedAttributesCount" { l.droppedAttributesCount = try s.readUInt32() }
            else if k == "flags" { l.flags = try s.readUInt32() }
            else if k == "traceId" { l.traceId = try s.traceID() }
            else if k == "spanId" { l.spanId = try s.spanID() }
            else if k == "eventName" { l.eventName = try s.readString() }
            else { return false }
            return true
        }
        return l
    }
}
