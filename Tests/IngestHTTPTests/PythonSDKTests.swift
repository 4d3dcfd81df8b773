import Foundation
import SidecarModel
import Testing

/// The OpenTelemetry Python SDK's OTLP/HTTP exporter (opentelemetry-exporter-otlp-proto-http) sends to us
/// over TCP and over the Unix socket (a requests adapter), plain, gzip and deflate. The script prints the
/// request it sent, walked from Python's protobuf message; every field must arrive as sent.
@Suite struct PythonSDKTests {
    @Test(arguments: [("tcp", "none"), ("tcp", "gzip"), ("unix", "none"), ("unix", "gzip"), ("unix", "deflate")])
    func sdkExporterSpansArriveExactly(transport: String, compression: String) async throws {
        let python = try Peers.python()
        try await LiveOTLP.with { live in
            let tag = "\(transport)-\(compression)"
            let target = transport == "tcp" ? ["--endpoint", live.baseURL] : ["--unix", live.socketPath]
            let out = try await Peers.run(python, [Peers.scripts.appendingPathComponent("export_spans.py").path] + target
                + ["--compression", compression, "--tag", tag])
            try #require(out.status == 0, "export_spans.py failed: \(out.text) \(out.stderr)")
            let lines = out.text.split(separator: "\n")
            #expect(lines.last == "RESULT SUCCESS")
            let sentLine = try #require(lines.first { $0.hasPrefix("SENT ") })
            let sent = try ExpectedTraces.parse(Array(sentLine.dropFirst(5).utf8))

            let received = live.sink.traces
            try #require(received.count == 1, "one export request, one batch")
            let got = received[0]
            #expect(got.spanCount == 3)
            // Field by field first (readable failures), then the whole value.
            let sentSpans = sent.resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }
            let gotSpans = got.resourceSpans.flatMap { $0.scopeSpans.flatMap(\.spans) }
            #expect(gotSpans.count == sentSpans.count)
            for (g, s) in zip(gotSpans, sentSpans) {
                #expect(g.traceId == s.traceId)
                #expect(g.spanId == s.spanId)
                #expect(g.parentSpanId == s.parentSpanId)
                #expect(g.traceState == s.traceState)
                #expect(g.flags == s.flags)
                #expect(g.name == s.name)
                #expect(g.kind == s.kind)
                #expect(g.startTimeUnixNano == s.startTimeUnixNano)
                #expect(g.endTimeUnixNano == s.endTimeUnixNano)
                #expect(g.attributes == s.attributes)
                #expect(g.events == s.events)
                #expect(g.links == s.links)
                #expect(g.status == s.status)
                #expect(g.droppedAttributesCount == s.droppedAttributesCount)
                #expect(g.droppedEventsCount == s.droppedEventsCount)
                #expect(g.droppedLinksCount == s.droppedLinksCount)
            }
            #expect(got == sent)
            // What the script set, checked independently of the walk.
            let root = try #require(gotSpans.first { $0.name == "GET /checkout" })
            #expect(root.attributes[key: "big.int"] == .int(9_007_199_254_740_993))
            #expect(root.attributes[key: "tag"] == .string(tag))
            #expect(root.attributes[key: "tags"] == .array(["a", "b", "ü"]))
            #expect(root.status == SpanStatus(code: .error, message: "payment declined"))
            #expect(root.events.map(\.name) == ["cache.miss", "retry.scheduled"])
            let db = try #require(gotSpans.first { $0.name == "db.query" })
            #expect(db.parentSpanId == root.spanId)
            #expect(db.links.first?.traceId == TraceID(hex: "0af7651916cd43dd8448eb211c80319c"))
            #expect(db.links.first?.spanId == SpanID(0xB7AD_6B71_6920_3331))
            #expect(db.links.first?.attributes == [Attribute("link.reason", "follows-from"), Attribute("link.count", .int(7))])
            #expect(gotSpans.contains { $0.name == "Überweisung ✓ 日本" && $0.kind == .producer })
            #expect(live.counter("otel_sidecar_receiver_received_items_total", [("receiver", "otlp_http"), ("signal", "traces")]) == 3)
        }
    }
}

