/// `ExportLogsServiceRequest` / `LogsData`.
public struct LogsData: Sendable, Hashable {
    public var resourceLogs: [ResourceLogs]

    public init(resourceLogs: [ResourceLogs] = []) { self.resourceLogs = resourceLogs }

    public var logRecordCount: Int {
        var n = 0
        for rl in resourceLogs { for sl in rl.scopeLogs { n += sl.logRecords.count } }
        return n
    }
}

public struct ResourceLogs: Sendable, Hashable {
    public var resource: Resource?
    public var scopeLogs: [ScopeLogs]
    public var schemaUrl: String

    public init(resource: Resource? = nil, scopeLogs: [ScopeLogs] = [], schemaUrl: String = "") {
        self.resource = resource
        self.scopeLogs = scopeLogs
        self.schemaUrl = schemaUrl
    }
}

public struct ScopeLogs: Sendable, Hashable {
    public var scope: InstrumentationScope?
    public var logRecords: [LogRecord]
    public var schemaUrl: String

    public init(scope: InstrumentationScope? = nil, logRecords: [LogRecord] = [], schemaUrl: String = "") {
        self.scope = scope
        self.logRecords = logRecords
        self.schemaUrl = schemaUrl
    }
}

/// OTLP `SeverityNumber` (1...24); unknown values are carried through.
public struct SeverityNumber: RawRepresentable, Sendable, Hashable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let unspecified = SeverityNumber(rawValue: 0)
    public static let trace = SeverityNumber(rawValue: 1)
    public static let debug = SeverityNumber(rawValue: 5)
    public static let info = SeverityNumber(rawValue: 9)
    public static let warn = SeverityNumber(rawValue: 13)
    public static let error = SeverityNumber(rawValue: 17)
    public static let fatal = SeverityNumber(rawValue: 21)
}

public struct LogRecord: Sendable, Hashable {
    public var timeUnixNano: UInt64
    public var observedTimeUnixNano: UInt64
    public var severityNumber: SeverityNumber
    public var severityText: String
    /// nil when the `body` field is absent on the wire.
    public var body: AttributeValue?
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32
    public var flags: UInt32
    public var traceId: TraceID
    public var spanId: SpanID
    public var eventName: String

    public init(
        timeUnixNano: UInt64 = 0, observedTimeUnixNano: UInt64 = 0, severityNumber: SeverityNumber = .unspecified,
        severityText: String = "", body: AttributeValue? = nil, attributes: [Attribute] = [],
        droppedAttributesCount: UInt32 = 0, flags: UInt32 = 0, traceId: TraceID = .invalid, spanId: SpanID = .invalid,
        eventName: String = ""
    ) {
        self.timeUnixNano = timeUnixNano
        self.observedTimeUnixNano = observedTimeUnixNano
        self.severityNumber = severityNumber
        self.severityText = severityText
        self.body = body
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.flags = flags
        self.traceId = traceId
        self.spanId = spanId
        self.eventName = eventName
    }
}
