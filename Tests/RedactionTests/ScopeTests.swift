import Pipeline
import SidecarModel
import Testing
@testable import Redaction

/// Every scope a value rule reaches, with the built-ins and with user masks restricted by `scope`.
struct ScopeTests {
    static let email = "jane.doe@example.com"
    static let masked = "[REDACTED:email]"

    @Test func tracesEveryScope() {
        let redactor = Fixtures.redactor()
        var span = Fixtures.span(name: "lookup \(Self.email)", attributes: [
            Attribute("nested", .map([
                Attribute("list", .array([.string("x"), .map([Attribute("contact", .string(Self.email))])])),
                Attribute("password", .string("hunter2")),
            ])),
            Attribute("card", .int(4_111_111_111_111_111)),
            Attribute("count", .int(3)),
        ])
        span.status = SpanStatus(code: .error, message: "no user \(Self.email)")
        span.events = [SpanEvent(name: "mail to \(Self.email)", attributes: [Attribute("to", .string(Self.email))])]
        span.links = [SpanLink(traceId: TraceID(high: 1, low: 2), spanId: SpanID(3), attributes: [Attribute("from", .string(Self.email))])]
        var traces = Fixtures.traces([span], resource: [Attribute("owner", .string(Self.email))])
        traces.resourceSpans[0].scopeSpans[0].scope?.attributes = [Attribute("maintainer", .string(Self.email))]
        redactor.redact(&traces)

        let out = Fixtures.firstSpan(traces)
        #expect(out.name == "lookup \(Self.masked)")
        #expect(out.status?.message == "no user \(Self.masked)")
        #expect(out.attributes[key: "nested"] == .map([
            Attribute("list", .array([.string("x"), .map([Attribute("contact", .string(Self.masked))])])),
            Attribute("password", .string(Redactor.keyReplacement)),
        ]))
        #expect(out.attributes[key: "card"] == .string("[REDACTED:card]"))
        #expect(out.attributes[key: "count"] == .int(3))
        #expect(out.events[0].name == "mail to \(Self.masked)")
        #expect(out.events[0].attributes[key: "to"] == .string(Self.masked))
        #expect(out.links[0].attributes[key: "from"] == .string(Self.masked))
        #expect(traces.resourceSpans[0].resource?.attributes[key: "owner"] == .string(Self.masked))
        #expect(traces.resourceSpans[0].resource?.attributes[key: "service.name"] == .string("svc"))
        #expect(traces.resourceSpans[0].scopeSpans[0].scope?.attributes[key: "maintainer"] == .string(Self.masked))
    }

    @Test func logBodiesStringAndStructured() {
        let redactor = Fixtures.redactor()
        var logs = LogsData(resourceLogs: [ResourceLogs(scopeLogs: [ScopeLogs(logRecords: [
            LogRecord(body: .string("login by \(Self.email) from 203.0.113.9"), attributes: [Attribute("user", .string(Self.email))]),
            LogRecord(body: .map([Attribute("msg", .string("hi \(Self.email)")), Attribute("token", .string("abc"))])),
        ])])])
        redactor.redact(&logs)
        let records = logs.resourceLogs[0].scopeLogs[0].logRecords
        #expect(records[0].body == .string("login by \(Self.masked) from [REDACTED:ipv4]"))
        #expect(records[0].attributes[key: "user"] == .string(Self.masked))
        #expect(records[1].body == .map([Attribute("msg", .string("hi \(Self.masked)")), Attribute("token", .string(Redactor.keyReplacement))]))
    }

    @Test func metricPointAttributesOfEveryKind() {
        let redactor = Fixtures.redactor()
        let attrs = [Attribute("client", .string(Self.email))]
        let want = [Attribute("client", .string(Self.masked))]
        let metrics: [MetricData] = [
            .gauge([NumberDataPoint(attributes: attrs, exemplars: [Exemplar(filteredAttributes: attrs)])]),
            .sum(Sum(dataPoints: [NumberDataPoint(attributes: attrs)])),
            .histogram(Histogram(dataPoints: [HistogramDataPoint(attributes: attrs)])),
            .exponentialHistogram(ExponentialHistogram(dataPoints: [ExponentialHistogramDataPoint(attributes: attrs)])),
            .summary([SummaryDataPoint(attributes: attrs)]),
        ]
        var data = MetricsData(resourceMetrics: [ResourceMetrics(
            resource: Resource(attributes: attrs),
            scopeMetrics: [ScopeMetrics(metrics: metrics.map { Metric(name: "m", data: $0) })]
        )])
        redactor.redact(&data)
        let out = data.resourceMetrics[0].scopeMetrics[0].metrics.map(\.data)
        guard case .gauge(let g) = out[0], case .sum(let s) = out[1], case .histogram(let h) = out[2],
              case .exponentialHistogram(let e) = out[3], case .summary(let q) = out[4] else {
            Issue.record("metric kinds changed")
            return
        }
        #expect(g[0].attributes == want && g[0].exemplars[0].filteredAttributes == want)
        #expect(s.dataPoints[0].attributes == want && h.dataPoints[0].attributes == want)
        #expect(e.dataPoints[0].attributes == want && q[0].attributes == want)
        #expect(data.resourceMetrics[0].resource?.attributes == want)
    }

    /// A user mask restricted to `span_name` leaves attributes alone; one restricted to `log_body`
    /// leaves spans alone.
    @Test func maskScopes() {
        var settings = Config.RedactionSettings(builtins: [:], blockedKeys: [])
        settings.masks = [
            Config.Mask(name: "a", pattern: "ORD-[0-9]+", scope: [.spanName]),
            Config.Mask(name: "b", pattern: "INV-[0-9]+", scope: [.logBody, .resourceAttributes]),
        ]
        let redactor = Fixtures.redactor(settings)
        var traces = Fixtures.traces(
            [Fixtures.span(name: "ORD-1 INV-2", attributes: [Attribute("k", .string("ORD-1 INV-2"))])],
            resource: [Attribute("r", .string("ORD-1 INV-2"))]
        )
        redactor.redact(&traces)
        #expect(Fixtures.firstSpan(traces).name == "[REDACTED:a] INV-2")
        #expect(Fixtures.firstSpan(traces).attributes[key: "k"] == .string("ORD-1 INV-2"))
        #expect(traces.resourceSpans[0].resource?.attributes[key: "r"] == .string("ORD-1 [REDACTED:b]"))
        #expect(redactor.redactLine("ORD-1 INV-2") == "ORD-1 [REDACTED:b]")
    }

    @Test func disabledRedactionChangesNothing() {
        let redactor = Fixtures.redactor(Config.RedactionSettings(enabled: false))
        var traces = Fixtures.traces([Fixtures.span(name: Self.email, attributes: [Attribute("password", "x")])])
        let before = traces
        redactor.redact(&traces)
        #expect(traces == before)
        #expect(redactor.redactLine(Self.email) == Self.email)
    }
}
