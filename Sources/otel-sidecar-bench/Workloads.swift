import SidecarModel

/// The benchmark span shape: an MCP tool-call span with 8 attributes and about 200 bytes of strings.
enum Workloads {
    static let tools = ["search_docs", "read_file", "create_issue", "list_repos", "run_query", "send_email"]
    static let servers = ["github", "filesystem", "postgres", "slack"]

    static func mcpSpan(_ i: Int, traceId: TraceID) -> Span {
        let tool = tools[i % tools.count]
        let server = servers[i % servers.count]
        let isError = i % 33 == 0
        return Span(
            traceId: traceId, spanId: SpanID(UInt64(i + 1) &* 0x9E37_79B9_7F4A_7C15), parentSpanId: SpanID(0xABCD),
            flags: 0x301, name: "tools/call \(tool)", kind: .client,
            startTimeUnixNano: 1_763_000_000_000_000_000 + UInt64(i) * 1000, endTimeUnixNano: 1_763_000_000_000_000_000 + UInt64(i) * 1000 + 5_000_000,
            attributes: [
                Attribute("mcp.method.name", "tools/call"),
                Attribute("mcp.tool.name", .string(tool)),
                Attribute("mcp.server.name", .string(server)),
                Attribute("mcp.session.id", .string("sess-\(i % 97)-4f1c9a7e")),
                Attribute("server.address", .string("\(server).internal.example.com")),
                Attribute("server.port", .int(8443)),
                Attribute("user.id", .string(i % 20 == 0 ? "jane.doe@example.com" : "u-\(i % 1000)")),
                Attribute("gen_ai.usage.input_tokens", .int(Int64(100 + i % 900))),
            ],
            status: isError ? SpanStatus(code: .error, message: "tool failed: timeout") : nil
        )
    }

    /// A request of `count` spans under one resource and scope.
    static func traces(spans count: Int) -> TracesData {
        let traceId = TraceID(high: 0x5B8E_FFF7_9803_8103, low: 0xD269_B633_813F_C60C)
        let spans = (0..<count).map { mcpSpan($0, traceId: traceId) }
        return TracesData(resourceSpans: [ResourceSpans(
            resource: Resource(attributes: [Attribute("service.name", "mcp-gateway"), Attribute("service.version", "1.4.2")]),
            scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "mcp-gateway", version: "1.4.2"), spans: spans)]
        )])
    }

    /// A ~470-byte event-protocol span line with 8 attributes (the issue's reference shape).
    static let eventSpanLine = #"{"type":"span","name":"tools/call search_docs","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","kind":"server","startTimeUnixNano":"1763800000000000000","durationMs":12.5,"attributes":{"mcp.method.name":"tools/call","mcp.tool.name":"search_docs","mcp.server.name":"github","mcp.session.id":"sess-42-4f1c9a7e","server.address":"github.internal.example.com","server.port":8443,"user.id":"u-4711","gen_ai.usage.input_tokens":512},"status":{"code":"ok"}}"#
}
