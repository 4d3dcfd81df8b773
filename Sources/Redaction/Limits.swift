import Pipeline
import SidecarConfig
import SidecarModel

/// Attribute, event and link limits (`processors.limits`), as the OpenTelemetry SDKs apply them: the
/// first N are kept, the rest removed and added to the record's `dropped…Count`; string values longer
/// than `max_attribute_value_length` characters (Unicode scalars) are cut, also inside arrays and maps.
/// Span, event, link and log record attributes are limited; resource and metric point attributes are not
/// (they identify series and sources). `max_attributes: 0` keeps no attribute; a value length of 0 means
/// no limit.
public final class Limits: Sendable {
    public let settings: SidecarConfiguration.LimitSettings
    private let attributesCut: Counter
    private let valuesCut: Counter
    private let eventsCut: Counter
    private let linksCut: Counter

    public init(settings: SidecarConfiguration.LimitSettings, counters: CounterRegistry) {
        self.settings = settings
        let name = RedactionMetrics.limitTruncations
        attributesCut = counters.counter(name, [("limit", "attributes")])
        valuesCut = counters.counter(name, [("limit", "attribute_value_length")])
        eventsCut = counters.counter(name, [("limit", "events")])
        linksCut = counters.counter(name, [("limit", "links")])
    }

    public func apply(_ data: inout TracesData) {
        for r in data.resourceSpans.indices {
            for s in data.resourceSpans[r].scopeSpans.indices {
                for k in data.resourceSpans[r].scopeSpans[s].spans.indices {
                    if let changed = span(data.resourceSpans[r].scopeSpans[s].spans[k]) {
                        data.resourceSpans[r].scopeSpans[s].spans[k] = changed
                    }
                }
            }
        }
    }

    public func apply(_ data: inout LogsData) {
        for r in data.resourceLogs.indices {
            for s in data.resourceLogs[r].scopeLogs.indices {
                for k in data.resourceLogs[r].scopeLogs[s].logRecords.indices {
                    let record = data.resourceLogs[r].scopeLogs[s].logRecords[k]
                    if let (attrs, removed) = attributes(record.attributes) {
                        data.resourceLogs[r].scopeLogs[s].logRecords[k].attributes = attrs
                        data.resourceLogs[r].scopeLogs[s].logRecords[k].droppedAttributesCount &+= removed
                    }
                }
            }
        }
    }

    func span(_ span: Span) -> Span? {
        var out: Span? = nil
        if let (attrs, removed) = attributes(span.attributes) {
            out = span
            out!.attributes = attrs
            out!.droppedAttributesCount &+= removed
        }
        if span.events.count > settings.maxEvents {
            let removed = span.events.count - settings.maxEvents
            out = out ?? span
            out!.events.removeLast(removed)
            out!.droppedEventsCount &+= UInt32(clamping: removed)
            eventsCut.add(UInt64(removed))
        }
        if span.links.count > settings.maxLinks {
            let removed = span.links.count - settings.maxLinks
            out = out ?? span
            out!.links.removeLast(removed)
            out!.droppedLinksCount &+= UInt32(clamping: removed)
            linksCut.add(UInt64(removed))
        }
        let events = out?.events ?? span.events
        for e in events.indices {
            if let (attrs, removed) = attributes(events[e].attributes) {
                out = out ?? span
                out!.events[e].attributes = attrs
                out!.events[e].droppedAttributesCount &+= removed
            }
        }
        let links = out?.links ?? span.links
        for l in links.indices {
            if let (attrs, removed) = attributes(links[l].attributes) {
                out = out ?? span
                out!.links[l].attributes = attrs
                out!.links[l].droppedAttributesCount &+= removed
            }
        }
        return out
    }

    /// The limited list and how many attributes were removed; nil when within limits.
    func attributes(_ attrs: [Attribute]) -> ([Attribute], UInt32)? {
        var out: [Attribute]? = nil
        var removed: UInt32 = 0
        if attrs.count > settings.maxAttributes {
            let n = attrs.count - max(0, settings.maxAttributes)
            out = Array(attrs.prefix(max(0, settings.maxAttributes)))
            removed = UInt32(clamping: n)
            attributesCut.add(UInt64(n))
        }
        let limit = settings.maxAttributeValueLength
        if limit > 0 {
            let current = out ?? attrs
            for i in current.indices {
                if let cut = truncate(current[i].value, to: limit) {
                    if out == nil { out = attrs }
                    out![i].value = cut
                }
            }
        }
        return out.map { ($0, removed) }
    }

    private func truncate(_ value: AttributeValue, to limit: Int) -> AttributeValue? {
        switch value {
        case .string(let s):
            guard s.utf8.count > limit else { return nil }  // scalars ≤ bytes
            let scalars = s.unicodeScalars
            guard let end = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex), end < scalars.endIndex else { return nil }
            valuesCut.add()
            return .string(String(scalars[..<end]))
        case .array(let elements):
            var out: [AttributeValue]? = nil
            for i in elements.indices {
                if let cut = truncate(elements[i], to: limit) {
                    if out == nil { out = elements }
                    out![i] = cut
                }
            }
            return out.map { .array($0) }
        case .map(let entries):
            var out: [Attribute]? = nil
            for i in entries.indices {
                if let cut = truncate(entries[i].value, to: limit) {
                    if out == nil { out = entries }
                    out![i].value = cut
                }
            }
            return out.map { .map($0) }
        case .empty, .bool, .int, .double, .bytes:
            return nil
        }
    }
}
