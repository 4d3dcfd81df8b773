import SidecarModel

/// A pull scanner over JSON bytes, for OTLP/JSON and the event protocol.
///
/// It never builds a document tree: callers walk objects key by key and read values in place. Strings are
/// validated as UTF-8 (invalid input is rejected), escapes and surrogate pairs are decoded, integers are
/// parsed exactly to 64 bits, and container nesting is bounded. Errors carry the byte offset.
/// Only valid inside the `withUnsafeBytes` scope that produced its base pointer.
public struct JSONScanner {
    public let base: UnsafePointer<UInt8>
    public var pos: Int
    public let end: Int
    var depth: Int = 0
    let maxDepth: Int

    public init(base: UnsafePointer<UInt8>, count: Int, maxDepth: Int = 64) {
        self.base = base
        self.pos = 0
        self.end = count
        self.maxDepth = maxDepth
    }

    /// The JSON value kinds, as told by the first byte.
    public enum Kind: Sendable {
        case object, array, string, number, bool, null
    }

    // MARK: structure

    @inline(__always)
    public mutating func skipWhitespace() {
        while pos < end {
            let c = base[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { return }
        }
    }

    public var isAtEnd: Bool { pos >= end }

    public func fail(_ code: WireError.Code, _ message: String) -> WireError {
        WireError(code, at: pos, message)
    }

    public func fail(_ message: String) -> WireError {
        WireError(.invalidJSON, at: pos, message)
    }

    /// The kind of the next value (after whitespace).
    @inline(__always)
    public mutating func peekKind() throws(WireError) -> Kind {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated, "expected a value, found the end of input") }
        switch base[pos] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw fail("unexpected character '\(Self.printable(base[pos]))'")
        }
    }

    @inline(__always)
    mutating func consume(_ c: UInt8, _ what: @autoclosure () -> String) throws(WireError) {
        skipWhitespace()
        guard pos < end else { throw fail(.truncated, "expected \(what()), found the end of input") }
        guard base[pos] == c else { throw fail("expected \(what()), found '\(Self.printable(base[pos]))'") }
        pos += 1
    }

    /// Walks an object: `body` is called with each key and must consume the value.
    @inline(__always)
    public mutating func object(_ body: (inout JSONScanner, JSONKey) throws(WireError) -> Void) throws(WireError) {
        try consume(UInt8(ascii: "{"), "'{'")
        try enter()
        skipWhitespace()
        if pos < end && base[pos] == UInt8(ascii: "}") {
            pos += 1
            leave()
            return
        }
        while true {
            let key = try readKey()
            try consume(UInt8(ascii: ":"), "':'")
            try body(&self, key)
            skipWhitespace()
            guard pos < end else { throw fail(.truncated, "object not closed") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "}") { break }
            pos -= 1
            throw fail("expected ',' or '}' in object, found '\(Self.printable(c))'")
        }
        leave()
    }

    /// Walks an array: `body` is called once per element and must consume it.
    @inline(__always)
    public mutating func array(_ body: (inout JSONScanner) throws(WireError) -> Void) throws(WireError) {
        try consume(UInt8(ascii: "["), "'['")
        try enter()
        skipWhitespace()
        if pos < end && base[pos] == UInt8(ascii: "]") {
            pos += 1
            leave()
            return
        }
        while true {
            try body(&self)
            skipWhitespace()
            guard pos < end else { throw fail(.truncated, "array not closed") }
            let c = base[pos]
            pos += 1
            if c == UInt8(ascii: ",") { continue }
            if c == UInt8(ascii: "]") { break }
            pos -= 1
            throw fail("expected ',' or ']' in array, found '\(Self.printable(c))'")
        }
        leave()
    }

    @inline(__always)
    mutating func enter() throws(WireError) {
        depth += 1
        if depth > maxDepth { throw fail(.depthExceeded, "nesting deeper than \(maxDepth)") }
    }

    @inline(__always)
    mutating func leave() { depth -= 1 }

    /// Current container depth (0 at the top level).
    public var nestingDepth: Int { depth }

    /// If the next value is `null`, consumes it and returns true.
    @inline(__always)
    public mutating func consumeNull() -> Bool {
        skipWhitespace()
        if end - pos >= 4 && base[pos] == UInt8(ascii: "n") && base[pos + 1] == UInt8(ascii: "u")
            && base[pos + 2] == UInt8(ascii: "l") && base[pos + 3] == UInt8(ascii: "l")
        {
            pos += 4
            return true
        }
        return false
    }

    public mutating func readBool() throws(WireError) -> Bool {
        skipWhitespace()
        if end - pos >= 4 && base[pos] == UInt8(ascii: "t") && base[pos + 1] == UInt8(ascii: "r")
            && base[pos + 2] == UInt8(ascii: "u") && base[pos + 3] == UInt8(ascii: "e")
        {
            pos += 4
            return true
        }
        if end - pos >= 5 && base[pos] == UInt8(ascii: "f") && base[pos + 1] == UInt8(ascii: "a")
            && base[pos + 2] == UInt8(ascii: "l") && base[pos + 3] == UInt8(ascii: "s") && base[pos + 4] == UInt8(ascii: "e")
        {
            pos += 5
            return false
        }
        throw fail(.wrongType, "expected true or false")
    }

    /// Skips any value, validating it.
    public mutating func skipValue() throws(WireError) {
        switch try peekKind() {
        case .object: try object { (s, _) throws(WireError) in try s.skipValue() }
        case .array: try array { (s) throws(WireError) in try s.skipValue() }
        case .string: _ = try readRawString { _, _ in () }
        case .number: _ = try readNumberToken()
        case .bool: _ = try readBool()
        case .null: if !consumeNull() { throw fail("invalid literal") }
        }
    }

    /// Requires that only whitespace remains.
    public mutating func expectEnd() throws(WireError) {
        skipWhitespace()
        if pos < end { throw fail("unexpected data after the JSON value") }
    }

    static func printable(_ c: UInt8) -> String {
        if c >= 0x20 && c < 0x7F { return String(UnicodeScalar(c)) }
        return "\\x" + String(c, radix: 16)
    }
}
