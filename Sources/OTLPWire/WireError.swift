/// A decoding failure with the byte offset where it was found. Decoders never trap on input.
public struct WireError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case truncated
        case malformedVarint
        case invalidWireType
        case invalidLength
        case depthExceeded
        case invalidID
        case invalidJSON
        case invalidUTF8
        case invalidNumber
        case wrongType
        case tooLarge
    }

    public var code: Code
    /// Offset in the input where the problem was found.
    public var offset: Int
    public var message: String

    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(code.rawValue) at byte \(offset): \(message)" }
}

/// Decoder limits. Every length on the wire is also checked against the bytes that remain.
public struct DecodingLimits: Sendable, Hashable {
    /// Nesting of AnyValue arrays/maps (and JSON containers).
    public var maxDepth: Int

    public init(maxDepth: Int = 64) {
        self.maxDepth = maxDepth
    }

    public static let `default` = DecodingLimits()

    /// JSON spends three containers per AnyValue level (`{"arrayValue":{"values":[`) plus the fixed
    /// envelope, so its container bound is derived from `maxDepth`.
    public var jsonContainerDepth: Int { maxDepth * 3 + 16 }
}
