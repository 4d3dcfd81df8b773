import Yams

// `--set key.path=value`: the highest-precedence source.
//
// The path names YAML keys with `.` and list items with `[i]` (`exporters[0].queue.max_items`);
// inside a map the rest of the path is the map key (`service.resource.deployment.environment`).
// `[count]` appends a new list item with defaults. The value is taken literally (no `${VAR}`
// expansion: the shell already did that); an empty value, `null` or `~` is none for optional keys.
// A value in `[…]` or `{…}` is read as a YAML flow list or mapping: `signals=[traces, logs]`
// (`[::1]:4317` is not: it does not end with `]`).

extension ConfigLoader {
    static func applyOverride(_ override: String, to config: inout SidecarConfiguration, context: inout DecodeContext) {
        guard let equals = override.firstIndex(of: "=") else {
            context.report(override, "expected key.path=value")
            return
        }
        let pathText = String(override[..<equals])
        let valueText = String(override[override.index(after: equals)...])
        guard let components = parsePath(pathText), !components.isEmpty, case .key = components[0] else {
            context.report(pathText, "invalid key path; write keys separated by '.' and list items as [0], e.g. exporters[0].endpoint")
            return
        }
        let node: Node
        if (valueText.hasPrefix("[") && valueText.hasSuffix("]")) || (valueText.hasPrefix("{") && valueText.hasSuffix("}")) {
            do {
                guard let parsed = try Yams.compose(yaml: valueText, .default, .default, .utf8) else {
                    context.report(pathText, "empty value")
                    return
                }
                node = parsed
            } catch {
                context.report(pathText, "the value looks like a YAML flow list or mapping ([…] or {…}) but does not parse as one")
                return
            }
        } else {
            node = .scalar(Node.Scalar(valueText, .implicit, .plain))
        }
        decodeSectionBelow(components[...], node, into: &config, fields: Schema.root, path: "", context: &context)
    }

    /// `a.b[0].c` → key a, key b, index 0, key c; nil when malformed.
    static func parsePath(_ text: String) -> [PathComponent]? {
        var components: [PathComponent] = []
        for segment in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard let bracket = segment.firstIndex(of: "[") else {
                guard !segment.isEmpty else { return nil }
                components.append(.key(String(segment)))
                continue
            }
            let name = segment[..<bracket]
            if !name.isEmpty { components.append(.key(String(name))) }
            var rest = segment[bracket...]
            guard !(name.isEmpty && components.isEmpty) else { return nil }
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                      let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0 else { return nil }
                components.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        return components
    }
}
