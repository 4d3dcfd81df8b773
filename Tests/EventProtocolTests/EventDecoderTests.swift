import EventProtocol
import SidecarModel
import Testing

@Suite("Event protocol lines")
struct EventDecoderTests {
    let decoder = EventDecoder(clock: { 1_000_000_000_000 }, randomID: { 0x1234 })

    @Test func fullSpanLine() throws {
        let line = #"{"type":"span","name":"tools/call search","traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"00f067aa0ba902b7","kind":"server","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000005000000,"attributes":{"mcp.tool.name":"search","retries":2,"ratio":0.5,"ok":true,"tags":["a",1],"nested":{"k":"v"},"nothing":null},"status":{"code":"error","message":"timeout"},"events":[{"name":"retry","timeUnixNano":"1700000000001000000","attributes":{"n":1}}],"links":[{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}],"scope":{"name":"gw","version":"1.0"},"futureKey":[1,{"x":2}]}"#
        guard case .span(let s, let scope) = try decoder.decode(line) else {
            Issue.record("expected a span")
            return
        }
        #expect(s.name == "tools/call search")
        #expect(s.traceId.hex == "5b8efff798038103d269b633813fc60c")
        #expect(s.spanId.hex == "eee19b7ec3c1b174")
        #expect(s.parentSpanId.hex == "00f067aa0ba902b7")
        #expect(s.kind == .server)
        #expect(s.startTimeUnixNano == 1_700_000_000_000_000_000)
        #expect(s.endTimeUnixNano == 1_700_000_000_005_000_000)
        #expect(s.attributes == [
            Attribute("mcp.tool.name", "search"), Attribute("retries", 2), Attribute("ratio", 0.5), Attribute("ok", true),
            Attribute("tags", .array(["a", 1])), Attribute("nested", .map([Attribute("k", "v")])), Attribute("nothing", .empty),
        ])
        #expect(s.status == SpanStatus(code: .error, message: "timeout"))
        #expect(s.events == [SpanEvent(timeUnixNano: 1_700_000_000_001_000_000, name: "retry", attributes: [Attribute("n", 1)])])
        #expect(s.links.first?.traceId.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(s.links.first?.spanId.hex == "b7ad6b7169203331")
        #expect(scope == InstrumentationScope(name: "gw", version: "1.0"))
    }

    @Test func traceparentMakesAChildSpanWithGeneratedIDAndDurations() throws {
        let line = #"{"type":"span","name":"GET /","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","durationMs":2.5}"#
        guard case .span(let s, _) = try decoder.decode(line) else {
            Issue.record("expected a span")
            return
        }
        #expect(s.traceId.hex == "0af7651916cd43dd8448eb211c80319c")
        #expect(s.parentSpanId.hex == "b7ad6b7169203331")
        #expect(s.spanId == SpanID(0x1234))
        #expect(s.isSampled)
        #expect(s.endTimeUnixNano == 1_000_000_000_000)
        #expect(s.endTimeUnixNano - s.startTimeUnixNano == 2_500_000)
    }

    @Test func metricEvents() throws {
        let e = try decoder.decode(#"{"type":"metric","name":"mcp.calls","kind":"counter","value":3,"unit":"{call}","attributes":{"tool":"x"}}"#)
        #expect(e == .metric(MetricEvent(name: "mcp.calls", kind: .counter, value: .int(3), unit: "{call}", attributes: [Attribute("tool", "x")], timeUnixNano: 1_000_000_000_000)))
        let h = try decoder.decode(#"{"type":"metric","name":"lat","kind":"histogram","value":0.25,"time":5}"#)
        #expect(h == .metric(MetricEvent(name: "lat", kind: .histogram, value: .double(0.25), timeUnixNano: 5)))
    }

    @Test func logAndResource() throws {
        let l = try decoder.decode(#"{"type":"log","body":{"msg":"hi"},"severity":"warn","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}"#)
        guard case .log(let r, _) = l else {
            Issue.record("expected a log")
            return
        }
        #expect(r.body == .map([Attribute("msg", "hi")]))
        #expect(r.severityNumber == .warn)
        #expect(r.spanId.hex == "b7ad6b7169203331")
        #expect(try decoder.decode(#"{"attributes":{"service.name":"gw"},"type":"resource"}"#) == .resource(Resource(attributes: [Attribute("service.name", "gw")])))
    }

    @Test(arguments: [
        (#"not json"#, EventErrorReason.invalidJSON),
        (#"{"type":"span","name":"x""#, .invalidJSON),
        (#"{"name":"x"}"#, .missingField),
        (#"{"type":"spam","name":"x"}"#, .unknownType),
        (#"{"type":"span"}"#, .missingField),
        (#"{"type":"span","name":5}"#, .wrongType),
        (#"{"type":"span","name":"x","traceId":"xyz"}"#, .invalidValue),
        (#"{"type":"span","name":"x","kind":"sideways"}"#, .invalidValue),
        (#"{"type":"metric","name":"m","kind":"counter"}"#, .missingField),
        (#"{"type":"metric","name":"m","kind":"counter","value":-1}"#, .invalidValue),
        (#"{"type":"metric","name":"m","kind":"counter","value":"3"}"#, .wrongType),
        (#"{"type":"span","name":"x","attributes":{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}}"#, .tooDeep),
        (#"{"type":"span","name":"x","startTimeUnixNano":10,"endTimeUnixNano":5}"#, .invalidValue),
        ("", .invalidJSON),
    ])
    func badLines(line: String, reason: EventErrorReason) {
        #expect(throws: EventError.self) { try decoder.decode(line) }
        do {
            _ = try decoder.decode(line)
        } catch {
            #expect(error.reason == reason, "\(error)")
        }
    }

    func reason(_ d: EventDecoder, _ line: String) -> EventErrorReason? {
        do {
            _ = try d.decode(line)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func limits() {
        let d = EventDecoder(limits: EventLimits(maxLineBytes: 64, maxAttributes: 2, maxDepth: 8))
        #expect(reason(d, #"{"type":"span","name":"x","attributes":{"a":1,"b":2,"c":3}}"#) == .tooManyAttributes)
        #expect(reason(d, #"{"type":"span","name":"x","attributes":{"a":1,"b":2}}"#) == nil)
        let long = #"{"type":"span","name":""# + String(repeating: "x", count: 100) + #""}"#
        #expect(reason(d, long) == .lineTooLong)
    }

    @Test func invalidUTF8IsRejected() {
        var bytes = Array(#"{"type":"span","name":""#.utf8)
        bytes += [0xC3, 0x28]
        bytes += Array(#""}"#.utf8)
        #expect(throws: EventError.self) { try decoder.decode(bytes) }
    }
}
