/// How one kind of scalar value is parsed from text and rendered back.
struct ValueCodec<Value>: Sendable {
    struct Failure: Error {
        var message: String
    }

    /// For messages: "expected \(expected), got 'x'".
    var expected: String
    var parse: @Sendable (String) -> Result<Value, Failure>
    var render: @Sendable (Value) -> RenderedValue
}

typealias Config = SidecarConfiguration

/// A value as quoted in a message: at most 60 characters.
func excerpt(_ text: String) -> String {
    text.count <= 60 ? text : text.prefix(57) + "…"
}

extension ValueCodec where Value == String {
    static let string = ValueCodec(expected: "a string", parse: { .success($0) }, render: { .string($0) })

    static let nonEmpty = ValueCodec(expected: "a non-empty string", parse: { text in
        text.isEmpty ? .failure(Failure(message: "must not be empty")) : .success(text)
    }, render: { .string($0) })

    /// An HTTP path: starts with `/`.
    static let urlPath = ValueCodec(expected: "a path starting with '/'", parse: { text in
        text.hasPrefix("/") ? .success(text) : .failure(Failure(message: "expected a path starting with '/', got '\(excerpt(text))'"))
    }, render: { .string($0) })
}

extension ValueCodec where Value == Bool {
    static let bool = ValueCodec(expected: "true or false", parse: { text in
        switch text.lowercased() {
        case "true": .success(true)
        case "false": .success(false)
        default: .failure(Failure(message: "expected true or false, got '\(excerpt(text))'"))
        }
    }, render: { .plain($0 ? "true" : "false") })
}

extension ValueCodec where Value == Int {
    static func int(_ range: ClosedRange<Int> = 0...Int.max) -> ValueCodec {
        ValueCodec(expected: "an integer", parse: { text in
            let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
            guard let value = parseInteger(digits) else {
                return .failure(Failure(message: "expected an integer, got '\(excerpt(text))'"))
            }
            return checkRange(value, range)
        }, render: { .plain("\($0)") })
    }

    /// A byte size: `4096`, `64MiB`, `10MB`.
    static func size(_ range: ClosedRange<Int> = 1...Int.max) -> ValueCodec {
        ValueCodec(expected: "a size such as 64MiB", parse: { text in
            guard let value = ConfigUnits.parseSize(text) else {
                return .failure(Failure(message: "expected a size such as 64MiB, got '\(excerpt(text))'"))
            }
            return checkRange(value, range, format: ConfigUnits.formatSize)
        }, render: { .plain(ConfigUnits.formatSize($0)) })
    }

    private static func parseInteger(_ text: String) -> Int? {
        let cleaned = text.contains("_") && !text.hasPrefix("_") && !text.hasSuffix("_") ? text.filter { $0 != "_" } : text
        return Int(cleaned)
    }

    private static func checkRange(_ value: Int, _ range: ClosedRange<Int>, format: (Int) -> String = { "\($0)" }) -> Result<Int, Failure> {
        if range.contains(value) { return .success(value) }
        if range.upperBound == Int.max {
            return .failure(Failure(message: "must be at least \(format(range.lowerBound)), got \(format(value))"))
        }
        return .failure(Failure(message: "must be between \(format(range.lowerBound)) and \(format(range.upperBound)), got \(format(value))"))
    }
}

extension ValueCodec where Value == UInt32 {
    static let id = ValueCodec(expected: "a numeric id", parse: { text in
        guard let value = UInt32(text) else { return .failure(Failure(message: "expected a numeric id (0...4294967295), got '\(excerpt(text))'")) }
        return .success(value)
    }, render: { .plain("\($0)") })

    /// A permission mode as an octal string: `"0660"`.
    static let octalMode = ValueCodec(expected: "an octal mode such as \"0660\"", parse: { text in
        let digits = text.hasPrefix("0o") ? String(text.dropFirst(2)) : text
        guard (1...4).contains(digits.count), let value = UInt32(digits, radix: 8), value <= 0o7777 else {
            return .failure(Failure(message: "expected an octal mode such as \"0660\", got '\(excerpt(text))'"))
        }
        return .success(value)
    }, render: { mode in
        let digits = String(mode, radix: 8)
        return .string(String(repeating: "0", count: max(0, 4 - digits.count)) + digits)
    })
}

extension ValueCodec where Value == Double {
    static func double(_ range: ClosedRange<Double>) -> ValueCodec {
        ValueCodec(expected: "a number", parse: { text in
            guard let value = Double(text), value.isFinite else {
                return .failure(Failure(message: "expected a number, got '\(excerpt(text))'"))
            }
            guard range.contains(value) else {
                if range.upperBound == .greatestFiniteMagnitude {
                    return .failure(Failure(message: "must be at least \(range.lowerBound), got \(value)"))
                }
                return .failure(Failure(message: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"))
            }
            return .success(value)
        }, render: { .plain("\($0)") })
    }
}

extension ValueCodec where Value == Duration {
    static let duration = ValueCodec(expected: "a duration such as 5s", parse: { text in
        guard let value = ConfigUnits.parseDuration(text) else {
            return .failure(Failure(message: "expected a duration such as 5s, 200ms or 1m30s, got '\(excerpt(text))'"))
        }
        return .success(value)
    }, render: { .plain(ConfigUnits.formatDuration($0)) })

    /// Whole milliseconds, as the `OTEL_*` interval and timeout variables are written.
    static let millisecondCount = ValueCodec(expected: "a number of milliseconds", parse: { text in
        guard let ms = Int(text.trimmingCharacters(in: .whitespaces)), ms >= 0 else {
            return .failure(Failure(message: "expected a whole number of milliseconds, got '\(excerpt(text))'"))
        }
        return .success(.milliseconds(ms))
    }, render: { .plain(ConfigUnits.formatDuration($0)) })
}

extension ValueCodec where Value == Config.Secret {
    static let secret = ValueCodec(expected: "a string", parse: { .success(Config.Secret($0)) }, render: { .secret($0.value) })
}

extension ValueCodec where Value == Config.ListenAddress {
    static let listenAddress = ValueCodec(expected: "host:port", parse: { text in
        ListenAddressParser.parse(text).mapError { Failure(message: $0.message) }
    }, render: { .string($0.description) })
}

extension ValueCodec where Value: RawRepresentable & CaseIterable & Sendable, Value.RawValue == String {
    static var enumeration: ValueCodec {
        let names = Value.allCases.map(\.rawValue)
        return ValueCodec(expected: "one of \(names.joined(separator: ", "))", parse: { text in
            if let value = Value(rawValue: text) ?? Value(rawValue: text.lowercased()) { return .success(value) }
            return .failure(Failure(message: "invalid value '\(excerpt(text))'; expected one of \(names.joined(separator: ", "))"))
        }, render: { .plain($0.rawValue) })
    }
}
