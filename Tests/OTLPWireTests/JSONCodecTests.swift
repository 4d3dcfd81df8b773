import Foundation
import SidecarModel
import Testing

@testable import OTLPWire

@Suite("OTLP/JSON")
struct JSONCodecTests {
    @Test func tracesRoundTripThroughJSON() throws {
        let json = OTLPJSON.encode(Samples.traces)
        let back = try OTLPJSON.decodeTraces(json)
        #expect(back == Samples.traces)
    }

    @Test func metricsRoundTripThroughJSON() throws {
        let back = try OTLPJSON.decodeMetrics(OTLPJSON.encode(Samples.metrics))
        #expect(OTLPProtobuf.encode(back) == OTLPProtobuf.encode(Samples.metrics))
    }

    @Test func logsRoundTripThroughJSON() throws {
        #expect(try OTLPJSON.decodeLogs(OTLPJSON.encode(Samples.logs)) == Samples.logs)
    }

    @Test func responses() throws {
        let r = ExportResponse(partialSuccess: PartialSuccess(rejected: 2, errorMessage: "x"))
        let json = OTLPJSON.encode(r, signal: .metrics)
        #expect(String(decoding: json, as: UTF8.self) == #"{"partialSuccess":{"rejectedDataPoints":"2","errorMessage":"x"}}"#)
        #expect(try OTLPJSON.decodeResponse(json) == r)
        #expect(String(decoding: OTLPJSON.encode(ExportResponse(), signal: .traces), as: UTF8.self) == "{}")
    }

    @Test func specExampleSpan() throws {
        // Shape of the OTLP spec's example: hex ids, string 64-bit ints, integer enums, unknown keys ignored.
        let json = #"""
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"my.service"}}]},
          "scopeSpans":[{"scope":{"name":"my.library","version":"1.0.0"},
            "spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"EEE19B7EC3C1B173",
              "name":"I'm a server span","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":1544712661000000000,
              "kind":2,"attributes":[{"key":"my.span.attr","value":{"intValue":"-42"}}],"futureField":{"x":[1,2,{}]},
              "status":{"code":"STATUS_CODE_ERROR"}, "flags": null}]}]}]}
        """#
        let d = try OTLPJSON.decodeTraces(Array(json.utf8))
        let s = d.resourceSpans[0].scopeSpans[0].spans[0]
        #expect(s.traceId == Samples.traceID)
        #expect(s.spanId == Samples.spanID)
        #expect(s.startTimeUnixNano == 1_544_712_660_000_000_000)
        #expect(s.endTimeUnixNano == 1_544_712_661_000_000_000)
        #expect(s.kind == .server)
        #expect(s.attributes[key: "my.span.attr"] == .int(-42))
        #expect(s.status?.code == .error)
        #expect(d.resourceSpans[0].resource?.attributes[key: "service.name"] == "my.service")
    }

    @Test(arguments: [
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"abc"}]}]}]}"#, WireError.Code.invalidID),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\ud800"}]}]}]}"#, .invalidUTF8),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\udc00\ud800"}]}]}]}"#, .invalidUTF8),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"18446744073709551616"}]}]}]}"#, .invalidNumber),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":1.5}]}]}]}"#, .invalidNumber),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]}"#, .wrongType),
        (#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"x"}]}]}]"#, .truncated),
        (#"{"resourceSpans":[] } x"#, .invalidJSON),
        (#"{"x":01}"#, .invalidNumber),
        ("{\"a\":\"tab\tin string\"}", .invalidJSON),
    ])
    func malformedJSON(input: String, code: WireError.Code) {
        #expect(throws: WireError.self) { try OTLPJSON.decodeTraces(Array(input.utf8)) }
        do {
            _ = try OTLPJSON.decodeTraces(Array(input.utf8))
        } catch {
            #expect(error.code == code, "\(error)")
        }
    }

    @Test func invalidUTF8BytesAreRejected() {
        for bad: [UInt8] in [[0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF], [0xFF]] {
            let input = Array(#"{"resourceSpans":[{"schemaUrl":""#.utf8) + bad + Array(#""}]}"#.utf8)
            #expect(throws: WireError.self) { try OTLPJSON.decodeTraces(input) }
        }
    }

    @Test func escapesAndSurrogatePairs() throws {
        let input = #"{"resourceSpans":[{"schemaUrl":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude80"}]}"#
        let d = try OTLPJSON.decodeTraces(Array(input.utf8))
        #expect(d.resourceSpans[0].schemaUrl == "a\"b\\c/d\u{8}\u{c}\n\r\té🚀")
    }

    @Test func exact64BitIntegers() throws {
        let input = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":18446744073709551615,"attributes":[{"key":"a","value":{"intValue":-9223372036854775808}},{"key":"b","value":{"intValue":"9223372036854775807"}}]}]}]}]}"#
        let d = try OTLPJSON.decodeLogs(Array(input.utf8))
        let l = d.resourceLogs[0].scopeLogs[0].logRecords[0]
        #expect(l.timeUnixNano == .max)
        #expect(l.attributes[key: "a"] == .int(.min))
        #expect(l.attributes[key: "b"] == .int(.max))
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let input = #"{"x":"# + deep + "}"
        #expect(throws: WireError.self) { try OTLPJSON.decodeTraces(Array(input.utf8)) }
        #expect(throws: Never.self) { try OTLPJSON.decodeTraces(Array(input.utf8), limits: DecodingLimits(maxDepth: 120)) }
    }

    @Test func specialDoubles() throws {
        let input = #"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a","value":{"doubleValue":"NaN"}},{"key":"b","value":{"doubleValue":"-Infinity"}},{"key":"c","value":{"doubleValue":-0.0}},{"key":"d","value":{"doubleValue":1e-320}}]}]}]}]}"#
        let a = try OTLPJSON.decodeLogs(Array(input.utf8)).resourceLogs[0].scopeLogs[0].logRecords[0].attributes
        #expect(a[key: "a"] == .double(.nan))
        #expect(a[key: "b"] == .double(-.infinity))
        #expect(a[key: "c"] == .double(-0.0))
        #expect(a[key: "d"] == .double(Double("1e-320")!))
    }

    @Test func bytesValuesAreBase64() throws {
        let d = LogsData(resourceLogs: [ResourceLogs(scopeLogs: [ScopeLogs(logRecords: [LogRecord(body: .bytes([0xFB, 0xFF, 0x01]))])])])
        let json = String(decoding: OTLPJSON.encode(d), as: UTF8.self)
        #expect(json.contains(#""bytesValue":"+/8B""#))
        let urlSafe = json.replacingOccurrences(of: "+/8B", with: "-_8B")
        #expect(try OTLPJSON.decodeLogs(Array(urlSafe.utf8)) == d)
    }
}
