/// An OTLP `Resource`.
public struct Resource: Sendable, Hashable {
    public var attributes: [Attribute]
    public var droppedAttributesCount: UInt32
    public var entityRefs: [EntityRef]

    public init(attributes: [Attribute] = [], droppedAttributesCount: UInt32 = 0, entityRefs: [EntityRef] = []) {
        self.attributes = attributes
        self.droppedAttributesCount = droppedAttributesCount
        self.entityRefs = entityRefs
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

/// An OTLP `EntityRef` (resource entity references; development status in the spec, carried through).
public struct EntityRef: Sendable, Hashable {
    public var schemaUrl: String
    public var type: String
    public var idKeys: [String]
    public var descriptionKeys: [String]

    public init(schemaUrl: String = "", type: String = "", idKeys: [String] = [], descriptionKeys: [String] = []) {
        self.schemaUrl = schemaUrl
        self.type = type
        self.idKeys = idKeys
        self.descriptionKeys = descriptionKeys
    }
}
