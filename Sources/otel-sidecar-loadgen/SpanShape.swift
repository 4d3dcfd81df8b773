import SidecarModel

/// The benchmark span: an MCP tool call seen by a gateway. 8 attributes (~200 bytes of strings), 3% with
/// status ERROR, 5% carrying personal data (an email address or a card number in `user.id`). Span `i` is
/// the same in every format (protobuf request, event line); ids are unique per span within a run.
enum SpanShape {
    static let tools = ["search_docs", "read_file", "create_issue", "list_repos", "run_query", "send_email"]
    static let servers = ["github", "filesystem", "postgres", "slack"]

    /// 3 of every 100 spans: status ERROR.
    static func isError(_ i: Int) -> Bool { [5, 38, 71].contains(i % 100) }
    /// 5 of every 100 spans: PII in `user.id` (alternately an email and a card number).
    static func pii(_ i: Int) -> String? {
        guard [10, 30, 50, 70, 90].contains(i % 100) else { return nil }
        return (i / 100) % 2 == 0 ? "jane.doe@example.com" : "4111 1111 1111 1111"
    }

    struct Fields {
        let tool: String
        let server: String
        let session: String
        let address: String
        let user: String
        let tokens: Int64
        let error: Bool
        let traceId: TraceID
        let spanId: SpanID
        let parentSpanId: SpanID
        let start: UInt64
        let end: UInt64
    }

    /// The fields of span `i`; `salt` makes the ids of one run differ from another's.
    static func fields(_ i: Int, salt: UInt64, baseTime: UInt64) -> Fields {
        let tool = tools[i % tools.count]
        let server = servers[i % servers.count]
        let h1 = mix(salt &+ UInt64(i) &* 3)
        let h2 = mix(salt &+ UInt64(i) &* 3 &+ 1)
        let h3 = mix(salt &+ UInt64(i) &* 3 &+ 2)
        let start = baseTime &+ UInt64(i) &* 1000
        return Fields(
            tool: tool, server: server,
            session: "sess-\(i % 97)-4f1c9a7e",
            address: "\(server).internal.example.com",
            user: pii(i) ?? "u-\(i % 1000)",
            tokens: Int64(100 + i % 900),
            error: isError(i),
            traceId: TraceID(high: h1 | 1, low: h2),
            spanId: SpanID(h3 | 1),
            parentSpanId: SpanID(mix(h3) | 1),
            start: start, end: start &+ 5_000_000 &+ UInt64(i % 50) &* 100_000
        )
    }

    static func span(_ i: Int, salt: UInt64, baseTime: UInt64) -> Span {
        let f = fields(i, salt: salt, baseTime: baseTime)
        return Span(
            traceId: f.traceId, spanId: f.spanId, parentSpanId: f.parentSpanId,
            flags: 0x301, name: "tools/call \(f.tool)", kind: .client,
            startTimeUnixNano: f.start, endTimeUnixNano: f.end,
            attributes: [
                Attribute("mcp.method.name", "tools/call"),
                Attribute("mcp.tool.name", .string(f.tool)),
                Attribute("mcp.server.name", .string(f.server)),
                Attribute("mcp.session.id", .string(f.session)),
                Attribute("server.address", .string(f.address)),
                Attribute("server.port", .int(8443)),
                Attribute("user.id", .string(f.user)),
                Attribute("gen_ai.usage.input_tokens", .int(f.tokens)),
            ],
            status: f.error ? SpanStatus(code: .error, message: "tool failed: timeout") : nil
        )
    }

    /// splitmix64.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