/// Builds the model from the script's JSON walk of the protobuf request.
enum ExpectedTraces {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ json: [UInt8]) throws -> TracesData {
        guard let root = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any],
              let rss = root["resource_spans"] as? [[String: Any]] else { throw Invalid(description: "no resource_spans") }
        return TracesData(resourceSpans: try rss.map { rs in
            ResourceSpans(
                resource: try (rs["resource"] as? [String: Any]).map { r in
                    Resource(attributes: try attributes(r["attributes"]), droppedAttributesCount: try u32(r["dropped_attributes_count"]))
                },
                scopeSpans: try (rs["scope_spans"] as? [[String: Any]] ?? []).map { ss in
                    ScopeSpans(
                        scope: try (ss["scope"] as? [String: Any]).map { s in
                            InstrumentationScope(name: s["name"] as? String ?? "", version: s["version"] as? String ?? "",
                                                 attributes: try attributes(s["attributes"]), droppedAttributesCount: try u32(s["dropped_attributes_count"]))
                        },
                        spans: try (ss["spans"] as? [[String: Any]] ?? []).map(span),
                        schemaUrl: ss["schema_url"] as? String ?? ""
                    )
                },
                schemaUrl: rs["schema_url"] as? String ?? ""
            )
        })
    }

    static func span(_ s: [String: Any]) throws -> Span {
        Span(
            traceId: try traceID(s["trace_id"]), spanId: try spanID(s["span_id"]), traceState: s["trace_state"] as? String ?? "",
            parentSpanId: try spanID(s["parent_span_id"]), flags: try u32(s["flags"]), name: s["name"] as? String ?? "",
            kind: SpanKind(rawValue: Int32(try u32(s["kind"]))), startTimeUnixNano: try u64(s["start"]), endTimeUnixNano: try u64(s["end"]),
            attributes: try attributes(s["attributes"]), droppedAttributesCount: try u32(s["dropped_attributes_count"]),
            events: try (s["events"] as? [[String: Any]] ?? []).map { e in
                SpanEvent(timeUnixNano: try u64(e["time"]), name: e["name"] as? String ?? "", attributes: try attributes(e["attributes"]),
                          droppedAttributesCount: try u32(e["dropped_attributes_count"]))
            },
            droppedEventsCount: try u32(s["dropped_events_count"]),
            links: try (s["links"] as? [[String: Any]] ?? []).map { l in
                SpanLink(traceId: try traceID(l["trace_id"]), spanId: try spanID(l["span_id"]), traceState: l["trace_state"] as? String ?? "",
                         attributes: try attributes(l["attributes"]), droppedAttributesCount: try u32(l["dropped_attributes_count"]), flags: try u32(l["flags"]))
            },
            droppedLinksCount: try u32(s["dropped_links_count"]),
            status: try (s["status"] as? [String: Any]).map { st in
                SpanStatus(code: StatusCode(rawValue: Int32(try u32(st["code"]))), message: st["message"] as? String ?? "")
            }
        )
    }

    static func attributes(_ any: Any?) throws -> [Attribute] {
        try (any as? [[Any]] ?? []).map { kv in
            guard kv.count == 2, let key = kv[0] as? String else { throw Invalid(description: "bad key/value \(kv)") }
            return Attribute(key, try value(kv[1]))
        }
    }

    static func value(_ any: Any) throws -> AttributeValue {
        guard let v = any as? [Any], let type = v.first as? String else { throw Invalid(description: "bad value \(any)") }
        switch type {
        case "empty": return .empty
        case "s": return .string(v[1] as? String ?? "")
        case "b": return .bool(v[1] as? Bool ?? false)
        case "i":
            guard let s = v[1] as? String, let i = Int64(s) else { throw Invalid(description: "bad int \(v)") }
            return .int(i)
        case "d":
            guard let s = v[1] as? String, let bits = UInt64(s, radix: 16) else { throw Invalid(description: "bad double \(v)") }
            return .double(Double(bitPattern: bits))
        case "x": return .bytes(try hexBytes(v[1] as? String ?? ""))
        case "a": return .array(try (v[1] as? [Any] ?? []).map(value))
        case "m": return .map(try attributes(v[1]))
        default: throw Invalid(description: "unknown value type \(type)")
        }
    }

    static func hexBytes(_ s: String) throws -> [UInt8] {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { throw Invalid(description: "odd hex \(s)") }
        return try stride(from: 0, to: chars.count, by: 2).map { i in
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { throw Invalid(description: "bad hex \(s)") }
            return b
        }
    }

    static func traceID(_ any: Any?) throws -> TraceID {
        let b = try hexBytes(any as? String ?? "")
        if b.isEmpty { return .invalid }
        guard let id = TraceID(bytes: b) else { throw Invalid(description: "bad trace id") }
        return id
    }

    static func spanID(_ any: Any?) throws -> SpanID {
        let b = try hexBytes(any as? String ?? "")
        if b.isEmpty { return .invalid }
        guard b.count == 8 else { throw Invalid(description: "bad span id") }
        return SpanID(b.reduce(0) { $0 << 8 | UInt64($1) })
    }

    static func u32(_ any: Any?) throws -> UInt32 {
        guard let n = any as? NSNumber else { throw Invalid(description: "not a number: \(String(describing: any))") }
        return n.uint32Value
    }

    static func u64(_ any: Any?) throws -> UInt64 {
        guard let s = any as? String, let n = UInt64(s) else { throw Invalid(description: "not a 64-bit string: \(String(describing: any))") }
        return n
    }
}
