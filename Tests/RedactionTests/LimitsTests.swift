import Pipeline
import SidecarModel
import Testing
@testable import Redaction

struct LimitsTests {
    @Test func spanLimits() {
        let counters = CounterRegistry()
        let limits = Limits(settings: Config.LimitSettings(maxAttributes: 2, maxAttributeValueLength: 5, maxEvents: 1, maxLinks: 1), counters: counters)
        var span = Fixtures.span(attributes: [
            Attribute("a", "héllo wörld"), Attribute("b", .array(["123456", "12"])), Attribute("c", "x"), Attribute("d", "y"),
        ])
        span.droppedAttributesCount = 1
        span.events = [SpanEvent(name: "e1", attributes: [Attribute("k", "abcdefgh")]), SpanEvent(name: "e2")]
        span.links = [SpanLink(), SpanLink(), SpanLink()]
        var traces = Fixtures.traces([span])
        limits.apply(&traces)
        let out = Fixtures.firstSpan(traces)
        #expect(out.attributes == [Attribute("a", "héllo"), Attribute("b", .array(["12345", "12"]))])
        #expect(out.droppedAttributesCount == 3)
        #expect(out.events.map(\.name) == ["e1"] && out.droppedEventsCount == 1)
        #expect(out.events[0].attributes == [Attribute("k", "abcde")])
        #expect(out.links.count == 1 && out.droppedLinksCount == 2)
        #expect(counters.value(RedactionMetrics.limitTruncations, [("limit", "attributes")]) == 2)
        #expect(counters.value(RedactionMetrics.limitTruncations, [("limit", "attribute_value_length")]) == 3)
        #expect(counters.value(RedactionMetrics.limitTruncations, [("limit", "events")]) == 1)
        #expect(counters.value(RedactionMetrics.limitTruncations, [("limit", "links")]) == 2)
    }

    @Test func logAttributesAndDefaults() {
        let limits = Limits(settings: Config.LimitSettings(maxAttributes: 1), counters: CounterRegistry())
        var logs = LogsData(resourceLogs: [ResourceLogs(scopeLogs: [ScopeLogs(logRecords: [
            LogRecord(body: .string(String(repeating: "z", count: 10_000)), attributes: [Attribute("a", "1"), Attribute("b", "2")]),
        ])])])
        limits.apply(&logs)
        let record = logs.resourceLogs[0].scopeLogs[0].logRecords[0]
        #expect(record.attributes == [Attribute("a", "1")] && record.droppedAttributesCount == 1)
        #expect(record.body?.stringValue?.count == 10_000)  // bodies are not attribute values
        let defaults = Limits(settings: .default, counters: CounterRegistry())
        var traces = Fixtures.traces([Fixtures.span(attributes: (0..<128).map { Attribute("k\($0)", .string(String(repeating: "v", count: 5000))) })])
        let before = traces
        defaults.apply(&traces)
        #expect(traces == before)
    }
}
