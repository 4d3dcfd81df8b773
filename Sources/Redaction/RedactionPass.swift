import SidecarModel

/// One walk over a batch with one borrowed scratch. Values are read first and written back only when a
/// rule changed them, so untouched arrays are never copied.
struct RedactionPass {
    let redactor: Redactor
    let scratch: PCRE2Scratch

    /// Integer values with at least this magnitude are also checked as decimal text (cards, phones).
    static let integerThreshold: UInt64 = 1_000_000

    enum ValueOutcome {
        case unchanged
        case replaced(AttributeValue)
        case drop
    }

    // MARK: Signals

    func traces(_ data: inout TracesData) {
        for r in data.resourceSpans.indices {
            resource(&data.resourceSpans[r].resource)
            for s in data.resourceSpans[r].scopeSpans.indices {
                instrumentationScope(&data.resourceSpans[r].scopeSpans[s].scope)
                for k in data.resourceSpans[r].scopeSpans[s].spans.indices {
                    span(&data.resourceSpans[r].scopeSpans[s].spans[k])
                }
            }
        }
    }

    func metrics(_ data: inout MetricsData) {
        for r in data.resourceMetrics.indices {
            resource(&data.resourceMetrics[r].resource)
            for s in data.resourceMetrics[r].scopeMetrics.indices {
                instrumentationScope(&data.resourceMetrics[r].scopeMetrics[s].scope)
                for m in data.resourceMetrics[r].scopeMetrics[s].metrics.indices {
                    if let changed = metric(data.resourceMetrics[r].scopeMetrics[s].metrics[m]) {
                        data.resourceMetrics[r].scopeMetrics[s].metrics[m] = changed
                    }
                }
            }
        }
    }

    func logs(_ data: inout LogsData) {
        for r in data.resourceLogs.indices {
            resource(&data.resourceLogs[r].resource)
            for s in data.resourceLogs[r].scopeLogs.indices {
                instrumentationScope(&data.resourceLogs[r].scopeLogs[s].scope)
                for k in data.resourceLogs[r].scopeLogs[s].logRecords.indices {
                    if let changed = logRecord(data.resourceLogs[r].scopeLogs[s].logRecords[k]) {
                        data.resourceLogs[r].scopeLogs[s].logRecords[k] = changed
                    }
                }
            }
        }
    }

    // MARK: Records

    private func resource(_ resource: inout Resource?) {
        guard let current = resource, !current.attributes.isEmpty else { return }
        if let (attrs, removed) = attributes(current.attributes, scope: .resourceAttributes, topLevel: true, parent: .none) {
            resource!.attributes = attrs
            resource!.droppedAttributesCount &+= UInt32(clamping: removed)
        }
    }

    private func instrumentationScope(_ scope: inout InstrumentationScope?) {
        guard let current = scope, !current.attributes.isEmpty else { return }
        if let (attrs, removed) = attributes(current.attributes, scope: .attributes, topLevel: true, parent: .none) {
            scope!.attributes = attrs
            scope!.droppedAttributesCount &+= UInt32(clamping: removed)
        }
    }

    /// Redacts a span in place (the pipeline owns its batch, so nothing is copied unless changed).
    func span(_ span: inout Span) {
        if let name = text(span.name, scope: .spanName) { span.name = name }
        if let message = span.status?.message, !message.isEmpty, let masked = text(message, scope: .spanName) {
            span.status!.message = masked
        }
        if !span.attributes.isEmpty {
            let removed = attributesInPlace(&span.attributes, scope: .attributes, topLevel: true, parent: .none).removed
            span.droppedAttributesCount &+= UInt32(clamping: removed)
        }
        for e in span.events.indices {
            if let name = text(span.events[e].name, scope: .spanName) { span.events[e].name = name }
            if !span.events[e].attributes.isEmpty {
                let removed = attributesInPlace(&span.events[e].attributes, scope: .eventAttributes, topLevel: true, parent: .none).removed
                span.events[e].droppedAttributesCount &+= UInt32(clamping: removed)
            }
        }
        for l in span.links.indices where !span.links[l].attributes.isEmpty {
            let removed = attributesInPlace(&span.links[l].attributes, scope: .linkAttributes, topLevel: true, parent: .none).removed
            span.links[l].droppedAttributesCount &+= UInt32(clamping: removed)
        }
    }

    func logRecord(_ record: LogRecord) -> LogRecord? {
        var out: LogRecord? = nil
        if let body = record.body {
            switch value(body, scope: .logBody, keys: .none, topLevelMap: false) {
            case .unchanged: break
            case .replaced(let v): out = record; out!.body = v
            case .drop: out = record; out!.body = .string("")
            }
        }
        if !record.attributes.isEmpty,
           let (attrs, removed) = attributes(record.attributes, scope: .attributes, topLevel: true, parent: .none) {
            out = out ?? record
            out!.attributes = attrs
            out!.droppedAttributesCount &+= UInt32(clamping: removed)
        }
        return out
    }

