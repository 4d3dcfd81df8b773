import Pipeline
import SidecarConfig
import SidecarModel
@testable import Redaction

typealias Config = SidecarConfiguration

/// Builders shared by the tests.
enum Fixtures {
    static func redactor(_ settings: Config.RedactionSettings = .default, counters: CounterRegistry = CounterRegistry()) -> Redactor {
        // Test configurations are valid; a throw here fails the test with the issues.
        do {
            return try Redactor(settings: settings, counters: counters)
        } catch {
            fatalError("redactor: \(error)")
        }
    }

    static func span(name: String = "op", attributes: [Attribute] = [], trace: UInt64 = 1, parent: UInt64 = 0, flags: UInt32 = 0,
                     status: StatusCode? = nil) -> Span {
        Span(
            traceId: TraceID(high: 0x1234, low: trace), spanId: SpanID(trace &* 31 &+ 7), parentSpanId: SpanID(parent),
            flags: flags, name: name, attributes: attributes, status: status.map { SpanStatus(code: $0) }
        )
    }

    static func traces(_ spans: [Span], service: String = "svc", resource: [Attribute] = []) -> TracesData {
        TracesData(resourceSpans: [ResourceSpans(
            resource: Resource(attributes: [Attribute("service.name", .string(service))] + resource),
            scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "test"), spans: spans)]
        )])
    }

    static func firstSpan(_ data: TracesData) -> Span { data.resourceSpans[0].scopeSpans[0].spans[0] }
}

/// A clock the tests move by hand.
final class ManualClock: NanosecondClock, @unchecked Sendable {
    private var now: UInt64 = 1_000_000_000
    func nanoseconds() -> UInt64 { now }
    func advance(seconds: Double) { now += UInt64(seconds * 1e9) }
}
