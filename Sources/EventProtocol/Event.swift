import SidecarModel

/// One decoded line of the event protocol (docs/protocol.md).
public enum Event: Sendable, Equatable {
    case span(Span, scope: InstrumentationScope?)
    case metric(MetricEvent)
    case log(LogRecord, scope: InstrumentationScope?)
    /// Sets the resource for the lines that follow on the same connection.
    case resource(Resource)
}

/// The instrument kinds a metric event can name.
public enum MetricKind: String, Sendable, Equatable, CaseIterable {
    case counter, updowncounter, gauge, histogram
}

/// A single measurement; the sidecar aggregates these (cumulative) into series.
public struct MetricEvent: Sendable, Equatable {
    public var name: String
    public var kind: MetricKind
    public var value: NumberValue
    public var unit: String
    public var description: String
    public var attributes: [Attribute]
    public var timeUnixNano: UInt64
    public var scope: InstrumentationScope?

    public init(name: String, kind: MetricKind, value: NumberValue, unit: String = "", description: String = "",
                attributes: [Attribute] = [], timeUnixNano: UInt64 = 0, scope: InstrumentationScope? = nil) {
        self.name = name
        self.kind = kind
        self.value = value
        self.unit = unit
        self.description = description
        self.attributes = attributes
        self.timeUnixNano = timeUnixNano
        self.scope = scope
    }
}

/// Why a line was rejected; the raw value is the `reason` label of the error counter.
public enum EventErrorReason: String, Sendable, CaseIterable {
    case invalidJSON = "invalid_json"
    case invalidUTF8 = "invalid_utf8"
    case lineTooLong = "line_too_long"
    case unknownType = "unknown_type"
    case missingField = "missing_field"
    case wrongType = "wrong_type"
    case invalidValue = "invalid_value"
    case tooManyAttributes = "too_many_attributes"
    case tooDeep = "too_deep"
}

public struct EventError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: EventErrorReason
    public var message: String

    public init(_ reason: EventErrorReason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(reason.rawValue): \(message)" }
}

/// Limits enforced per line; each is a configuration value (receivers.events.*).
public struct EventLimits: Sendable, Equatable {
    public var maxLineBytes: Int
    public var maxAttributes: Int
    public var maxDepth: Int

    public init(maxLineBytes: Int = 1 << 20, maxAttributes: Int = 128, maxDepth: Int = 8) {
        self.maxLineBytes = maxLineBytes
        self.maxAttributes = maxAttributes
        self.maxDepth = maxDepth
    }
}
