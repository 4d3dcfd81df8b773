/// `ExportTraceServiceRequest` / `TracesData`.
public struct TracesData: Sendable, Hashable {
    public var resourceSpans: [ResourceSpans]

    public init(resourceSpans: [ResourceSpans] = []) { self.resourceSpans = resourceSpans }

    public var spanCount: Int {
        var n = 0
        for rs in resourceSpans { for ss in rs.scopeSpans { n += ss.spans.count } }
        return n
    }
}

public struct ResourceSpans: Sendable, Hashable {
    public var resource: Resource?
    public var scopeSpans: [ScopeSpans]
    public var schemaUrl: String

    public init(resource: Resource? = nil, scopeSpans: [ScopeSpans] = [], schemaUrl: String = "") {
        self.resource = resource
        self.scopeSpans = scopeSpans
        self.schemaUrl = schemaUrl
    }
}

public struct ScopeSpans: Sendable, Hashable {
    public var scope: InstrumentationScope?
    public var spans: [Span]
    public var schemaUrl: String

    public init(scope: InstrumentationScope? = nil, spans: [Span] = [], schemaUrl: String = "") {
        self.scope = scope
        self.spans = spans
        self.schemaUrl = schemaUrl
    }
}

/// OTLP `Span.SpanKind`; unknown values are carried through.
public struct SpanKind: RawRepresentable, Sendable, Hashable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let unspecified = SpanKind(rawValue: 0)
    public static let `internal` = SpanKind(rawValue: 1)
    public static let server = SpanKind(rawValue: 2)
    public static let client = SpanKind(rawValue: 3)
    public static let producer = SpanKind(rawValue: 4)
    public static let consumer = SpanKind(rawValue: 5)
}

/// OTLP `Status.StatusCode`; unknown values are carried through.
public struct StatusCode: RawRepresentable, Sendable, Hashable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let unset = StatusCode(rawValue: 0)
    public static let ok = StatusCode(rawValue: 1)
    public static let error = StatusCode(rawValue: 2)
}

public struct SpanStatus: Sendable, Hashable {
    public var message: String
    public var code: StatusCode

    public init(code: StatusCode = .unset, message: String = "") {
        self.code = code
        self.message = message
    }
}

public struct Span: Sendable, Hashable {
    public var traceId: TraceID
    public var spanId: SpanID
    public var traceState: String
    public var parentSpanId: SpanID
    public var flags: UInt32
    public var name: String
    public var kind: SpanKind
    public var startTimeUnixNano: UInt64
    public var endTimeUnixNano: UInt64
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32
    public var events: [SpanEvent]
    public var droppedEventsCount: UInt32
    public var links: [SpanLink]
    public var droppedLinksCount: UInt32
    /// nil when the `status` field is absent on the wire.
    public var status: SpanStatus?

    public init(
        traceId: TraceID = .invalid, spanId: SpanID = .invalid, traceState: String = "",
        parentSpanId: SpanID = .invalid, flags: UInt32 = 0, name: String = "", kind: SpanKind = .unspecified,
        startTimeUnixNano: UInt64 = 0, endTimeUnixNano: UInt64 = 0, attributes: [Attribute] = [],
        droppedAttributesCount: UInt32 = 0, events: [SpanEvent] = [], droppedEventsCount: UInt32 = 0,
        links: [SpanLink] = [], droppedLinksCount: UInt32 = 0, status: SpanStatus? = nil
    ) {
        self.traceId = traceId
        self.spanId = spanId
        self.traceState = traceState
        self.parentSpanId = parentSpanId
        self.flags = flags
        self.name = name
        self.kind = kind
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = endTimeUnixNano
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.events = events
        self.droppedEventsCount = droppedEventsCount
        self.links = links
        self.droppedLinksCount = droppedLinksCount
        self.status = status
    }

    /// W3C sampled bit of `flags` (bits 0-7 are the W3C trace flags).
    public var isSampled: Bool { flags & 0x01 != 0 }
}

public struct SpanEvent: Sendable, Hashable {
    public var timeUnixNano: UInt64
    public var name: String
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32

    public init(timeUnixNano: UInt64 = 0, name: String = "", attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0) {
        self.timeUnixNano = timeUnixNano
        self.name = name
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

public struct SpanLink: Sendable, Hashable {
    public var traceId: TraceID
    public var spanId: SpanID
    public var traceState: String
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32
    public var flags: UInt32

    public init(
        traceId: TraceID = .invalid, spanId: SpanID = .invalid, traceState: String = "",
        attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0, flags: UInt32 = 0
    ) {
        self.traceId = traceId
        self.spanId = spanId
        self.traceState = traceState
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.flags = flags
    }
}