    func metric(_ metric: Metric) -> Metric? {
        var out: Metric? = nil
        func points<P>(_ list: [P], _ attrs: WritableKeyPath<P, [Attribute]>, _ exemplars: WritableKeyPath<P, [Exemplar]>?) -> [P]? {
            var result: [P]? = nil
            for i in list.indices {
                var point = list[i]
                var changed = false
                if let (a, _) = attributes(point[keyPath: attrs], scope: .metricAttributes, topLevel: true, parent: .none) {
                    point[keyPath: attrs] = a
                    changed = true
                }
                if let exemplars {
                    for x in point[keyPath: exemplars].indices {
                        let filtered = point[keyPath: exemplars][x].filteredAttributes
                        if let (a, _) = attributes(filtered, scope: .metricAttributes, topLevel: true, parent: .none) {
                            point[keyPath: exemplars][x].filteredAttributes = a
                            changed = true
                        }
                    }
                }
                if changed {
                    result = result ?? list
                    result![i] = point
                }
            }
            return result
        }
        switch metric.data {
        case .none:
            break
        case .gauge(let p):
            if let p = points(p, \.attributes, \.exemplars) { out = metric; out!.data = .gauge(p) }
        case .sum(var sum):
            if let p = points(sum.dataPoints, \.attributes, \.exemplars) { sum.dataPoints = p; out = metric; out!.data = .sum(sum) }
        case .histogram(var h):
            if let p = points(h.dataPoints, \.attributes, \.exemplars) { h.dataPoints = p; out = metric; out!.data = .histogram(h) }
        case .exponentialHistogram(var h):
            if let p = points(h.dataPoints, \.attributes, \.exemplars) { h.dataPoints = p; out = metric; out!.data = .exponentialHistogram(h) }
        case .summary(let p):
            if let p = points(p, \.attributes, nil) { out = metric; out!.data = .summary(p) }
        }
        if !metric.metadata.isEmpty,
           let (attrs, _) = attributes(metric.metadata, scope: .metricAttributes, topLevel: true, parent: .none) {
            out = out ?? metric
            out!.metadata = attrs
        }
        return out
    }

    // MARK: Attributes and values

    /// The attributes with key rules and value rules applied, and how many were removed (`action: drop`);
    /// nil when nothing changed. Allowlist mode applies to top-level attributes only.
    func attributes(_ attrs: [Attribute], scope: ScopeSet, topLevel: Bool, parent: KeyContext) -> ([Attribute], Int)? {
        var copy = attrs
        let result = attributesInPlace(&copy, scope: scope, topLevel: topLevel, parent: parent)
        return result.changed ? (copy, result.removed) : nil
    }

    /// Applies key rules and value rules in place; writes only what changes.
    func attributesInPlace(_ attrs: inout [Attribute], scope: ScopeSet, topLevel: Bool, parent: KeyContext) -> (changed: Bool, removed: Int) {
        var changed = false
        var removals: [Int] = []
        for i in attrs.indices {
            let key = attrs[i].key
            if keyIsMasked(key, topLevel: topLevel) {
                let v = attrs[i].value
                if v == .empty || v == .string("") || v == .string(Redactor.keyReplacement) { continue }
                attrs[i].value = .string(Redactor.keyReplacement)
                changed = true
                continue
            }
            let keys = KeyContext(nearest: key, top: topLevel ? key : parent.top)
            switch value(attrs[i].value, scope: scope, keys: keys, topLevelMap: false) {
            case .unchanged:
                continue
            case .replaced(let v):
                attrs[i].value = v
                changed = true
            case .drop:
                removals.append(i)
                changed = true
            }
        }
        for i in removals.reversed() { attrs.remove(at: i) }
        return (changed, removals.count)
    }

    private func keyIsMasked(_ key: String, topLevel: Bool) -> Bool {
        let redactor = self.redactor
        let d = scratch.keyCache.decision(key) { bytes in
            var d: KeyDecisionCache.Decision = []
            if redactor.blocked.matches(bytes: bytes) { d.insert(.blocked) }
            if let allowed = redactor.allowed, allowed.matches(bytes: bytes) { d.insert(.allowed) }
            return d
        }
        if d.contains(.blocked) {
            redactor.blockedCounter.add()
            return true
        }
        if topLevel, redactor.allowed != nil, !d.contains(.allowed) {
            redactor.allowedCounter.add()
            return true
        }
        return false
    }

    func value(_ v: AttributeValue, scope: ScopeSet, keys: KeyContext, topLevelMap: Bool) -> ValueOutcome {
        switch v {
        case .string(let s):
            switch StringEngine.run(s, plan: redactor.rulesByScope[scope.index], keys: keys, scratch: scratch) {
            case .unchanged: return .unchanged
            case .replaced(let bytes): return .replaced(.string(String(decoding: bytes, as: UTF8.self)))
            case .drop: return .drop
            }
        case .int(let n):
            guard n.magnitude >= Self.integerThreshold else { return .unchanged }
            switch StringEngine.run(String(n), plan: redactor.rulesByScope[scope.index], keys: keys, scratch: scratch) {
            case .unchanged: return .unchanged
            case .replaced(let bytes): return .replaced(.string(String(decoding: bytes, as: UTF8.self)))
            case .drop: return .drop
            }
        case .array(let elements):
            var out: [AttributeValue]? = nil
            for i in elements.indices {
                switch value(elements[i], scope: scope, keys: keys, topLevelMap: false) {
                case .unchanged: continue
                case .replaced(let e):
                    if out == nil { out = elements }
                    out![i] = e
                case .drop:
                    return .drop
                }
            }
            return out.map { .replaced(.array($0)) } ?? .unchanged
        case .map(let entries):
            guard let (changed, _) = attributes(entries, scope: scope, topLevel: topLevelMap, parent: keys) else { return .unchanged }
            return .replaced(.map(changed))
        case .empty, .bool, .double, .bytes:
            return .unchanged
        }
    }

    /// A free-text field (span, event name, status message): nil when unchanged; `drop` blanks it.
    func text(_ s: String, scope: ScopeSet) -> String? {
        switch StringEngine.run(s, plan: redactor.rulesByScope[scope.index], keys: .none, scratch: scratch) {
        case .unchanged: return nil
        case .replaced(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .drop: return ""
        }
    }
}
