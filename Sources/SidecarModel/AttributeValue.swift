/// An OTLP `AnyValue`. `.empty` is an AnyValue with no value set, which OTLP allows and we carry through.
public enum AttributeValue: Sendable, Hashable {
    case empty
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes([UInt8])
    case array([AttributeValue])
    case map([Attribute])

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public static func == (a: AttributeValue, b: AttributeValue) -> Bool {
        switch (a, b) {
        case (.empty, .empty): return true
        case let (.string(x), .string(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        // Bitwise, so NaN equals NaN and -0.0 differs from 0.0: the codec must carry values exactly.
        case let (.double(x), .double(y)): return x.bitPattern == y.bitPattern
        case let (.bytes(x), .bytes(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.map(x), .map(y)): return x == y
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .empty: hasher.combine(0)
        case .string(let s): hasher.combine(1); hasher.combine(s)
        case .bool(let b): hasher.combine(2); hasher.combine(b)
        case .int(let i): hasher.combine(3); hasher.combine(i)
        case .double(let d): hasher.combine(4); hasher.combine(d.bitPattern)
        case .bytes(let b): hasher.combine(5); hasher.combine(b)
        case .array(let a): hasher.combine(6); hasher.combine(a)
        case .map(let m): hasher.combine(7); hasher.combine(m)
        }
    }
}

/// An OTLP `KeyValue`. Attributes are kept as an ordered list, as on the wire.
public struct Attribute: Sendable, Hashable {
    public var key: String
    public var value: AttributeValue

    public init(_ key: String, _ value: AttributeValue) {
        self.key = key
        self.value = value
    }
}

extension AttributeValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension Array where Element == Attribute {
    /// The value of the first attribute with `key`. Hot (span metrics, sampling, redaction look keys up per
    /// span): walks indices so no element is copied, and compares lengths before contents, which rejects
    /// most other keys without a string comparison.
    @inlinable
    public subscript(key key: String) -> AttributeValue? {
        let length = key.utf8.count
        for i in indices where self[i].key.utf8.count == length && self[i].key == key {
            return self[i].value
        }
        return nil
    }
}
