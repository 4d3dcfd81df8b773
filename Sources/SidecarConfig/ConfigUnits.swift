/// Durations and byte sizes as operators write them.
///
/// Durations: one or more `<number><unit>` parts, units `ns`, `us` (or `µs`), `ms`, `s`, `m`, `h`:
/// `100ms`, `5s`, `2m`, `1h`, `1m30s`, `1.5s`. `0` alone is zero. No sign, no spaces.
///
/// Sizes: a plain byte count (`4096`) or a number with a unit: `KB`/`MB`/`GB`/`TB` are
/// decimal (1000ⁿ), `KiB`/`MiB`/`GiB`/`TiB` binary (1024ⁿ), `B` bytes; units are case-insensitive
/// and may follow one space. `1.5GiB` is allowed when it is a whole number of bytes.
public enum ConfigUnits {
    /// Parses a duration; nil when malformed or out of range.
    public static func parseDuration(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return nil }
        var index = 0
        var total: Int64 = 0
        while index < scalars.count {
            guard let number = scanNumber(scalars, &index) else { return nil }
            let unitStart = index
            while index < scalars.count, !isDigit(scalars[index]) { index += 1 }
            let unit = String(String.UnicodeScalarView(scalars[unitStart..<index]))
            guard let unitNanos = durationUnits[unit],
                  let part = number.scaled(by: unitNanos, requireWhole: false) else { return nil }
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard !overflow else { return nil }
            total = sum
        }
        return .nanoseconds(total)
    }

    /// Formats a duration as parts, largest unit first: `1m30s`, `200ms`, `0s`.
    public static func formatDuration(_ duration: Duration) -> String {
        var remaining = nanoseconds(of: duration)
        guard remaining > 0 else { return "0s" }
        var text = ""
        for (unit, nanos) in durationFormatUnits where remaining >= nanos {
            text += "\(remaining / nanos)\(unit)"
            remaining %= nanos
        }
        return text
    }

    /// Parses a size in bytes; nil when malformed, negative, fractional bytes or out of range.
    public static func parseSize(_ text: String) -> Int? {
        let scalars = Array(text.unicodeScalars)
        var index = 0
        guard let number = scanNumber(scalars, &index) else { return nil }
        if index < scalars.count, scalars[index] == " " { index += 1 }
        let unit = String(String.UnicodeScalarView(scalars[index...])).lowercased()
        if unit.isEmpty && index > 0 && scalars[index - 1] == " " { return nil }
        guard let multiplier = sizeUnits[unit],
              let bytes = number.scaled(by: multiplier, requireWhole: true),
              bytes <= Int64(Int.max) else { return nil }
        return Int(bytes)
    }

    /// Formats a size with the largest unit that divides it exactly: `64MiB`, `10MB`, `1000001`.
    public static func formatSize(_ bytes: Int) -> String {
        guard bytes > 0 else { return "\(bytes)" }
        for (unit, size) in binaryFormatUnits + decimalFormatUnits where bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }

    /// A duration in whole nanoseconds, clamped to `Int64`.
    public static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = product.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? .min : .max }
        return sum
    }

    /// Milliseconds in whole numbers (the unit of `OTEL_EXPORTER_OTLP_TIMEOUT`).
    static func parseMilliseconds(_ text: String) -> Duration? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy(isDigit), let value = Int64(text),
              value <= Int64.max / 1_000_000 else { return nil }
        return .milliseconds(value)
    }

    // MARK: - Internals

    private static let durationUnits: [String: Int64] = [
        "ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]
    private static let durationFormatUnits: [(String, Int64)] = [
        ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
        ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
    ]
    private static let sizeUnits: [String: Int64] = [
        "": 1, "b": 1,
        "kb": 1_000, "mb": 1_000_000, "gb": 1_000_000_000, "tb": 1_000_000_000_000,
        "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
    ]
    private static let binaryFormatUnits: [(String, Int)] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
    private static let decimalFormatUnits: [(String, Int)] = [
        ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000),
    ]

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar >= "0" && scalar <= "9"
    }

    /// A non-negative decimal number as written: whole part and fraction digits.
    private struct DecimalNumber {
        var whole: Int64
        var fraction: [Int64]

        /// The number times `unit`, exact where the unit allows; nil on overflow, or when
        /// `requireWhole` and the product has a fractional part.
        func scaled(by unit: Int64, requireWhole: Bool) -> Int64? {
            let (product, overflow) = whole.multipliedReportingOverflow(by: unit)
            guard !overflow else { return nil }
            var numerator: Int64 = 0
            var denominator: Int64 = 1
            for digit in fraction.prefix(6) {
                numerator = numerator * 10 + digit
                denominator *= 10
            }
            if fraction.count > 6 && requireWhole && fraction.dropFirst(6).contains(where: { $0 != 0 }) { return nil }
            let (fractionProduct, overflow2) = numerator.multipliedReportingOverflow(by: unit)
            guard !overflow2 else { return nil }
            if requireWhole && fractionProduct % denominator != 0 { return nil }
            let (sum, overflow3) = product.addingReportingOverflow(fractionProduct / denominator)
            return overflow3 ? nil : sum
        }
    }

    private static func scanNumber(_ scalars: [Unicode.Scalar], _ index: inout Int) -> DecimalNumber? {
        var whole: Int64 = 0
        var digits = 0
        while index < scalars.count, isDigit(scalars[index]) {
            let (times10, o1) = whole.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(scalars[index].value - 48))
            guard !o1, !o2 else { return nil }
            whole = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        var fraction: [Int64] = []
        if index < scalars.count, scalars[index] == "." {
            index += 1
            while index < scalars.count, isDigit(scalars[index]) {
                fraction.append(Int64(scalars[index].value - 48))
                index += 1
            }
            guard !fraction.isEmpty else { return nil }
        }
        return DecimalNumber(whole: whole, fraction: fraction)
    }
}
