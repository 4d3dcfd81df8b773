import Yams

// Lists, maps and lists of sections.

extension Field {
    /// A list of scalars; null is the empty list.
    static func list<T>(_ key: String, _ keyPath: WritableKeyPath<Root, [T]>, _ codec: ValueCodec<T>) -> Field {
        let optionalPath = keyPath.appending(path: \[T].asOptional)
        let inner = optionalList(key, optionalPath, codec, nullIsEmpty: true)
        return Field(key: key, decode: inner.decode, decodeBelow: inner.decodeBelow, render: inner.render)
    }

    /// A list of scalars that may be absent (null = none).
    static func optionalList<T>(_ key: String, _ keyPath: WritableKeyPath<Root, [T]?>, _ codec: ValueCodec<T>, nullIsEmpty: Bool = false) -> Field {
        Field(key: key, decode: { node, root, path, context in
            switch node {
            case .sequence(let sequence):
                var values: [T] = []
                for (index, item) in sequence.enumerated() {
                    if let value = decodeItem(item, codec, "\(path)[\(index)]", &context) { values.append(value) }
                }
                root[keyPath: keyPath] = values
            case .scalar(let scalar) where scalar.isNull:
                root[keyPath: keyPath] = nullIsEmpty ? [] : nil
            default:
                if case .text(let text)? = context.scalar(node, path, expected: "a list") {
                    context.report(path, "expected a list of \(codec.expected), got '\(excerpt(text))'; write [a, b] or one '- item' per line", node: node)
                }
            }
        }, decodeBelow: { rest, node, root, path, context in
            guard case .index(let index)? = rest.first, rest.count == 1 else {
                context.report(path, "'\(path)' is a list of values; expected [index] after it")
                return
            }
            var values = root[keyPath: keyPath] ?? []
            let itemPath = "\(path)[\(index)]"
            guard index <= values.count else {
                context.report(itemPath, "index \(index) is out of range: the list has \(values.count) items (use [\(values.count)] to append)")
                return
            }
            guard let value = decodeItem(node, codec, itemPath, &context) else { return }
            if index == values.count { values.append(value) } else { values[index] = value }
            root[keyPath: keyPath] = values
        }, render: { root in
            root[keyPath: keyPath].map { .sequence($0.map(codec.render)) } ?? .null
        })
    }

    /// A map of string keys to scalars. `merge` keeps entries the node does not name
    /// (for maps with a fixed key set such as `builtins`); otherwise the node replaces the map.
    static func map<K: Hashable, V>(
        _ key: String, _ keyPath: WritableKeyPath<Root, [K: V]>, keys keyCodec: ValueCodec<K>, values valueCodec: ValueCodec<V>,
        merge: Bool, name: @escaping (K) -> String, order: @escaping ([K]) -> [K]
    ) -> Field {
        Field(key: key, decode: { node, root, path, context in
            switch node {
            case .mapping(let mapping):
                var result = merge ? root[keyPath: keyPath] : [:]
                for (keyNode, valueNode) in mapping {
                    guard case .scalar(let keyScalar) = keyNode else {
                        context.report(path, "keys must be plain strings", node: keyNode)
                        continue
                    }
                    let entryPath = joinPath(path, keyScalar.string)
                    guard case .success(let entryKey) = parseKey(keyScalar.string, keyCodec, entryPath, keyNode, &context) else { continue }
                    context.mark(entryPath, keyNode: keyNode)
                    if let value = decodeItem(valueNode, valueCodec, entryPath, &context) { result[entryKey] = value }
                }
                root[keyPath: keyPath] = result
            case .scalar(let scalar) where scalar.isNull:
                if !merge { root[keyPath: keyPath] = [:] }
            default:
                if context.scalar(node, path, expected: "a mapping") != nil {
                    context.report(path, "expected a mapping of keys to \(valueCodec.expected)", node: node)
                }
            }
        }, decodeBelow: { rest, node, root, path, context in
            var keyParts: [String] = []
            for component in rest {
                guard case .key(let part) = component else {
                    context.report(path, "'\(path)' is a map; expected '.key' after it, not an index")
                    return
                }
                keyParts.append(part)
            }
            let entryKey = keyParts.joined(separator: ".")
            let entryPath = joinPath(path, entryKey)
            guard case .success(let parsedKey) = parseKey(entryKey, keyCodec, entryPath, nil, &context),
                  let value = decodeItem(node, valueCodec, entryPath, &context) else { return }
            root[keyPath: keyPath][parsedKey] = value
        }, render: { root in
            let map = root[keyPath: keyPath]
            return .mapping(order(Array(map.keys)).compactMap { entryKey in
                map[entryKey].map { (name(entryKey), valueCodec.render($0)) }
            })
        })
    }

