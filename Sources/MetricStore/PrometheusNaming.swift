import OTLPWire
import SidecarModel

/// The OTel → Prometheus translation of names, units and label values
/// (specification/compatibility/prometheus_and_openmetrics.md, "OTLP Metric points to Prometheus").
public enum PrometheusNaming {
    /// Characters outside `[a-zA-Z0-9_:]` become `_`, runs of `_` become one, a leading digit gets a `_`
    /// prefix.
    public static func metricName(_ name: String) -> String {
        sanitize(name, allowColon: true, digitPrefix: "_")
    }

    /// Characters outside `[a-zA-Z0-9_]` become `_`, runs of `_` become one (so no `__` reserved
    /// prefix survives), a leading digit gets a `key_` prefix.
    public static func labelName(_ key: String) -> String {
        sanitize(key, allowColon: false, digitPrefix: "key_")
    }

    private static func sanitize(_ s: String, allowColon: Bool, digitPrefix: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + digitPrefix.utf8.count)
        var lastUnderscore = false
        for b in s.utf8 {
            let valid = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || (allowColon && b == 0x3A)
            if valid {
                if out.isEmpty && b >= 0x30 && b <= 0x39 { out.append(contentsOf: digitPrefix.utf8) }
                out.append(b)
                lastUnderscore = false
            } else if !lastUnderscore {
                // `_` itself, or an invalid byte (each byte of a multi-byte character, collapsed).
                out.append(UInt8(ascii: "_"))
                lastUnderscore = true
            }
        }
        if out.isEmpty { return "_" }
        return String(decoding: out, as: UTF8.self)
    }

    /// The Prometheus family name and unit suffix of an OTel metric: sanitized name, the unit as words
    /// (`ms` → `milliseconds`, `By` → `bytes`, `{request}` dropped, `m/s` → `meters_per_second`, `1` →
    /// `ratio` on gauges) appended unless already part of the name, and `_total` on counters (a `_total`
    /// already there is kept once). The unit is "" when none was appended; OpenMetrics `UNIT` uses it.
    public static func familyName(_ name: String, unit: String, kind: AggregationKind) -> (name: String, unit: String) {
        var base = metricName(name)
        let isCounter = kind == .counter
        if isCounter && base.hasSuffix("_total") { base.removeLast(6) }
        var suffix = ""
        if let word = unitWords(unit, gaugeLike: kind == .gauge || kind == .upDownCounter) {
            if !("_" + base + "_").contains("_" + word + "_") {
                base += "_" + word
                suffix = word
            } else if base.hasSuffix("_" + word) || base == word {
                suffix = word
            }
        }
        if isCounter { base += "_total" }
        return (collapse(base), suffix)
    }

    /// A UCUM unit as Prometheus words, or nil for none.
    public static func unitWords(_ unit: String, gaugeLike: Bool) -> String? {
        var u = removeAnnotations(unit)
        u = String(u.filter { !$0.isWhitespace })
        if u.isEmpty { return nil }
        if u == "1" { return gaugeLike ? "ratio" : nil }
        let words: String
        if let slash = u.firstIndex(of: "/") {
            let main = String(u[..<slash])
            let per = String(u[u.index(after: slash)...])
            let a = main.isEmpty || main == "1" ? "" : (unitNames[main] ?? main)
            let b = per.isEmpty ? "" : (perUnitNames[per] ?? unitNames[per] ?? per)
            if b.isEmpty { words = a } else if a.isEmpty { words = "per_" + b } else { words = a + "_per_" + b }
        } else {
            words = unitNames[u] ?? u
        }
        var cleaned = sanitize(words, allowColon: false, digitPrefix: "")
        while cleaned.hasPrefix("_") { cleaned.removeFirst() }
        while cleaned.hasSuffix("_") { cleaned.removeLast() }
        return cleaned.isEmpty ? nil : cleaned
    }

    private static func removeAnnotations(_ unit: String) -> String {
        guard unit.contains("{") else { return unit }
        var out = ""
        var depth = 0
        for c in unit {
            if c == "{" { depth += 1 } else if c == "}" { depth = max(0, depth - 1) } else if depth == 0 { out.append(c) }
        }
        return out
    }

    private static func collapse(_ s: String) -> String {
        guard s.contains("__") else { return s }
        var out = ""
        var last: Character = " "
        for c in s where !(c == "_" && last == "_") {
            out.append(c)
            last = c
        }
        return out
    }

    /// UCUM abbreviations to Prometheus unit words (the Collector's translator table).
    public static let unitNames: [String: String] = [
        "d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds", "us": "microseconds",
        "ns": "nanoseconds", "By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes",
        "TiBy": "tibibytes", "KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "TBy": "terabytes",
        "m": "meters", "V": "volts", "A": "amperes", "J": "joules", "W": "watts", "g": "grams", "Cel": "celsius",
        "Hz": "hertz", "%": "percent", "bit": "bits", "Kibit": "kibibits", "Mibit": "mebibits",
    ]

    /// Units after `/`, singular.
    public static let perUnitNames: [String: String] = [
        "s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year",
    ]

    /// An attribute value as a label value: strings as they are, numbers and booleans as their literal,
    /// bytes as base64, arrays and maps as JSON (the attribute specification's string form).
    public static func labelValue(_ value: AttributeValue) -> String {
        switch value {
        case .empty: return ""
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return formatNumber(d)
        case .bytes(let b): return base64(b)
        case .array, .map:
            var out = ""
            appendJSON(value, to: &out)
            return out
        }
    }

    /// Sample values: `NaN`, `+Inf`, `-Inf`, integers without a fraction, else the shortest round-trip form.
    public static func formatNumber(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        if v == v.rounded(.towardZero) && abs(v) < 1e15 { return String(Int64(v)) }
        return v.description
    }

    /// `le` and `quantile` values: text format as `formatNumber`; OpenMetrics wants a float literal
    /// (`1.0`, `0.25`, `1e+20`, `+Inf`).
    static func formatBound(_ v: Double, openMetrics: Bool) -> String {
        if openMetrics && v.isFinite { return v.description }
        return formatNumber(v)
    }

    private static func appendJSON(_ value: AttributeValue, to out: inout String) {
        switch value {
        case .empty: out += "null"
        case .string(let s): appendJSONString(s, to: &out)
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? formatNumber(d) : "\"\(formatNumber(d))\""
        case .bytes(let b): appendJSONString(base64(b), to: &out)
        case .array(let a):
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                appendJSON(v, to: &out)
            }
            out += "]"
        case .map(let m):
            out += "{"
            for (i, kv) in m.enumerated() {
                if i > 0 { out += "," }
                appendJSONString(kv.key, to: &out)
                out += ":"
                appendJSON(kv.value, to: &out)
            }
            out += "}"
        }
    }

    private static func appendJSONString(_ s: String, to out: inout String) {
        out += JSONWriter.quoted(s)
    }

    private static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
