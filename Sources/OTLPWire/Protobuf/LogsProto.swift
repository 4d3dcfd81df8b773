import SidecarModel

// Field numbers from opentelemetry/proto/logs/v1/logs.proto and collector/logs/v1/logs_service.proto.

extension ProtoReader {
    /// `ExportLogsServiceRequest` / `LogsData`: 1 repeated ResourceLogs.
    mutating func logsData() throws(WireError) -> LogsData {
        var d = LogsData()
        while true {
            switch try nextField() {
            case 0: return d
            case 1: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.resourceLogs() }) { d.resourceLogs.append(v) }
            default: try skipField()
            }
        }
    }

    /// `ResourceLogs`: 1 resource, 2 scope_logs, 3 schema_url.
    mutating func resourceLogs() throws(WireError) -> ResourceLogs {
        var rl = ResourceLogs()
        while true {
            switch try nextField() {
            case 0: return rl
            case 1: try resourceField(into: &rl.resource)
            case 2: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.scopeLogs() }) { rl.scopeLogs.append(v) }
            case 3: if let v = try stringField() { rl.schemaUrl = v }
            default: try skipField()
            }
        }
    }

    /// `ScopeLogs`: 1 scope, 2 log_records, 3 schema_url.
    mutating func scopeLogs() throws(WireError) -> ScopeLogs {
        var sl = ScopeLogs()
        while true {
            switch try nextField() {
            case 0: return sl
            case 1: try scopeField(into: &sl.scope)
            case 2: if let v = try message({ (r: inout ProtoReader) throws(WireError) in try r.logRecord() }) { sl.logRecords.append(v) }
            case 3: if let v = try stringField() { sl.schemaUrl = v }
            default: try skipField()
            }
        }
    }

    /// `LogRecord`: 1 time, 11 observed_time, 2 severity_number, 3 severity_text, 5 body, 6 attributes,
    /// 7 dropped_attributes_count, 8 flags (fixed32), 9 trace_id, 10 span_id, 12 event_name.
    mutating func logRecord() throws(WireError) -> LogRecord {
        var l = LogRecord()
        while true {
            switch try nextField() {
            case 0: return l
            case 1: if let v = try fixed64Field() { l.timeUnixNano = v }
            case 2: if let v = try uint64Field() { l.severityNumber = SeverityNumber(rawValue: Int32(truncatingIfNeeded: v)) }
            case 3: if let v = try stringField() { l.severityText = v }
            case 5: try anyValueField(into: &l.body)
            case 6: try appendKeyValue(to: &l.attributes)
            case 7: if let v = try uint64Field() { l.droppedAttributesCount = UInt32(truncatingIfNeeded: v) }
            case 8: if let v = try fixed32Field() { l.flags = v }
            case 9: if case .value(let id) = try traceIDField() { l.traceId = id }
            case 10: if case .value(let id) = try spanIDField() { l.spanId = id }
            case 11: if let v = try fixed64Field() { l.observedTimeUnixNano = v }
            case 12: if let v = try stringField() { l.eventName = v }
            default: try skipField()
            }
        }
    }
}

extension ProtoWriter {
    mutating func logsData(_ d: LogsData) {
        for rl in d.resourceLogs {
            message(1) { w in
                w.resource(1, rl.resource)
                for sl in rl.scopeLogs {
                    w.message(2) { w in
                        w.scope(1, sl.scope)
                        for l in sl.logRecords { w.message(2) { $0.logRecord(l) } }
                        w.string(3, sl.schemaUrl)
                    }
                }
                w.string(3, rl.schemaUrl)
            }
        }
    }
    mutating func logRecord(_ l: LogRecord) {
        fixed64(1, l.timeUnixNano)
        int32(2, l.severityNumber.rawValue)
        string(3, l.severityText)
        if let b = l.body { message(5) { $0.anyValue(b) } }
        attributes(6, l.attributes)
        uint64(7, UInt64(l.droppedAttributesCount))
        fixed32(8, l.flags)
        traceID(9, l.traceId)
        spanID(10, l.spanId)
        fixed64(11, l.observedTimeUnixNano)
        string(12, l.eventName)
    }
}
