import SidecarModel

extension LineFields {
    func build(_ d: EventDecoder) throws(EventError) -> Event {
        guard let type else { throw EventError(.missingField, "\"type\" is required (span, metric, log or resource)") }
        switch type {
        case "span": return .span(try buildSpan(d), scope: scope)
        case "metric": return .metric(try buildMetric(d))
        case "log": return .log(buildLog(d), scope: scope)
        case "resource": return .resource(Resource(attributes: attributes))
        default: throw EventError(.unknownType, "unknown type \"\(type)\" (span, metric, log or resource)")
        }
    }

    func buildSpan(_ d: EventDecoder) throws(EventError) -> Span {
        guard let name, !name.isEmpty else { throw EventError(.missingField, "a span needs a \"name\"") }
        var span = Span(name: name, attributes: attributes)
        // `traceparent` is the context the proxy received: the span joins that trace as its child.
        if let (t, parent, f) = traceparent {
            span.traceId = t
            span.parentSpanId = parent
            span.flags = UInt32(f) | 0x100  // W3C flags + "has is_remote" bit
        }
        if let traceId { span.traceId = traceId }
        if let parentSpanId { span.parentSpanId = parentSpanId }
        if !span.traceId.isValid { span.traceId = TraceID(high: d.randomID(), low: d.randomID()) }
        span.spanId = spanId ?? SpanID(d.randomID())
        if let traceState { span.traceState = traceState }
        if let flags { span.flags = flags }
        span.kind = try kind()
        span.status = status
        span.events = events
        span.links = links
        // Times: explicit start/end, else derived from a duration, else "now".
        let now = d.clock()
        switch (start, end, durationNanos) {
        case let (s?, e?, _): (span.startTimeUnixNano, span.endTimeUnixNano) = (s, e)
        case let (s?, nil, dur?): (span.startTimeUnixNano, span.endTimeUnixNano) = (s, s &+ dur)
        case let (nil, e?, dur?): (span.startTimeUnixNano, span.endTimeUnixNano) = (e &- min(dur, e), e)
        case let (nil, nil, dur?): (span.startTimeUnixNano, span.endTimeUnixNano) = (now &- min(dur, now), now)
        case let (s?, nil, nil): (span.startTimeUnixNano, span.endTimeUnixNano) = (s, max(s, now))
        case let (nil, e?, nil): (span.startTimeUnixNano, span.endTimeUnixNano) = (e, e)
        case (nil, nil, nil): (span.startTimeUnixNano, span.endTimeUnixNano) = (now, now)
        }
        guard span.endTimeUnixNano >= span.startTimeUnixNano else {
            throw EventError(.invalidValue, "endTimeUnixNano is before startTimeUnixNano")
        }
        for i in span.events.indices where span.events[i].timeUnixNano == 0 {
            span.events[i].timeUnixNano = span.startTimeUnixNano
        }
        return span
    }

    func kind() throws(EventError) -> SpanKind {
        if let kindNumber {
            guard let k = Int32(exactly: kindNumber), (0...5).contains(k) else { throw EventError(.invalidValue, "span kind must be 0...5") }
            return SpanKind(rawValue: k)
        }
        guard let kindText else { return .internal }
        switch Self.asciiLower(kindText) {
        case "internal", "span_kind_internal": return .internal
        case "server", "span_kind_server": return .server
        case "client", "span_kind_client": return .client
        case "producer", "span_kind_producer": return .producer
        case "consumer", "span_kind_consumer": return .consumer
        case "unspecified", "span_kind_unspecified": return .unspecified
        default: throw EventError(.invalidValue, "span kind \"\(kindText)\" is not internal, server, client, producer or consumer")
        }
    }

    func buildMetric(_ d: EventDecoder) throws(EventError) -> MetricEvent {
        guard let name, !name.isEmpty else { throw EventError(.missingField, "a metric needs a \"name\"") }
        guard let kindText else { throw EventError(.missingField, "a metric needs a \"kind\" (counter, updowncounter, gauge, histogram)") }
        guard let kind = MetricKind(rawValue: Self.asciiLower(kindText)) else {
            throw EventError(.invalidValue, "metric kind \"\(kindText)\" is not counter, updowncounter, gauge or histogram")
        }
        guard let value else { throw EventError(.missingField, "a metric needs a numeric \"value\"") }
        if case .double(let v) = value, !v.isFinite { throw EventError(.invalidValue, "value must be finite") }
        if kind == .counter || kind == .histogram, value.asDouble < 0 {
            throw EventError(.invalidValue, "a \(kind.rawValue) value must not be negative")
        }
        return MetricEvent(name: name, kind: kind, value: value, unit: unit, description: description,
                           attributes: attributes, timeUnixNano: time ?? d.clock(), scope: scope)
    }

    func buildLog(_ d: EventDecoder) -> LogRecord {
        var r = LogRecord(body: body, attributes: attributes, eventName: eventName)
        r.timeUnixNano = time ?? 0
        r.observedTimeUnixNano = observedTime ?? d.clock()
        r.severityText = severityText
        r.severityNumber = SeverityNumber(rawValue: severityNumber ?? Self.severity(from: severityText))
        if let (t, sp, f) = traceparent {
            r.traceId = t
            r.spanId = sp
            r.flags = UInt32(f)
        }
        if let traceId { r.traceId = traceId }
        if let spanId { r.spanId = spanId }
        if let flags { r.flags = flags }
        return r
    }

    /// Severity number from common level names (OTel log data model's mapping).
    static func severity(from text: String) -> Int32 {
        switch asciiLower(text) {
        case "trace": return 1
        case "debug": return 5
        case "info", "information", "notice": return 9
        case "warn", "warning": return 13
        case "error", "err": return 17
        case "fatal", "critical", "crit", "alert", "emergency": return 21
        default: return 0
        }
    }

}
