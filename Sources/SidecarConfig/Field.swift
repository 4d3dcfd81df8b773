import Yams

/// One step of a `--set` key path: `exporters[0].queue.max_items` is
/// `.key("exporters"), .index(0), .key("queue"), .key("max_items")`.
enum PathComponent: Equatable {
    case key(String)
    case index(Int)
}

/// One YAML key of a section: how to decode it (from the file, or from `--set` at or below it)
/// and how to render it. The schema (Schema.swift) is a tree of these, so decoding, overrides
/// and rendering share one list of keys and cannot drift apart.
struct Field<Root> {
    let key: String
    /// Replaces this key's value with `node`.
    let decode: (Node, inout Root, String, inout DecodeContext) -> Void
    /// Applies `node` at a path below this key (`rest` is never empty).
    let decodeBelow: (ArraySlice<PathComponent>, Node, inout Root, String, inout DecodeContext) -> Void
    let render: (Root) -> RenderedValue

    static func leafOnly(_ key: String) -> (ArraySlice<PathComponent>, Node, inout Root, String, inout DecodeContext) -> Void {
        { _, _, _, path, context in context.report(path, "'\(key)' is a single value; there is nothing below it") }
    }
}

// MARK: - Sections

/// Decodes a mapping into `value`, key by key; unknown keys are reported with a suggestion.
func decodeSection<T>(_ node: Node, into value: inout T, fields: [Field<T>], path: String, context: inout DecodeContext) {
    switch node {
    case .mapping(let mapping):
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                context.report(path, "keys must be plain strings", node: keyNode)
                continue
            }
            let key = keyScalar.string
            let childPath = joinPath(path, key)
            guard let field = fields.first(where: { $0.key == key }) else {
                context.report(childPath, unknownKeyMessage(key, known: fields.map(\.key)), node: keyNode)
                continue
            }
            context.mark(childPath, keyNode: keyNode)
            field.decode(valueNode, &value, childPath, &context)
        }
    case .scalar(let scalar) where scalar.isNull:
        return
    case .scalar:
        context.report(path, "expected a mapping, got '\(excerpt(node.scalar?.string ?? ""))'", node: node)
    case .sequence:
        context.report(path, "expected a mapping, got a list", node: node)
    case .alias:
        context.report(path, "expected a mapping, got an alias", node: node)
    }
}

/// Applies `node` at `rest` below a section.
func decodeSectionBelow<T>(_ rest: ArraySlice<PathComponent>, _ node: Node, into value: inout T, fields: [Field<T>], path: String, context: inout DecodeContext) {
    guard case .key(let key)? = rest.first else {
        context.report(path, "'\(path)' is not a list; expected '.key' after it")
        return
    }
    let childPath = joinPath(path, key)
    guard let field = fields.first(where: { $0.key == key }) else {
        context.report(childPath, unknownKeyMessage(key, known: fields.map(\.key)))
        return
    }
    context.mark(childPath, keyNode: nil)
    let remaining = rest.dropFirst()
    if remaining.isEmpty {
        field.decode(node, &value, childPath, &context)
    } else {
        field.decodeBelow(remaining, node, &value, childPath, &context)
    }
}

func renderSection<T>(_ value: T, fields: [Field<T>]) -> RenderedValue {
    .mapping(fields.map { ($0.key, $0.render(value)) })
}

// MARK: - Builders

extension Field {
    /// A required scalar.
    static func value<T>(_ key: String, _ keyPath: WritableKeyPath<Root, T>, _ codec: ValueCodec<T>) -> Field {
        Field(key: key, decode: { node, root, path, context in
            switch context.scalar(node, path, expected: codec.expected) {
            case nil: return
            case .null: context.report(path, "missing value; expected \(codec.expected)", node: node)
            case .text(let text):
                switch codec.parse(text) {
                case .success(let value): root[keyPath: keyPath] = value
                case .failure(let failure): context.report(path, failure.message, node: node)
                }
            }
        }, decodeBelow: leafOnly(key), render: { root in codec.render(root[keyPath: keyPath]) })
    }

    /// An optional scalar: null or `""` is none.
    static func optional<T>(_ key: String, _ keyPath: WritableKeyPath<Root, T?>, _ codec: ValueCodec<T>) -> Field {
        Field(key: key, decode: { node, root, path, context in
            switch context.scalar(node, path, expected: codec.expected) {
            case nil: return
            case .null, .text(""): root[keyPath: keyPath] = nil
            case .text(let text):
                switch codec.parse(text) {
                case .success(let value): root[keyPath: keyPath] = value
                case .failure(let failure): context.report(path, failure.message, node: node)
                }
            }
        }, decodeBelow: leafOnly(key), render: { root in root[keyPath: keyPath].map(codec.render) ?? .null })
    }

    /// A nested section.
    static func section<S>(_ key: String, _ keyPath: WritableKeyPath<Root, S>, _ fields: [Field<S>]) -> Field {
        Field(key: key, decode: { node, root, path, context in
            decodeSection(node, into: &root[keyPath: keyPath], fields: fields, path: path, context: &context)
        }, decodeBelow: { rest, node, root, path, context in
            decodeSectionBelow(rest, node, into: &root[keyPath: keyPath], fields: fields, path: path, context: &context)
        }, render: { root in renderSection(root[keyPath: keyPath], fields: fields) })
    }

    /// A key of a nested struct that sits flat in this section's YAML (`socket_mode` → `access.mode`).
    static func flattened<S>(_ field: Field<S>, from keyPath: WritableKeyPath<Root, S>) -> Field {
        Field(key: field.key, decode: { node, root, path, context in
            field.decode(node, &root[keyPath: keyPath], path, &context)
        }, decodeBelow: { rest, node, root, path, context in
            field.decodeBelow(rest, node, &root[keyPath: keyPath], path, &context)
        }, render: { root in field.render(root[keyPath: keyPath]) })
    }
}
