/// A value ready to print as YAML.
indirect enum RenderedValue {
    /// Printed double-quoted, with `$` doubled so that loading it back does not expand anything.
    case string(String)
    /// Printed as is (numbers, booleans, sizes, durations, enum names).
    case plain(String)
    case null
    /// A string printed as `<redacted>` unless redaction is off.
    case secret(String)
    case sequence([RenderedValue])
    case mapping([(String, RenderedValue)])

    var isScalar: Bool {
        switch self {
        case .sequence, .mapping: false
        default: true
        }
    }
}

extension SidecarConfiguration {
    /// The effective configuration as YAML, every key present, so it can be read as the
    /// reference of what runs and loaded back as a file (it loads to an equal configuration when
    /// `redactSecrets` is false). Secrets — header values and the hash key — are printed as
    /// `<redacted>` unless `redactSecrets` is false. Strings are double-quoted and `$` is written
    /// `$$`, so loading the output expands nothing.
    public func renderYAML(redactSecrets: Bool = true) -> String {
        let header = redactSecrets
            ? "# otel-sidecar effective configuration (secrets redacted)\n"
            : "# otel-sidecar effective configuration (CONTAINS SECRETS)\n"
        var output = header
        YAMLEmitter(redact: redactSecrets).emitMapping(entries(), indent: 0, into: &output)
        return output
    }

    private func entries() -> [(String, RenderedValue)] {
        guard case .mapping(let entries) = renderSection(self, fields: Schema.root) else { return [] }
        return entries
    }
}

/// A small block-style emitter: deterministic, never fails, quotes every string.
struct YAMLEmitter {
    let redact: Bool

    func emitMapping(_ entries: [(String, RenderedValue)], indent: Int, into output: inout String) {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in entries {
            output += pad + Self.key(key) + ":"
            emitValue(value, indent: indent, into: &output)
        }
    }

    /// Writes what follows `key:` or `- `, ending with a newline.
    private func emitValue(_ value: RenderedValue, indent: Int, into output: inout String) {
        switch value {
        case .mapping(let entries) where entries.isEmpty:
            output += " {}\n"
        case .mapping(let entries):
            output += "\n"
            emitMapping(entries, indent: indent + 2, into: &output)
        case .sequence(let items) where items.isEmpty:
            output += " []\n"
        case .sequence(let items) where items.allSatisfy(\.isScalar):
            output += " [" + items.map(scalar).joined(separator: ", ") + "]\n"
        case .sequence(let items):
            output += "\n"
            emitSequence(items, indent: indent + 2, into: &output)
        default:
            output += " " + scalar(value) + "\n"
        }
    }

    private func emitSequence(_ items: [RenderedValue], indent: Int, into output: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            switch item {
            case .mapping(let entries) where !entries.isEmpty:
                // The first key shares the line with "- ", the rest align under it.
                var nested = ""
                emitMapping(entries, indent: indent + 2, into: &nested)
                output += pad + "- " + nested.dropFirst(indent + 2)
            case .sequence(let inner) where !inner.isEmpty:
                output += pad + "-\n"
                emitSequence(inner, indent: indent + 2, into: &output)
            case .mapping:
                output += pad + "- {}\n"
            case .sequence:
                output += pad + "- []\n"
            default:
                output += pad + "- " + scalar(item) + "\n"
            }
        }
    }

    private func scalar(_ value: RenderedValue) -> String {
        switch value {
        case .string(let text): Self.quote(VariableExpansion.escape(text))
        case .plain(let text): text
        case .null: "null"
        case .secret(let text): redact ? "\"<redacted>\"" : Self.quote(VariableExpansion.escape(text))
        case .sequence, .mapping: "null"
        }
    }

    static func key(_ key: String) -> String {
        let plain = !key.isEmpty && key.unicodeScalars.allSatisfy { scalar in
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "_" || scalar == "-" || scalar == "." || scalar == "/"
        } && !["true", "false", "null", "yes", "no", "on", "off", "~"].contains(key.lowercased())
            && !key.hasPrefix("-")
        return plain ? key : quote(key)
    }

    /// A YAML double-quoted scalar.
    static func quote(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": output += "\\\\"
            case "\"": output += "\\\""
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0xFEFF:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                output += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
