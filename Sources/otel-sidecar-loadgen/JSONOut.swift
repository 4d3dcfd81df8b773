import OTLPWire

/// A tiny JSON writer for reports and `/stats` (no Foundation).
indirect enum JSONValue: Sendable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    func render(pretty: Bool = false) -> String {
        var out = ""
        write(into: &out, indent: pretty ? 0 : -1)
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let nl = indent >= 0 ? "\n" : ""
        let pad = indent >= 0 ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = indent >= 0 ? String(repeating: "  ", count: indent) : ""
        let next = indent >= 0 ? indent + 1 : -1
        switch self {
        case .object(let members):
            if members.isEmpty { out += "{}"; return }
            out += "{" + nl
            for (i, (k, v)) in members.enumerated() {
                out += pad
                Self.quote(k, into: &out)
                out += indent >= 0 ? ": " : ":"
                v.write(into: &out, indent: next)
                out += (i + 1 < members.count ? "," : "") + nl
            }
            out += closePad + "}"
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "[" + nl
            for (i, v) in items.enumerated() {
                out += pad
                v.write(into: &out, indent: next)
                out += (i + 1 < items.count ? "," : "") + nl
            }
            out += closePad + "]"
        case .string(let s): Self.quote(s, into: &out)
        case .int(let n): out += String(n)
        case .double(let d): out += d.isFinite ? Self.format(d) : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// Up to 3 decimals, no exponent for the magnitudes reports use.
    static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        let scaled = (d * 1000).rounded() / 1000
        return String(scaled)
    }

    static func quote(_ s: String, into out: inout String) {
        out += JSONWriter.quoted(s)
    }
}
