/// An OTLP `Resource`.
public struct Resource: Sendable, Hashable {
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32

    public init(attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0) {
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// An OTLP `InstrumentationScope`.
public struct InstrumentationScope: Sendable, Hashable {
    public var name: String
    public var version: String
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32

    public init(name: String = "", version: String = "", attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0) {
        self.name = name
        self.version = version
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
    }
}

/// The signals the sidecar carries.
public enum Signal: String, Sendable, Hashable, CaseIterable {
    case traces, metrics, logs
}

/// `partial_success` of an export response. `rejected` counts spans, data points or log records.
public struct PartialSuccess: Sendable, Hashable {
    public var rejected: Int64
    public var errorMessage: String

    public init(rejected: Int64 = 0, errorMessage: String = "") {
        self.rejected = rejected
        self.errorMessage = errorMessage
    }

    public var isEmpty: Bool { rejected == 0 && errorMessage.isEmpty }
}

/// An export response (`ExportTraceServiceResponse` and its siblings); nil partial success = field absent.
public struct ExportResponse: Sendable, Hashable {
    public var partialSuccess: PartialSuccess?

    public init(partialSuccess: PartialSuccess? = nil) {
        self.partialSuccess = partialSuccess
    }
}
