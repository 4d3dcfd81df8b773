#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Pipeline
import SidecarConfig
import SidecarModel

/// CPU cost of the processors per span on a typical MCP tool-call span (8 attributes, ~200 bytes of
/// strings, every 20th span carrying an email address), with the default rules beside the same run with
/// redaction off. Thread CPU time (`CLOCK_THREAD_CPUTIME_ID`), best of `rounds`; each batch is built
/// fresh and uniquely owned, as a receiver hands it over, and only `process` is timed.
public enum RedactionBenchmark {
    public static func run(rounds: Int = 7, batches: Int = 200, spansPerBatch: Int = 100) -> [(name: String, nsPerSpan: Double)] {
        let counters = CounterRegistry()
        var off = SidecarConfiguration.Processors.default
        off.redaction.enabled = false
        // Configurations are valid by construction; a failure here is a bug in the benchmark.
        guard let baseline = try? Processors(config: off, counters: counters),
              let redacting = try? Processors(config: .default, counters: counters)
        else { return [] }
        func run(_ p: Processors, pii: Int, unique: Bool, batches: Int) -> Double {
            measure(p, rounds: rounds, batches: batches, spans: spansPerBatch, piiEvery: pii, unique: unique)
        }
        let offNs = run(baseline, pii: 20, unique: false, batches: batches)
        let onNs = run(redacting, pii: 20, unique: false, batches: batches)
        let offUnique = run(baseline, pii: 20, unique: true, batches: batches)
        let onUnique = run(redacting, pii: 20, unique: true, batches: batches)
        let allPII = run(redacting, pii: 1, unique: false, batches: max(1, batches / 4))
        return [
            (name: "processors, redaction off", nsPerSpan: offNs),
            (name: "processors, default rules, 5% PII", nsPerSpan: onNs),
            (name: "redaction cost, 5% PII", nsPerSpan: onNs - offNs),
            (name: "redaction cost, 5% PII, every string unique", nsPerSpan: onUnique - offUnique),
            (name: "redaction cost, 100% PII", nsPerSpan: allPII - offNs),
        ]
    }

    static func measure(_ processors: Processors, rounds: Int, batches: Int, spans: Int, piiEvery: Int, unique: Bool) -> Double {
        var best = Double.infinity
        for round in 0...rounds {
            var total: UInt64 = 0
            for b in 0..<batches {
                let batch = TelemetryBatch.traces(makeBatch(spans: spans, seed: b, piiEvery: piiEvery, unique: unique))
                let start = threadCPUNanos()
                let out = processors.process(batch)
                total += threadCPUNanos() - start
                blackHole(out)
            }
            if round > 0 { best = min(best, Double(total) / Double(batches * spans)) }  // round 0 warms up
        }
        return best
    }

    private static let tools = ["search_customer_records", "get_invoice", "list_open_tickets", "create_draft_reply", "fetch_order_status"]
    private static let words = ["invoices", "refund", "shipping delay", "account balance", "password reset", "order history", "late fee"]

    /// One batch of MCP tool-call spans for one service: a handful of tools, per-call arguments and ids.
    /// `unique`: every string also carries the span's number, so nothing repeats.
    public static func makeBatch(spans count: Int, seed: Int, piiEvery: Int, unique: Bool = false) -> TracesData {
        var spans: [Span] = []
        spans.reserveCapacity(count)
        for i in 0..<count {
            let n = seed &* 7919 &+ i
            let pii = piiEvery > 0 && n % piiEvery == 0
            let tool = tools[n % tools.count]
            let u = unique ? " \(n)" : ""
            let subject = pii ? "jane.doe\(n % 97)@example.com" : "customer \(n % 9973)"
            let query = "\(words[n % words.count]) for \(subject)"
            spans.append(Span(
                traceId: TraceID(high: UInt64(truncatingIfNeeded: n) &* 0x9E37_79B9_7F4A_7C15, low: UInt64(truncatingIfNeeded: n) &* 0xBF58_476D_1CE4_E5B9 | 1),
                spanId: SpanID(UInt64(truncatingIfNeeded: n) | 1), flags: 0x101, name: "tools/call \(tool)\(u)",
                kind: .server, startTimeUnixNano: 1_700_000_000_000_000_000, endTimeUnixNano: 1_700_000_000_004_000_000,
                attributes: [
                    Attribute("mcp.method.name", .string("tools/call\(u)")),
                    Attribute("gen_ai.tool.name", .string(tool + u)),
                    Attribute("gen_ai.operation.name", .string("execute_tool\(u)")),
                    Attribute("jsonrpc.request.id", .int(Int64(n % 100_000))),
                    Attribute("server.address", .string("api.internal.example.com\(u)")),
                    Attribute("url.full", .string("https://api.internal.example.com/v1/mcp?client=claude-desktop&v=2\(u)")),
                    Attribute("gen_ai.tool.call.arguments", .string("{\"query\":\"\(query)\",\"limit\":\(10 + n % 40)}")),
                    Attribute("mcp.protocol.version", .string("2025-06-18\(u)")),
                ],
                status: SpanStatus(code: .ok)
            ))
        }
        let resource = Resource(attributes: [Attribute("service.name", "mcp-proxy"), Attribute("service.version", "1.4.2")])
        return TracesData(resourceSpans: [ResourceSpans(resource: resource, scopeSpans: [ScopeSpans(scope: InstrumentationScope(name: "mcp"), spans: spans)])])
    }

    static func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    @inline(never)
    static func blackHole<T>(_ x: T) {
        withExtendedLifetime(x) {}
    }
}