    /// A list of sections (`exporters`, `masks`). A node replaces the whole list; `--set list[i].key`
    /// changes one element, and `list[count]` appends a new one with defaults.
    static func objects<E>(_ key: String, _ keyPath: WritableKeyPath<Root, [E]>, _ fields: [Field<E>], make: @escaping () -> E) -> Field {
        Field(key: key, decode: { node, root, path, context in
            switch node {
            case .sequence(let sequence):
                context.forget(below: path)
                var elements: [E] = []
                for (index, item) in sequence.enumerated() {
                    let itemPath = "\(path)[\(index)]"
                    var element = make()
                    context.mark(itemPath, keyNode: item)
                    if case .mapping = item {
                        decodeSection(item, into: &element, fields: fields, path: itemPath, context: &context)
                    } else {
                        context.report(itemPath, "expected a mapping for each item of '\(key)'", node: item)
                    }
                    elements.append(element)
                }
                root[keyPath: keyPath] = elements
            case .scalar(let scalar) where scalar.isNull:
                context.forget(below: path)
                root[keyPath: keyPath] = []
            default:
                if context.scalar(node, path, expected: "a list") != nil {
                    context.report(path, "expected a list of mappings", node: node)
                }
            }
        }, decodeBelow: { rest, node, root, path, context in
            guard case .index(let index)? = rest.first else {
                context.report(path, "'\(path)' is a list; expected [index] after it")
                return
            }
            var elements = root[keyPath: keyPath]
            let itemPath = "\(path)[\(index)]"
            guard index <= elements.count else {
                context.report(itemPath, "index \(index) is out of range: the list has \(elements.count) items (use [\(elements.count)] to append)")
                return
            }
            if index == elements.count { elements.append(make()) }
            let remaining = rest.dropFirst()
            if remaining.isEmpty {
                context.forget(below: itemPath)
                var element = make()
                decodeSection(node, into: &element, fields: fields, path: itemPath, context: &context)
                elements[index] = element
            } else {
                decodeSectionBelow(remaining, node, into: &elements[index], fields: fields, path: itemPath, context: &context)
            }
            root[keyPath: keyPath] = elements
        }, render: { root in
            .sequence(root[keyPath: keyPath].map { renderSection($0, fields: fields) })
        })
    }
}

private func decodeItem<T>(_ node: Node, _ codec: ValueCodec<T>, _ path: String, _ context: inout DecodeContext) -> T? {
    switch context.scalar(node, path, expected: codec.expected) {
    case nil:
        return nil
    case .null:
        context.report(path, "missing value; expected \(codec.expected)", node: node)
        return nil
    case .text(let text):
        switch codec.parse(text) {
        case .success(let value): return value
        case .failure(let failure):
            context.report(path, failure.message, node: node)
            return nil
        }
    }
}

private func parseKey<K>(_ text: String, _ codec: ValueCodec<K>, _ path: String, _ node: Node?, _ context: inout DecodeContext) -> Result<K, ValueCodec<K>.Failure> {
    let result = codec.parse(text)
    if case .failure(let failure) = result { context.report(path, failure.message, node: node) }
    return result
}

extension Array {
    /// A non-optional list seen as an optional one, so one builder serves both.
    fileprivate var asOptional: [Element]? {
        get { self }
        set { self = newValue ?? [] }
    }
}
